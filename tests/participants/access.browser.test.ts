/**
 * WCAG 2.2 AA for the participant journey beyond single pages (participant-pages.test.ts checks every
 * page at 320 px): the whole journey by keyboard alone, and the whole journey at 200 % zoom.
 *
 * Keyboard: only Tab, Shift+Tab, Space, Enter (and typing into a text box) from the language choice,
 * through consent and a questionnaire page, to the end; each element reached must show its focus.
 * Zoom: a 1280×800 screen at 200 % is a 640×400 CSS-pixel viewport at device scale 2; nothing may scroll
 * sideways and axe-core must find nothing, in a left-to-right and a right-to-left language.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { axeViolations, appAndBrowser, REQUIRED_STATEMENTS } from "../support/browser";

const run = appAndBrowser();
const { hasBrowser } = run;
const REQUIRED = REQUIRED_STATEMENTS;

/** Presses Tab (or Shift+Tab) until the focused element matches `selector`; it must show its focus. */
async function tabTo(page: Page, selector: string, key: "Tab" | "Shift+Tab" = "Tab") {
  for (let presses = 0; presses < 80; presses++) {
    await page.keyboard.press(key);
    const focused = await page.evaluate((s) => {
      const el = document.activeElement;
      if (!el || !el.matches(s)) return null;
      const style = getComputedStyle(el);
      return { visible: el.matches(":focus-visible") && (style.outlineStyle !== "none" || style.backgroundColor === "rgb(255, 221, 0)") };
    }, selector);
    if (focused) {
      expect(focused.visible, `focus is visible on ${selector}`).toBe(true);
      return;
    }
  }
  throw new Error(`${key} never reached ${selector} on ${page.url()}`);
}

async function press(page: Page, key: "Enter" | "Space") {
  await Promise.all([page.waitForNavigation({ waitUntil: "domcontentloaded" }), page.keyboard.press(key)]);
}

describe.skipIf(!hasBrowser)("the participant journey by keyboard alone (Chromium, no mouse)", () => {
  it("language, information, consent, a questionnaire page answered, and every page to the end", async () => {
    const context = await run.browser.newContext({ viewport: { width: 390, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${run.app.url}/s/demo`);
    // The first Tab reaches "Skip to main content".
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.className)).toBe("skip-link");

    await tabTo(page, "a[hreflang=cy]");
    await press(page, "Enter");
    expect(new URL(page.url()).pathname).toBe("/s/demo/information");
    expect(await page.getAttribute("html", "lang")).toBe("cy");

    await tabTo(page, "main .actions a.button");
    await press(page, "Enter");
    expect(new URL(page.url()).pathname).toBe("/s/demo/consent");

    // Tab into each required statement's group lands on its first choice ("I agree"); Space chooses it.
    for (const id of REQUIRED) {
      await tabTo(page, `input[name=${id}][value=yes]`);
      await page.keyboard.press("Space");
      expect(await page.isChecked(`input[name=${id}][value=yes]`)).toBe(true);
    }
    // The optional choices are left alone (a blank is a no); Shift+Tab goes back through the form.
    await tabTo(page, "main form button[type=submit]");
    await tabTo(page, "input[name=quotes]", "Shift+Tab");
    await tabTo(page, "main form button[type=submit]");
    await press(page, "Enter");
    expect(new URL(page.url()).pathname).toBe("/s/demo/code");
    expect(await page.textContent(".code")).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);

    await tabTo(page, "main .actions a.button");
    await press(page, "Enter");

    // The first page with a question: answer it with the keyboard.
    let answered = false;
    for (let pages = 0; !page.url().endsWith("/done"); pages++) {
      expect(pages).toBeLessThan(40);
      if (!answered && (await page.locator("main form input[type=radio], main form textarea").count()) > 0) {
        if ((await page.locator("main form input[type=radio]").count()) > 0) {
          const name = await page.getAttribute("main form input[type=radio]", "name");
          await tabTo(page, `input[name=${name}]`);
          await page.keyboard.press("Space");
          expect(await page.locator(`input[name=${name}]:checked`).count()).toBe(1);
        } else {
          const name = await page.getAttribute("main form textarea", "name");
          await tabTo(page, `textarea[name=${name}]`);
          await page.keyboard.type("Atebais gyda'r bysellfwrdd");
        }
        answered = true;
      }
      await tabTo(page, "main form button[value=save]");
      await press(page, "Enter");
    }
    expect(answered).toBe(true);
    expect(await page.textContent("h1")).toBeTruthy();
    const saved = await run.app.db
      .selectFrom("answer")
      .innerJoin("response", "response.id", "answer.response_id")
      .select("answer.value")
      .where("response.language", "=", "cy")
      .execute();
    expect(saved.length).toBeGreaterThan(0);
    await context.close();
  }, 120_000);
});

describe.skipIf(!hasBrowser)("the participant journey at 200 % zoom", () => {
  for (const language of ["en", "ar"]) {
    it(`${language}: no sideways scrolling and no axe violations on any page`, async () => {
      const context = await run.browser.newContext({ viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 });
      const page = await context.newPage();
      const problems: string[] = [];
      let seen = 0;
      const check = async (what: string) => {
        seen++;
        for (const v of await axeViolations(page)) problems.push(`${what}: axe ${v.id} (${v.impact}) at ${v.target}`);
        const { scrollWidth, clientWidth } = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          clientWidth: document.documentElement.clientWidth,
        }));
        if (scrollWidth > clientWidth) problems.push(`${what}: ${scrollWidth}px wide at ${clientWidth}px (scrolls sideways)`);
      };
      const submit = async (selector = "main form button[type=submit]") => {
        await Promise.all([page.waitForNavigation({ waitUntil: "domcontentloaded" }), page.click(selector)]);
      };
      await page.goto(`${run.app.url}/s/demo/withdraw`);
      await check("language choice");
      await page.click(`a[hreflang=${language}]`);
      await check("resume (to withdraw)");
      await page.goto(`${run.app.url}/s/demo/information`);
      await check("information");
      for (const path of ["/s/demo/support", "/s/demo/break", "/s/demo/stop", "/s/demo/declined"]) {
        await page.goto(`${run.app.url}${path}`);
        await check(path);
      }
      await page.goto(`${run.app.url}/s/demo/consent`);
      await check("consent");
      await submit();
      await check("consent with errors");
      for (const id of REQUIRED) await page.check(`input[name=${id}][value=yes]`);
      await submit();
      await check("code");
      await page.click("main .actions a.button");
      for (let n = 0; !page.url().endsWith("/done"); n++) {
        expect(n).toBeLessThan(40);
        await check(new URL(page.url()).pathname);
        await submit("button[value=save]");
      }
      await check("done");
      await page.goto(`${run.app.url}/s/demo/consent`);
      await check("consent choices (from /consent)");
      await page.goto(`${run.app.url}/s/demo/withdraw`);
      await check("withdraw");
      await page.check("input[name=mode][value=keep]");
      await submit();
      await check("withdraw: are you sure?");
      await submit();
      await check("withdrawn");
      expect(seen).toBeGreaterThan(15);
      expect(problems).toEqual([]);
      await context.close();
    }, 300_000);
  }
});
