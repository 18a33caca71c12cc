/**
 * Coming back on a new phone or browser (no language cookie, no session), in Chromium with
 * JavaScript off: the person chooses their language and then lands where they were going, not on the
 * information sheet. The `next` it carries can only point into the same study.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { appAndBrowser, enrolInDemoStudy } from "../support/browser";

const run = appAndBrowser();
const { hasBrowser } = run;

const enrolled = async () => (await enrolInDemoStudy(run.app)).code;

async function freshPage(): Promise<Page> {
  const context = await run.browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 800 } });
  return context.newPage();
}

describe.skipIf(!hasBrowser)("coming back on a new phone (Chromium, no JavaScript)", () => {
  it("/withdraw: choose a language, enter the code, and land on the withdrawal choices", async () => {
    const code = await enrolled();
    const page = await freshPage();
    await page.goto(`${run.app.url}/s/demo/withdraw`);
    expect(new URL(page.url()).pathname).toBe("/s/demo");
    await page.click("a[hreflang=cy]");
    await page.waitForURL(/\/resume\?to=withdraw$/);
    expect(await page.getAttribute("html", "lang")).toBe("cy");
    await page.fill("#code", code);
    await page.click("main form button[type=submit]");
    await page.waitForURL(/\/s\/demo\/withdraw$/);
    expect(await page.locator("input[name=mode][value=erase]").count()).toBe(1);
    await page.context().close();
  });

  it("/resume: choose a language, land on the code form, then carry on where the person was", async () => {
    const code = await enrolled();
    const page = await freshPage();
    await page.goto(`${run.app.url}/s/demo/resume`);
    await page.click("a[hreflang=en]");
    await page.waitForURL(/\/s\/demo\/resume$/);
    await page.fill("#code", code);
    await page.click("main form button[type=submit]");
    await page.waitForURL(/\/q\/focus-group-questions\/once\/introduction$/);
    await page.context().close();
  });

  it("a `next` outside the study is ignored: the person lands on the information sheet", async () => {
    const page = await freshPage();
    for (const next of ["https://example.com/s/demo/resume", "//example.com/x", "/s/other/resume", "/s/demo/../../research", "/research"]) {
      await page.goto(`${run.app.url}/s/demo?lang=en&next=${encodeURIComponent(next)}`);
      expect(new URL(page.url()).pathname, next).toBe("/s/demo/information");
    }
    await page.context().close();
  });
});
