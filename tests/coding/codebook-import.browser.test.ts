/**
 * Chromium, JavaScript off: a researcher chooses a .qdc file, sees what would change, confirms, and
 * the themes are there; a bad file brings the error summary, focused, in Arabic (right to left).
 * axe (which needs JavaScript to run) finds nothing on the form, the preview or the error.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, browserAvailable, launchBrowser } from "../support/browser";
import { startTestApp, type TestApp } from "../support/app";
import { makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";
import { createCodingFixture, type CodingFixture } from "./fixtures";

const hasBrowser = browserAvailable();
let app: TestApp;
let browser: Browser;
let client: WorkspaceClient;
let fx: CodingFixture;
let base: string;
const dir = mkdtempSync(path.join(tmpdir(), "qdc-browser-"));

beforeAll(async () => {
  if (!hasBrowser) return;
  app = await startTestApp({ demo: false });
  fx = await createCodingFixture(app.db);
  base = `/research/${fx.orgSlug}/studies/${fx.studySlug}`;
  await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "importer@browser.test", role: "researcher" });
  client = new WorkspaceClient(app.url);
  expect((await client.signIn("importer@browser.test", TEST_PASSWORD)).status).toBe(302);
  browser = await launchBrowser();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function signedIn(javaScriptEnabled: boolean): Promise<BrowserContext> {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1100, height: 900 } });
  const url = new URL(app.url);
  await context.addCookies([...client.cookies].map(([name, value]) => ({ name, value, domain: url.hostname, path: "/" })));
  return context;
}

describe.skipIf(!hasBrowser)("codebook import in Chromium without JavaScript", () => {
  it("previews, confirms and shows a translated, focused error for a bad file", async () => {
    const good = path.join(dir, "good.qdc");
    writeFileSync(
      good,
      `<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>` +
        `<Code guid="11111111-2222-4333-8444-555555555555" name="Housing" isCodable="true" color="#0072B2"><Description>Rooms and rent.</Description>` +
        `<Code guid="21111111-2222-4333-8444-555555555555" name="Damp" isCodable="true"/></Code></Codes></CodeBook>`,
    );
    const bad = path.join(dir, "bad.qdc");
    writeFileSync(bad, "<CodeBook");

    // axe first, with JavaScript: the form and a preview (which writes nothing).
    const checked = await signedIn(true);
    const axePage = await checked.newPage();
    await axePage.goto(`${app.url}${base}/themes/import`);
    expect(await axeViolations(axePage)).toEqual([]);
    await axePage.setInputFiles("#file", good);
    await axePage.click("text=Show what would change");
    await axePage.waitForSelector("text=2 themes to add");
    expect(await axeViolations(axePage)).toEqual([]);
    await axePage.goto(`${app.url}${base}/themes/import?lang=ar`);
    await axePage.setInputFiles("#file", bad);
    await axePage.click(`form[enctype="multipart/form-data"] button[type=submit]`);
    await axePage.waitForSelector("#error-summary");
    expect(await axeViolations(axePage)).toEqual([]);
    await checked.close();

    const context = await signedIn(false);
    const page = await context.newPage();
    await page.goto(`${app.url}${base}/themes/import`);
    await page.setInputFiles("#file", good);
    await page.click("text=Show what would change");
    await page.waitForSelector("text=2 themes to add");
    expect(await page.textContent("main")).toContain("Damp, under Housing");
    expect(await app.db.selectFrom("theme").select("id").where("study_id", "=", fx.scope.studyId).execute()).toHaveLength(0);
    await page.click("text=Import these changes");
    await page.waitForSelector("text=The codebook was imported");
    const names = await app.db.selectFrom("theme").select("name").where("study_id", "=", fx.scope.studyId).orderBy("name").execute();
    expect(names.map((n) => n.name)).toEqual(["Damp", "Housing"]);

    await page.goto(`${app.url}${base}/themes/import?lang=ar`);
    expect(await page.getAttribute("html", "dir")).toBe("rtl");
    await page.setInputFiles("#file", bad);
    await page.click(`form[enctype="multipart/form-data"] button[type=submit]`);
    await page.waitForSelector("#error-summary");
    expect(await page.textContent("#error-summary")).toContain("تعذّرت قراءة الملف");
    // focused on load without JavaScript (autofocus), so a screen reader starts there
    expect(await page.getAttribute("#error-summary", "autofocus")).not.toBeNull();
    await context.close();
  });
});
