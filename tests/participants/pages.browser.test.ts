/**
 * Every participant page in every shipped language: axe-core (WCAG 2.2 AA tags) finds nothing, and at
 * 320 px wide nothing scrolls sideways. The pages ship no script at all (checked on each page), so
 * JavaScript is left on here only because axe-core itself needs timers to run; the journey without
 * JavaScript is tested in participant-journey.test.ts.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { axeViolations, appAndBrowser, REQUIRED_STATEMENTS } from "../support/browser";

const run = appAndBrowser();
const { hasBrowser } = run;
const REQUIRED = REQUIRED_STATEMENTS;

async function check(page: Page, what: string, seen: string[], problems: string[]) {
  seen.push(what);
  if (process.env.DEBUG_PAGES) console.log(Date.now() % 100000, what);
  const violations = await axeViolations(page);
  for (const v of violations) problems.push(`${what}: axe ${v.id} (${v.impact}) at ${v.target}`);
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  if (scrollWidth > clientWidth) problems.push(`${what}: ${scrollWidth}px wide at ${clientWidth}px (scrolls sideways)`);
  // The one script allowed is the quick exit's Shift×3 (ADR 064); the page works without it.
  expect(await page.locator("script:not([src='/quick-exit.js'])").count(), `${what} ships JavaScript`).toBe(0);
}

async function submit(page: Page, selector = "main form button[type=submit]") {
  await Promise.all([page.waitForNavigation({ waitUntil: "domcontentloaded" }), page.click(selector)]);
}

describe.skipIf(!hasBrowser)("participant pages: accessible and 320 px wide, in every language", () => {
  for (const language of ["en", "cy", "ar", "fa"]) {
    it(`${language}: no axe violations and no sideways scrolling on any page`, async () => {
      const context = await run.browser.newContext({ viewport: { width: 320, height: 640 } });
      const page = await context.newPage();
      const seen: string[] = [];
      const problems: string[] = [];
      const visit = async (path: string) => {
        await page.goto(`${run.app.url}${path}`);
        await check(page, path, seen, problems);
      };
      await visit("/s/demo");
      await page.click(`a[hreflang=${language}]`);
      await page.waitForURL(/\/information$/);
      expect(await page.getAttribute("html", "lang")).toBe(language);
      await check(page, "/s/demo/information", seen, problems);
      for (const path of ["/s/demo/support", "/s/demo/break", "/s/demo/stop", "/s/demo/resume", "/s/demo/declined", "/s/demo/finished"])
        await visit(path);
      await page.goto(`${run.app.url}/s/demo/resume`);
      await page.fill("#code", "not a code");
      await submit(page);
      await check(page, "resume with an error", seen, problems);

      await visit("/s/demo/consent");
      await submit(page);
      await check(page, "consent with errors", seen, problems);
      for (const id of REQUIRED) await page.check(`input[name=${id}][value=yes]`);
      await page.check("input[name=audio_recording][value=no]");
      await page.check("input[name=quotes][value=yes]");
      await submit(page);
      await page.waitForURL(/\/code$/);
      await check(page, "/s/demo/code", seen, problems);
      await page.click("main .actions a.button");

      for (let n = 0; !page.url().endsWith("/done"); n++) {
        expect(n).toBeLessThan(40);
        await check(page, new URL(page.url()).pathname, seen, problems);
        if (n === 5) {
          // A bad value (as a tampered or stale form would send) shows the error summary and message.
          await page.evaluate(() => {
            const radio = document.querySelector<HTMLInputElement>("input[type=radio]");
            if (radio) {
              radio.value = "99";
              radio.checked = true;
            }
          });
          await submit(page, "button[value=save]");
          await check(page, "a question page with an error", seen, problems);
        }
        await submit(page, "button[value=save]");
      }
      await check(page, "/s/demo/done", seen, problems);
      await visit("/s/demo/consent-choices");
      await visit("/s/demo/group");
      await submit(page);
      await check(page, "group: nothing chosen", seen, problems);
      await page.check("input[name=cohort]");
      await submit(page);
      await check(page, "group: joined", seen, problems);
      await visit("/s/demo/withdraw");
      await page.check("input[name=mode][value=keep]");
      await submit(page);
      await check(page, "withdraw: are you sure?", seen, problems);
      await submit(page);
      await page.waitForURL(/\/withdrawn/);
      await check(page, "/s/demo/withdrawn", seen, problems);
      expect(seen.length).toBeGreaterThan(20);
      expect(problems).toEqual([]);
      await context.close();
    }, 300_000);
  }
});
