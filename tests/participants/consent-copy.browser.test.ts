/**
 * A participant's copy of their consent (issue 17 part 3), in Chromium with JavaScript off, in Arabic
 * at 320 px: coming back with their code they read each statement as they were given it and their
 * answer, the code is hidden unless they ask for it, the page is axe-clean, ships no script, and
 * prints on one A4 page.
 */
import { describe, expect, it } from "vitest";
import { changeConsentChoices } from "../../app/participants/withdrawal.server";
import { appAndBrowser, axeViolations, enrolInDemoStudy } from "../support/browser";

const run = appAndBrowser();

describe.skipIf(!run.hasBrowser)("what I agreed to (Chromium, no JavaScript, Arabic, 320 px)", () => {
  it("comes back with the code, reads the record, shows the code on request and prints on one page", async () => {
    const { code, participantId } = await enrolInDemoStudy(run.app);
    const study = await run.app.db.selectFrom("study").select("id").where("slug", "=", "demo").executeTakeFirstOrThrow();
    await changeConsentChoices(run.app.db, { studyId: study.id, participantId, choices: { quotes: true } });

    const context = await run.browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 720 } });
    const page = await context.newPage();
    await page.goto(`${run.app.url}/s/demo/my-consent`);
    await page.click("a[hreflang=ar]");
    await page.waitForURL(/\/resume\?to=consent$/);
    await page.fill("#code", code);
    await page.click("main form button[type=submit]");
    await page.waitForURL(/\/s\/demo\/my-consent$/);

    expect(await page.getAttribute("html", "dir")).toBe("rtl");
    const main = (await page.textContent("main"))!;
    expect(main).toContain("ما وافقت عليه");
    // Seven statements, each with its answer; the quote choice shows it was changed later.
    expect(await page.locator("ol.consent-copy > li").count()).toBe(7);
    expect(main).toContain("غيّرتها إلى");
    // The code is hidden but for its last two characters until the person asks.
    const plain = code.replace(/-/g, "");
    expect(main).not.toContain(code);
    expect(main).toContain(plain.slice(-2));
    // No app script: only the shared "Exit this page" enhancement every participant page has.
    expect(await page.locator("script:not([src='/quick-exit.js'])").count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);

    await page.click(`a[href="/s/demo/my-consent?code=show"]`);
    expect(await page.textContent("main")).toContain(code);

    // One A4 page when printed (the print stylesheet leaves out the header, links and footer).
    const pdf = await page.pdf({ format: "A4" });
    const pages = pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? [];
    expect(pages.length).toBe(1);
    await context.close();
  });

  it("is axe-clean at 320 px in Arabic", async () => {
    const { code } = await enrolInDemoStudy(run.app);
    const context = await run.browser.newContext({ viewport: { width: 320, height: 720 } });
    const page = await context.newPage();
    await page.goto(`${run.app.url}/s/demo/resume?to=consent`);
    await page.click("a[hreflang=ar]");
    await page.fill("#code", code);
    await page.click("main form button[type=submit]");
    await page.waitForURL(/\/s\/demo\/my-consent$/);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });

  it("without a code, asks for it first", async () => {
    const context = await run.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${run.app.url}/s/demo/my-consent`);
    // The language is chosen first (a fresh browser), and then the code is asked for.
    await page.click("a[hreflang=en]");
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe("/s/demo/resume?to=consent");
    await context.close();
  });
});
