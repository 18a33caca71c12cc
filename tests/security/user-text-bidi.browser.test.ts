/**
 * Bidirectional controls typed into a name or title do not reorder the text around it (issue 11,
 * item 11; docs/decisions/062-user-text-isolation-and-error-pages.md). One shared schema start
 * (app/security/user-text.ts) removes U+202A–U+202E and U+2066–U+2069 from what workspace users
 * enter; in Chromium, a study title typed with RIGHT-TO-LEFT OVERRIDE is laid out in reading order.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrganisation } from "../../app/organisations/people.server";
import { findStudy, studyInputFromStudy, updateStudy } from "../../app/studies/studies.server";
import { browserAvailable, launchBrowser } from "../support/browser";
import { startTestApp, type TestApp } from "../support/app";
import { makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";

const hasBrowser = browserAvailable();
const RLO = "\u202E";
const CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;
let app: TestApp;
let browser: Browser | undefined;
let admin: WorkspaceClient;
let organisationId: string;
let adminId: string;

beforeAll(async () => {
  app = await startTestApp();
  organisationId = (await app.db.selectFrom("organisation").select("id").where("slug", "=", "demo").executeTakeFirstOrThrow()).id;
  adminId = await makeMember(app.db, { organisationId, email: "admin@bidi.test", role: "admin" });
  admin = new WorkspaceClient(app.url);
  expect((await admin.signIn("admin@bidi.test", TEST_PASSWORD)).status).toBe(302);
  if (hasBrowser) browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe("bidirectional controls in what workspace users type", () => {
  it("are removed from study titles, organisation, theme and group names as they are saved", async () => {
    const study = (await findStudy(app.db, organisationId, "demo"))!;
    const input = studyInputFromStudy(study);
    const saved = await updateStudy(app.db, {
      organisationId,
      studyId: study.id,
      actorUserId: adminId,
      study: { ...input, titles: { ...input.titles, en: `Tandem ${RLO}Open day` } },
    });
    expect(saved.ok).toBe(true);
    expect((await findStudy(app.db, organisationId, "demo"))!.titles.en).toBe("Tandem Open day");

    await createOrganisation(app.db, { slug: "bidi", name: `\u2067Refugee\u2069 ${RLO}Council` });
    expect((await app.db.selectFrom("organisation").select("name").where("slug", "=", "bidi").executeTakeFirstOrThrow()).name).toBe(
      "Refugee Council",
    );

    const created = await admin.submit("/research/demo/studies/demo/themes", { intent: "create", name: `Housing ${RLO}worries` });
    expect(created.status).toBeLessThan(400);
    const themes = await app.db.selectFrom("theme").select("name").execute();
    expect(themes.map((t) => t.name)).toContain("Housing worries");
    expect(themes.some((t) => CONTROLS.test(t.name))).toBe(false);

    const group = await admin.submit("/research/demo/studies/demo/wellbeing/cohorts", { intent: "create", name: `${RLO}Tuesday group` });
    expect(group.status).toBeLessThan(500);
    expect((await app.db.selectFrom("cohort").select("name").execute()).map((c) => c.name)).toContain("Tuesday group");
  });

  it.skipIf(!hasBrowser)("a title typed with RIGHT-TO-LEFT OVERRIDE is laid out in reading order (Chromium)", async () => {
    const context = await browser!.newContext({ javaScriptEnabled: false });
    await context.addCookies([...admin.cookies].map(([name, value]) => ({ name, value, url: app.url })));
    const page = await context.newPage();
    await page.goto(`${app.url}/research/demo`);
    const text = await page.evaluate(() => document.body.innerText);
    expect(text).toContain("Tandem Open day");
    expect(text).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    // Layout, not only the text: each letter of "Open day" sits to the right of the one before it.
    const lefts = await page.evaluate(() => {
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.textContent!.indexOf("Open day");
        if (at < 0) continue;
        return [...Array(8).keys()]
          .filter((i) => i !== 4)
          .map((i) => {
            const range = document.createRange();
            range.setStart(node!, at + i);
            range.setEnd(node!, at + i + 1);
            return range.getBoundingClientRect().left;
          });
      }
      return [];
    });
    expect(lefts.length).toBe(7);
    for (let i = 1; i < lefts.length; i++) expect(lefts[i]!, `letter ${i} of "Open day"`).toBeGreaterThan(lefts[i - 1]!);
    await context.close();
  });
});
