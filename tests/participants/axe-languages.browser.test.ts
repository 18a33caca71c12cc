/**
 * Issue 12 item 13: axe on /support in every language (heading-order included), and contrast checked
 * in Arabic and Farsi as thoroughly as in English (see tests/support/axe-any-script.ts for why axe on
 * its own checks almost nothing in Arabic script). axe runs in the page, so these contexts allow
 * script; the participant pages send none, so they are the same pages either way.
 */
import { describe, expect, it } from "vitest";
import { appAndBrowser, axeViolations } from "../support/browser";
import { contrastChecked, contrastInAnyScript } from "../support/axe-any-script";

const run = appAndBrowser();

describe.skipIf(!run.hasBrowser)("axe in every language", () => {
  it("/support passes axe (heading-order too) in every language the demo offers", async () => {
    const context = await run.browser.newContext({ viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    for (const language of ["en", "cy", "ar", "fa"]) {
      await page.goto(`${run.app.url}/s/demo?lang=${language}`);
      await page.goto(`${run.app.url}/s/demo/support`);
      expect(await page.getAttribute("html", "lang")).toBe(language);
      expect(await axeViolations(page), language).toEqual([]);
    }
    await context.close();
  }, 240_000);

  it("checks contrast on Arabic and Farsi pages as thoroughly as on English ones", async () => {
    const context = await run.browser.newContext({ viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    const checked: Record<string, number> = {};
    for (const language of ["en", "ar", "fa"]) {
      await page.goto(`${run.app.url}/s/demo?lang=${language}`);
      for (const path of ["/information", "/consent", "/support", "/stop"]) {
        await page.goto(`${run.app.url}/s/demo${path}`);
        const plain = await contrastChecked(page);
        await page.reload();
        const result = await contrastInAnyScript(page);
        expect(result.violations, `${language} ${path}`).toEqual([]);
        checked[`${language} ${path}`] = result.checked;
        // axe alone skips Arabic-script text; with it swapped for Latin letters, it sees every text
        if (language !== "en") expect(result.checked, `${language} ${path}`).toBeGreaterThan(plain);
      }
    }
    for (const path of ["/information", "/consent", "/support", "/stop"]) {
      for (const language of ["ar", "fa"])
        expect(checked[`${language} ${path}`], `${language} ${path}`).toBeGreaterThanOrEqual(checked[`en ${path}`]! - 2);
    }
    await context.close();
  }, 400_000);
});
