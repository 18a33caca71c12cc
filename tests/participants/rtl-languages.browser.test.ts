/**
 * Pashto and Sorani, the languages shipped to participants only (docs/decisions/004-more-languages.md),
 * in Chromium with JavaScript off: a study that offers them lists them by their own names, choosing one
 * makes the page right-to-left in that language, instrument texts not yet translated into it are shown
 * in English and marked lang="en", and the information and consent pages are axe-clean at 320 px with
 * nothing scrolling sideways. axe-core needs timers, so the axe checks run in a second context with
 * JavaScript on; the pages ship no script either way (checked).
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messagesFor } from "../../app/i18n/catalogues.server";
import { getLanguage } from "../../app/i18n/languages";
import { findStudy, studyInputFromStudy, updateStudy } from "../../app/studies/studies.server";
import { axeViolations, browserAvailable, launchBrowser } from "../support/browser";
import { startTestApp, type TestApp } from "../support/app";

const hasBrowser = browserAvailable();
const LANGUAGES = ["ps", "ckb"] as const;
const TITLES = { ps: "د پناه غوښتونکو لپاره په خدمتونو کې اړیکه‌یي ارزښتونه", ckb: "بەها پەیوەندییەکان لە خزمەتگوزارییەکانی پەناخوازاندا" };
const CONTACT = { ps: "د څېړنې ټیم، research@demo.tandem.test", ckb: "تیمی توێژینەوە، research@demo.tandem.test" };
let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  if (!hasBrowser) return;
  app = await startTestApp();
  browser = await launchBrowser();
  // The study offers Pashto and Sorani, set as a researcher's edit would set it, through the domain.
  const organisation = await app.db.selectFrom("organisation").select("id").where("slug", "=", "demo").executeTakeFirstOrThrow();
  const admin = await app.db.selectFrom("app_user").select("id").executeTakeFirstOrThrow();
  const study = (await findStudy(app.db, organisation.id, "demo"))!;
  const input = studyInputFromStudy(study);
  const saved = await updateStudy(app.db, {
    organisationId: organisation.id,
    studyId: study.id,
    actorUserId: admin.id,
    study: {
      ...input,
      languages: [...input.languages, ...LANGUAGES],
      titles: { ...input.titles, ...TITLES },
      contact: { ...input.contact, ...CONTACT },
    },
  });
  expect(saved.ok).toBe(true);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function choose(page: Page, language: string) {
  await page.goto(`${app.url}/s/demo`);
  await Promise.all([page.waitForURL(/\/information$/), page.click(`a[hreflang=${language}]`)]);
}

/** Every text block in <main> with the language it is announced in (its nearest lang attribute). */
async function textLanguages(page: Page) {
  return page.$$eval("main h1, main h2, main p, main legend, main label", (elements) =>
    elements.map((e) => ({ text: (e.textContent ?? "").trim(), lang: e.closest("[lang]")?.getAttribute("lang") ?? null })),
  );
}

/**
 * English words must be marked English and the page's own words marked as the page's language. An
 * e-mail address, a participant code or the app's name inside a translated sentence is not English.
 */
function mislabelled(blocks: { text: string; lang: string | null }[], language: string) {
  const problems: string[] = [];
  for (const block of blocks) {
    const words = block.text.replace(/\S+@\S+/g, "").replace(/\bTandem\b/g, "");
    const english = /[A-Za-z]{4,}/.test(words);
    const arabicScript = /[\u0600-\u06FF]/.test(words);
    if (english && !arabicScript && block.lang !== "en") problems.push(`English text marked ${block.lang}: ${block.text.slice(0, 60)}`);
    if (arabicScript && block.lang !== language) problems.push(`${language} text marked ${block.lang}: ${block.text.slice(0, 60)}`);
  }
  return problems;
}

async function layoutProblems(page: Page, what: string) {
  const problems: string[] = [];
  for (const v of await axeViolations(page)) problems.push(`${what}: axe ${v.id} (${v.impact}) at ${v.target}`);
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  if (scrollWidth > clientWidth) problems.push(`${what}: ${scrollWidth}px wide at ${clientWidth}px (scrolls sideways)`);
  return problems;
}

describe.skipIf(!hasBrowser)("Pashto and Sorani for participants, without JavaScript", () => {
  it("the language choice names both in themselves, as the registry does", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/s/demo`);
    expect(getLanguage("ps").endonym).toBe("پښتو");
    expect(getLanguage("ckb").endonym).toContain("کوردی");
    for (const code of LANGUAGES) {
      // The choice itself, not the "I already have a code" link that also leads into the language.
      const link = page.locator(`a[hreflang=${code}]:not([href*="next="])`);
      expect((await link.textContent())?.trim()).toBe(getLanguage(code).endonym);
      expect(await link.evaluate((a) => [a.closest("[lang]")?.getAttribute("lang"), a.closest("[dir]")?.getAttribute("dir")])).toEqual([
        code,
        "rtl",
      ]);
    }
    expect(await page.locator("script:not([src='/quick-exit.js'])").count()).toBe(0);
    await context.close();
  });

  for (const language of LANGUAGES) {
    it(`${language}: the pages are right-to-left in ${language}, and untranslated instrument text is marked English`, async () => {
      const context: BrowserContext = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 640 } });
      const page = await context.newPage();
      await choose(page, language);
      for (const path of ["information", "consent"]) {
        if (path !== "information") await page.goto(`${app.url}/s/demo/${path}`);
        expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]), path).toEqual([language, "rtl"]);
        expect(await page.locator("script:not([src='/quick-exit.js'])").count(), `${path} ships JavaScript`).toBe(0);
        const blocks = await textLanguages(page);
        // The instruments have no Pashto or Sorani translation yet: their text is English, and says so.
        expect(blocks.filter((b) => b.lang === "en").length, `${path}: English fallback blocks`).toBeGreaterThan(0);
        expect(blocks.filter((b) => b.lang === language).length, `${path}: ${language} blocks`).toBeGreaterThan(0);
        expect(mislabelled(blocks, language), path).toEqual([]);
      }
      // The consent page's own words are the Pashto or Sorani catalogue's.
      expect(await page.locator("h1").first().textContent()).not.toMatch(/[A-Za-z]/);
      await context.close();
    }, 120_000);

    it(`${language}: information and consent pages are axe-clean at 320 px with no sideways scrolling`, async () => {
      const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
      const page = await context.newPage();
      const problems: string[] = [];
      await choose(page, language);
      problems.push(...(await layoutProblems(page, "information")));
      await page.goto(`${app.url}/s/demo/consent`);
      problems.push(...(await layoutProblems(page, "consent")));
      await Promise.all([page.waitForNavigation({ waitUntil: "domcontentloaded" }), page.click("main form button[type=submit]")]);
      expect(await page.locator(".error-summary").count()).toBe(1);
      problems.push(...(await layoutProblems(page, "consent with errors")));
      expect(await page.locator("script:not([src='/quick-exit.js'])").count()).toBe(0);
      expect(problems).toEqual([]);
      await context.close();
    }, 120_000);
  }

  it("a workspace page asked for in Pashto or Sorani is shown in English, and says so (lang=en, ltr), never a 500", async () => {
    for (const language of LANGUAGES) {
      const response = await fetch(`${app.url}/research/sign-in?lang=${language}`);
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain("<h1>Sign in</h1>");
      // The workspace has no catalogue in these languages: the whole page is English, frame included,
      // so a screen reader reads it with English rules.
      expect(html).toMatch(/<html lang="en" dir="ltr">/);
      expect(html).toContain("Skip to main content");
      expect(html).not.toContain(messagesFor(language)["common.skipToContent"]);
    }
  });
});
