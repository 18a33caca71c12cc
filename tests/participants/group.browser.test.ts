/**
 * A participant joins their peer-support group with their code (issue 6), in Chromium: without
 * JavaScript, from a new phone (language first, then the code, then the group page), with an error
 * that changes nothing when no group is chosen; and the page axe-clean in Arabic at 320 px.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { appAndBrowser, axeViolations, enrolInDemoStudy } from "../support/browser";

const run = appAndBrowser();
const { hasBrowser } = run;

const enrolled = () => enrolInDemoStudy(run.app);

async function signIn(page: Page, code: string, language: string) {
  await page.goto(`${run.app.url}/s/demo/group`);
  await page.click(`a[hreflang=${language}]`);
  await page.waitForURL(/\/resume\?to=group$/);
  await page.fill("#code", code);
  await page.click("main form button[type=submit]");
  await page.waitForURL(/\/s\/demo\/group$/);
}

const cohortOf = (participantId: string) =>
  run.app.db.selectFrom("participant").select("cohort_id").where("id", "=", participantId).executeTakeFirstOrThrow();

describe.skipIf(!hasBrowser)("joining a group with one's code (Chromium)", () => {
  it("without JavaScript: code, then the group; choosing nothing is an error that changes nothing", async () => {
    const person = await enrolled();
    const context = await run.browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 800 } });
    const page = await context.newPage();
    await signIn(page, person.code, "en");
    expect(await page.textContent("h1")).toBe("Join your peer-support group");

    await page.click("main form button[type=submit]");
    expect(await page.textContent(".error-summary")).toContain("Choose your group");
    // The summary's link goes to the first choice, so the person lands where they can fix it.
    const link = await page.getAttribute(".error-summary a", "href");
    expect(await page.locator(`input${link}`).count()).toBe(1);
    expect((await cohortOf(person.participantId)).cohort_id).toBeNull();

    await page.getByLabel("Cardiff peer group").check();
    await page.click("main form button[type=submit]");
    expect(await page.textContent("[role=status]")).toContain("You are now in Cardiff peer group.");
    const cohort = await run.app.db.selectFrom("cohort").select("id").where("name", "=", "Cardiff peer group").executeTakeFirstOrThrow();
    expect((await cohortOf(person.participantId)).cohort_id).toBe(cohort.id);

    // Coming back later, the page says which group they are in and has it chosen.
    await page.goto(`${run.app.url}/s/demo/group`);
    expect(await page.textContent("main")).toContain("You are in Cardiff peer group.");
    expect(await page.getByLabel("Cardiff peer group").isChecked()).toBe(true);
    await context.close();
  });

  it("in Arabic at 320 px: right to left, nothing scrolls sideways, axe finds nothing", async () => {
    const person = await enrolled();
    const context = await run.browser.newContext({ viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    await signIn(page, person.code, "ar");
    expect(await page.getAttribute("html", "dir")).toBe("rtl");
    expect(await page.textContent("h1")).toBe("انضم إلى مجموعة الدعم من الأقران");
    await page.click("main form button[type=submit]");
    expect(await page.textContent(".error-summary")).toContain("اختر مجموعتك");
    expect(await axeViolations(page)).toEqual([]);
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await context.close();
  });
});
