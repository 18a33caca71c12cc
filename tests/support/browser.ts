import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { randomBytes } from "node:crypto";
import { enrolOnline } from "../../app/participants/enrolment.server";
import { findParticipantStudy } from "../../app/participants/study.server";
import { secretsFrom } from "../../app/security/secrets.server";
import { startTestApp, TEST_SECRET, type TestApp } from "./app";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Debian's Chromium, never a downloaded browser. Without it, browser tests are skipped with a clear
 * message, except in CI, where a missing browser is a failure.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI) throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}; .ci/run installs it with apt-get.`);
  console.warn(`Skipping browser tests: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium).`);
  return false;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-background-networking",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Runs axe-core in the page and returns its violations (rule id, impact, and the first target). */
export async function axeViolations(page: import("playwright-core").Page) {
  // Evaluated through the DevTools protocol: the page's CSP (rightly) refuses injected <script> tags.
  await page.evaluate(readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8"));
  const result = await page.evaluate(async () => {
    // @ts-expect-error axe is injected above
    const r = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
    });
    return r.violations.map((v: { id: string; impact: string; nodes: { target: string[] }[] }) => ({
      id: v.id,
      impact: v.impact,
      target: v.nodes[0]?.target.join(" "),
    }));
  });
  return result as Array<{ id: string; impact: string; target: string }>;
}

/** The consent form's required statements, as the participant browser tests tick them. */
export const REQUIRED_STATEMENTS = [
  "read_information_sheet",
  "voluntary_withdrawal",
  "anonymised_confidential",
  "pause_or_stop",
  "agree_to_take_part",
];

/**
 * The built app on its own throwaway database (with the demo study) and Debian's Chromium, started
 * before a test file's tests and closed after them. `hasBrowser` is false only outside CI without
 * Chromium, when the file's tests are skipped.
 */
export function appAndBrowser() {
  const run = { hasBrowser: browserAvailable() } as { hasBrowser: boolean; app: TestApp; browser: Browser };
  beforeAll(async () => {
    if (!run.hasBrowser) return;
    run.app = await startTestApp();
    run.browser = await launchBrowser();
  });
  afterAll(async () => {
    await run.browser?.close();
    await run.app?.close();
  });
  return run;
}

/** A new participant of the demo study who consented online in English: their code and id. */
export async function enrolInDemoStudy(app: TestApp): Promise<{ code: string; participantId: string }> {
  const study = (await findParticipantStudy(app.db, { slug: "demo" }))!;
  const result = await enrolOnline(app.db, {
    study,
    language: "en",
    agreed: REQUIRED_STATEMENTS,
    codeHashKey: secretsFrom(TEST_SECRET).codeHashKey,
    submissionToken: randomBytes(32).toString("base64url"),
  });
  if (!result.created) throw new Error("expected a new participant");
  return { code: result.code, participantId: result.participantId };
}
