/**
 * What the server sends is exactly what it meant to send, in every language (issue 11, item 14;
 * docs/decisions/062-user-text-isolation-and-error-pages.md). React 18.3's streaming renderer put
 * NUL bytes into pages with multi-byte text at every 2048-byte boundary; a browser turns a NUL in a
 * <textarea> into U+FFFD, so an earlier answer shown again for editing came back altered and was
 * saved that way.
 *
 * 1. Over HTTP, every participant page in every shipped language (as scripts/bench-pages.ts walks
 *    them) carries no NUL byte and no U+FFFD (what a cut multi-byte character decodes to).
 * 2. In Chromium, a long Arabic, Farsi and Welsh answer (several KB, so it straddles many 2048-byte
 *    boundaries), shown again in its <textarea> and saved without a change, is in the database unchanged.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { languageCodes } from "../../app/i18n/languages";
import { browserAvailable, launchBrowser } from "../support/browser";
import { startTestApp, type TestApp } from "../support/app";
import { consentForm, hiddenValue, ParticipantClient } from "../support/participant-http";

const shipped = languageCodes.filter((code) => existsSync(path.join("app", "i18n", "catalogues", "participant", `${code}.json`)));
const hasBrowser = browserAvailable();
let app: TestApp;
let browser: Browser | undefined;

beforeAll(async () => {
  app = await startTestApp();
  // Every shipped language, offered by the demo study on this throwaway copy (as bench:pages does).
  const study = await app.db.selectFrom("study").select(["id", "languages"]).where("slug", "=", "demo").executeTakeFirstOrThrow();
  const missing = shipped.filter((code) => !study.languages.includes(code));
  if (missing.length > 0)
    await app.db
      .updateTable("study")
      .set({ languages: [...study.languages, ...missing] })
      .where("id", "=", study.id)
      .execute();
  if (hasBrowser) browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/**
 * A passage of at least `bytes` UTF-8 bytes, no line breaks (a textarea would send them back as
 * CRLF), within the 5,000 characters a long answer may have (app/instruments/schema.ts).
 */
function longText(sentence: string, bytes: number): string {
  let text = sentence;
  for (let n = 2; Buffer.byteLength(text) < bytes; n++) text += ` ${n}. ${sentence}`;
  return text;
}

const LONG_ANSWERS = {
  ar: longText("ساعدني الموظفون كثيراً، وكانوا صبورين ولطفاء معي ومع أطفالي عندما وصلنا إلى كارديف لأول مرة، وشرحوا لي كل شيء بهدوء.", 7000),
  fa: longText(
    "کارکنان خیلی به من کمک کردند و با من و بچه‌هایم صبور و مهربان بودند، وقتی برای اولین بار به کاردیف رسیدیم همه چیز را آرام توضیح دادند.",
    7000,
  ),
  cy: longText(
    "Roedd y staff yn garedig ac yn amyneddgar; fe wnaethon nhw esbonio popeth yn Gymraeg, a dw i’n ddiolchgar iawn i’r gŵr a’r ŵyr â’u cŷn.",
    4800,
  ),
};

/** Every choice group answered with its first value and every text box with `text`. */
function answersFor(html: string, text: string): Record<string, string> {
  const form: Record<string, string> = { _intent: "save" };
  for (const [, name, value] of html.matchAll(/<input type="(?:radio|checkbox)"[^>]*name="([a-z0-9_]+)" value="([^"]*)"/g))
    form[name!] ??= value!;
  for (const [, name] of html.matchAll(/<textarea[^>]*name="([a-z0-9_]+)"/g)) form[name!] = text;
  for (const [tag, name] of html.matchAll(/<input[^>]*name="([a-z0-9_]+)"[^>]*type="text"[^>]*>/g)) {
    if (!name!.startsWith("_")) form[name!] = /inputmode="decimal"/i.test(tag) ? "3" : "Cardiff";
  }
  return form;
}

function expectIntact(what: string, page: { status: number; html: string }) {
  expect(page.status, what).toBeLessThan(500);
  expect(page.html.includes("\u0000"), `${what} carries a NUL byte`).toBe(false);
  expect(page.html.includes("\uFFFD"), `${what} carries a cut character (U+FFFD)`).toBe(false);
}

/**
 * Consents and walks the questionnaire, answering every text box with `text`; returns the path of
 * the first page with a text box.
 */
async function journey(
  client: ParticipantClient,
  language: string,
  text: string,
  seen: (what: string, page: { status: number; html: string }) => void,
) {
  seen("information", await client.get(`/s/demo?lang=${language}`));
  for (const page of [
    "/s/demo",
    "/s/demo/support",
    "/s/demo/break",
    "/s/demo/stop",
    "/s/demo/resume",
    "/s/demo/withdraw",
    "/s/demo/no-such-page",
  ])
    seen(page, await client.get(page));
  seen("resume (wrong code)", await client.post("/s/demo/resume", { _to: "next", code: "0000-0000-0000-0000" }));
  const consent = await client.get("/s/demo/consent");
  seen("consent", consent);
  seen("consent (nothing chosen)", await client.post("/s/demo/consent", { _token: hiddenValue(consent.html, "_token") }));
  const again = await client.get("/s/demo/consent");
  seen("code", await client.post("/s/demo/consent", consentForm(hiddenValue(again.html, "_token"), { quotes: true })));
  let textPage: string | undefined;
  let page = await client.get("/s/demo/next");
  for (let n = 0; new URL(page.url).pathname.startsWith("/s/demo/q/"); n++) {
    expect(n, "more than 50 questionnaire pages").toBeLessThan(50);
    const pathname = new URL(page.url).pathname;
    seen(pathname, page);
    if (!textPage && page.html.includes("<textarea")) textPage = pathname;
    page = await client.post(pathname, answersFor(page.html, text));
  }
  seen("done", page);
  if (textPage) seen(`${textPage} (shown again)`, await client.get(textPage));
  for (const p of ["/s/demo/consent-choices", "/s/demo/finished"]) seen(p, await client.get(p));
  return textPage;
}

describe("no page carries a NUL byte or a cut character, in any language", () => {
  for (const language of shipped) {
    it(`${language}: every participant page, with long answers shown again`, async () => {
      const client = new ParticipantClient(app.url);
      const seen: string[] = [];
      const text = LONG_ANSWERS[language as keyof typeof LONG_ANSWERS] ?? LONG_ANSWERS.ar;
      const textPage = await journey(client, language, text, (what, page) => {
        seen.push(what);
        expectIntact(`${language} ${what}`, page);
      });
      expect(textPage, "the demo questionnaire has a text box").toBeDefined();
      expect(seen.length).toBeGreaterThan(15);
    });
  }
});

describe.skipIf(!hasBrowser)("a long answer shown again for editing is saved unchanged (Chromium)", () => {
  for (const [language, text] of Object.entries(LONG_ANSWERS)) {
    it(`${language}: ${Buffer.byteLength(text)} bytes survive edit-and-save`, async () => {
      const client = new ParticipantClient(app.url);
      const textPage = await journey(client, language, text, () => {});
      const context = await browser!.newContext({ javaScriptEnabled: false });
      await context.addCookies([...client.cookies].map(([name, value]) => ({ name, value, url: app.url })));
      const page = await context.newPage();
      await page.goto(`${app.url}${textPage}`);
      const shown = await page.locator("textarea").first().inputValue();
      expect(shown === text, `the ${language} answer as the browser shows it for editing`).toBe(true);
      // Saved as shown, without a change: what a participant does who only reads their answer again.
      await Promise.all([page.waitForNavigation({ waitUntil: "domcontentloaded" }), page.click("button[value=save]")]);
      await context.close();

      const name = /<textarea[^>]*name="([a-z0-9_]+)"/.exec((await client.get(textPage!)).html)![1]!;
      const stored = await app.db
        .selectFrom("answer")
        .innerJoin("response", "response.id", "answer.response_id")
        .select(["answer.value", "response.language"])
        .where("answer.item_id", "=", name)
        .where("response.language", "=", language)
        .execute();
      expect(stored.length).toBeGreaterThan(0);
      for (const row of stored) expect(row.value === text, `the stored ${language} answer is what was written`).toBe(true);
    });
  }
});
