/**
 * Quote checks in Chromium with JavaScript off, in Arabic at 320 px (issue 17, ADR 078): a person
 * comes in with their code, approves one quote, leaves words out of another and approves a third,
 * then says no to that third; on the next request it is gone from the public entry, its feed and
 * every quote export (CSV, Markdown, print). The pages are right-to-left, ship no script but the
 * quick exit, never scroll sideways, and are axe-clean at 320 px (axe needs timers, so it runs in a
 * second context with JavaScript on, on the same pages).
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secretsFrom } from "../../app/security/secrets.server";
import { axeViolations, browserAvailable, launchBrowser } from "../support/browser";
import { startTestApp, TEST_SECRET, type TestApp } from "../support/app";
import { makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";
import { createReportBackFixture, type ReportBackFixture } from "../report-back/fixtures";
import { checkQuotes, entryQuoting, quotedPerson, SENTENCES, type QuotedPerson } from "./fixtures";

const hasBrowser = browserAvailable();
let app: TestApp;
let browser: Browser;
let fx: ReportBackFixture;
let person: QuotedPerson;
let researcher: WorkspaceClient;

beforeAll(async () => {
  if (!hasBrowser) return;
  app = await startTestApp({ demo: false });
  browser = await launchBrowser();
  fx = await createReportBackFixture(app.db);
  await app.db
    .updateTable("study")
    .set({ status: "open", languages: ["en", "cy", "ar", "fa", "ps", "ckb"] })
    .where("id", "=", fx.scope.studyId)
    .execute();
  await checkQuotes(app.db, fx);
  person = await quotedPerson(app.db, fx, { codeHashKey: secretsFrom(TEST_SECRET).codeHashKey });
  await entryQuoting(app.db, fx, person.codings, "time-to-listen");
  await makeMember(app.db, { organisationId: fx.scope.organisationId, email: `exports-${fx.orgSlug}@example.org`, role: "researcher" });
  researcher = new WorkspaceClient(app.url);
  await researcher.signIn(`exports-${fx.orgSlug}@example.org`, TEST_PASSWORD);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const base = () => `/s/${fx.studySlug}`;

/** Every place a quote is published: the public entry (and its poster), the feed, and the three exports. */
async function published(): Promise<string> {
  const entry = await (await fetch(`${app.url}/o/${fx.orgSlug}/you-said-we-did/time-to-listen?lang=ar`)).text();
  const feed = await (await fetch(`${app.url}/o/${fx.orgSlug}/you-said-we-did/feed.xml`)).text();
  const quotes = `/research/${fx.orgSlug}/studies/${fx.studySlug}/quotes`;
  const csrf = await researcher.csrf();
  const form = { theme: fx.themes.heard, translation: "en" };
  const csv = await (await researcher.post(`${quotes}/download?format=csv`, form, { csrf })).text();
  const md = await (await researcher.post(`${quotes}/download?format=md`, form, { csrf })).text();
  const print = await (await researcher.post(quotes, form, { csrf })).text();
  return [entry, feed, csv, md, print].join("\n");
}

async function pageProblems(page: Page, what: string): Promise<string[]> {
  const problems: string[] = [];
  const [lang, dir] = await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]);
  if (lang !== "ar" || dir !== "rtl") problems.push(`${what}: <html lang=${lang} dir=${dir}>`);
  if ((await page.locator("script:not([src='/quick-exit.js'])").count()) > 0) problems.push(`${what}: ships a script`);
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  if (scrollWidth > clientWidth) problems.push(`${what}: ${scrollWidth}px wide at ${clientWidth}px`);
  return problems;
}

/** The code page; carrying on (`next`) leads to the quotes only while some wait for the person. */
async function comeInWithCode(context: BrowserContext, to: "next" | "quotes" = "next"): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${app.url}${base()}?lang=ar`);
  await page.goto(`${app.url}${base()}/resume?to=${to}`);
  await page.fill("#code", person.code);
  await Promise.all([page.waitForURL(/\/my-quotes$/), page.click("main form button[type=submit]")]);
  return page;
}

async function answer(page: Page, words: string, choice: "approve" | "leave_out" | "refuse", link = "a.button") {
  await Promise.all([
    page.waitForURL(/\/my-quotes\/[0-9a-f-]{36}$/),
    page.locator("section", { hasText: words }).locator(link).first().click(),
  ]);
  await page.check(`input[name=choice][value=${choice}]`);
  await Promise.all([page.waitForNavigation(), page.click("main form button[type=submit]")]);
}

describe.skipIf(!hasBrowser)("quote checks in Arabic at 320 px, without JavaScript", () => {
  it("approve one, narrow another, refuse a third: the refused one is gone from every place on the next request", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 640 } });
    const page = await comeInWithCode(context);
    const problems: string[] = [];
    problems.push(...(await pageProblems(page, "my-quotes")));
    expect(await page.locator("h1").textContent()).toBe("اقتباساتك");
    expect(await page.locator("blockquote.my-quote").count()).toBe(3);
    expect(await page.locator("blockquote.my-quote").first().getAttribute("lang")).toBe("en");
    // Before anyone answers, nothing of theirs is published.
    for (const sentence of SENTENCES) expect(await published()).not.toContain(sentence);

    await answer(page, "volunteers", "approve");
    expect(page.url()).toMatch(/\/my-quotes$/);
    expect(await page.locator(".panel-success").count()).toBe(1);
    await answer(page, "hostel", "approve");

    // Leave out a name: the words page, one checkbox per word.
    await answer(page, "caseworker", "leave_out");
    expect(page.url()).toMatch(/\/words$/);
    problems.push(...(await pageProblems(page, "words")));
    await page.getByLabel("Sara", { exact: true }).check();
    await Promise.all([page.waitForURL(/\/my-quotes$/), page.click("main form button[type=submit]")]);

    let everywhere = await published();
    expect(everywhere).toContain(SENTENCES[0]);
    expect(everywhere).toContain(SENTENCES[2]);
    expect(everywhere).toContain("My caseworker");
    expect(everywhere).not.toContain("Sara");

    // The person changes their mind about the third.
    await answer(page, "hostel", "refuse", "a[href*='/my-quotes/']");
    expect(page.url()).toMatch(/\/my-quotes$/);
    problems.push(...(await pageProblems(page, "my-quotes after a no")));
    everywhere = await published();
    expect(everywhere).not.toContain("hostel");
    expect(everywhere).toContain(SENTENCES[0]);
    expect(everywhere).not.toContain("Sara");

    // What happened to what they said: the entry, marked where their own words are quoted.
    await page.goto(`${app.url}${base()}/what-happened`);
    problems.push(...(await pageProblems(page, "what-happened")));
    expect(await page.locator(".heard-yours blockquote").allTextContents()).toEqual([
      SENTENCES[0],
      expect.stringContaining("My caseworker"),
    ]);
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);

  it("the pages are axe-clean at 320 px, an error included", async () => {
    const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
    const page = await comeInWithCode(context, "quotes");
    const problems: string[] = [];
    const axe = async (what: string) => {
      for (const v of await axeViolations(page)) problems.push(`${what}: axe ${v.id} (${v.impact}) at ${v.target}`);
      problems.push(...(await pageProblems(page, what)));
    };
    await axe("my-quotes");
    const [first] = (
      await app.db.selectFrom("quote_check").select("id").where("participant_id", "=", person.participantId).orderBy("start_cp").execute()
    ).map((r) => r.id);
    await page.goto(`${app.url}${base()}/my-quotes/${first}`);
    await axe("check");
    await Promise.all([page.waitForNavigation(), page.click("main form button[type=submit]")]);
    expect(await page.locator(".error-summary").count()).toBe(1);
    await axe("check with an error");
    await page.goto(`${app.url}${base()}/my-quotes/${first}/words`);
    await axe("words");
    await page.goto(`${app.url}${base()}/what-happened`);
    await axe("what-happened");
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);

  it("a facilitator's page with the person's quotes is axe-clean, in Arabic too", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${app.url}/research/sign-in`);
    await page.getByLabel("Email address").fill(`exports-${fx.orgSlug}@example.org`);
    await page.getByLabel("Password").fill(TEST_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Sign in" }).click()]);
    for (const language of ["en", "ar"]) {
      await context.addCookies([{ name: "tandem_lang", value: language, url: app.url }]);
      await page.goto(`${app.url}/research/${fx.orgSlug}/studies/${fx.studySlug}/quote-checks`);
      await page.fill("#_code", person.code);
      await Promise.all([page.waitForNavigation(), page.locator("main form button[type=submit]").first().click()]);
      expect(await page.locator("[data-testid=assisted-quote]").count()).toBe(3);
      expect(await axeViolations(page), language).toEqual([]);
    }
    await context.close();
  }, 120_000);
});
