// The report-back editor keeps what was typed (issue 14 item 11): one form per entry, so pressing
// "Use this quote" or removing a step after typing in several fields saves the typing too; a refusal
// puts back every value typed and links to the field; sections fold so the page fits a laptop; with
// JavaScript, leaving with unsaved changes asks first. In Chromium, with and without JavaScript.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addEntryQuote,
  addMilestone,
  createEntry,
  markTextReviewed,
  saveEntryText,
  setEntryThemes,
} from "../../app/report-back/entries.server";
import { startTestApp, type TestApp } from "../support/app";
import { axeViolations, browserAvailable, launchBrowser } from "../support/browser";
import { makeMember, TEST_PASSWORD } from "../support/workspace";
import { createReportBackFixture, OTHER_QUOTE, QUOTED, type ReportBackFixture } from "./fixtures";

const run = browserAvailable();
let app: TestApp;
let browser: Browser;
let fx: ReportBackFixture;
const EMAIL = "editor-form@example.org";

/** A draft answering "being heard" (so there are quotes to choose), with no words yet. */
async function draft(slug: string) {
  const org = fx.scope.organisationId;
  const id = await createEntry(app.db, org, { userId: fx.users.publisher }, { studyId: fx.scope.studyId, slug });
  await setEntryThemes(app.db, org, { userId: fx.users.publisher }, id, [
    { themeId: fx.themes.heard, labels: { en: "Being listened to" } },
  ]);
  return id;
}

beforeAll(async () => {
  if (!run) return;
  app = await startTestApp();
  fx = await createReportBackFixture(app.db);
  await makeMember(app.db, { organisationId: fx.scope.organisationId, email: EMAIL, role: "publisher" });
  browser = await launchBrowser();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function signedIn(options: { javaScript: boolean; viewport?: { width: number; height: number } }): Promise<BrowserContext> {
  const context = await browser.newContext({ javaScriptEnabled: options.javaScript, viewport: options.viewport });
  const page = await context.newPage();
  await page.goto(`${app.url}/research/sign-in`);
  await page.fill("#email", EMAIL);
  await page.fill("#password", TEST_PASSWORD);
  await Promise.all([page.waitForURL((url) => !url.pathname.endsWith("/sign-in")), page.click("button[type=submit]")]);
  await page.close();
  return context;
}

const editor = (slug: string) => `${app.url}/research/${fx.orgSlug}/report-back/${slug}`;

/** What a person types into several sections before pressing a button elsewhere on the page. */
const TYPED = {
  "#title-en": "Listening better at the drop-in",
  "#did-en": "Every volunteer is trained in listening.",
  "#title-cy": "Gwrando'n well",
  "#asked-cy": "Gofynnon ni sut deimlad oedd y sesiwn.",
  [`#label-${"HEARD"}-cy`]: "Cael ein clywed",
  "#askedOn": "2026-03-01",
  "#dueOn": "2026-06-01",
  "#milestone-en": "First training day",
} as const;
const selector = (key: string) => key.replace("HEARD", fx.themes.heard);

/** Opens every folded section, as a person would to reach its fields. */
async function unfold(page: Page) {
  for (let i = 0; i < 30; i++) {
    const folded = page.locator("details:not([open]) > summary:visible");
    if ((await folded.count()) === 0) return;
    await folded.first().click();
  }
}

async function typeEverything(page: Page) {
  await unfold(page);
  for (const [key, text] of Object.entries(TYPED)) await page.fill(selector(key), text);
}

async function expectEverythingKept(page: Page, view: string) {
  for (const [key, text] of Object.entries(TYPED)) {
    if (key === "#dueOn" || key === "#milestone-en") continue; // the step was added: its fields are empty again
    expect(await page.inputValue(selector(key)), `${view}: ${key}`).toBe(text);
  }
}

async function expectEverythingStored(entryId: string) {
  const texts = await app.db.selectFrom("report_entry_text").selectAll().where("entry_id", "=", entryId).orderBy("language").execute();
  expect(texts.map((t) => [t.language, t.title, t.asked, t.did])).toEqual([
    ["cy", TYPED["#title-cy"], TYPED["#asked-cy"], ""],
    ["en", TYPED["#title-en"], "", TYPED["#did-en"]],
  ]);
  const entry = await app.db.selectFrom("report_entry").select("asked_on").where("id", "=", entryId).executeTakeFirstOrThrow();
  expect(entry.asked_on).toBe("2026-03-01");
  const theme = await app.db.selectFrom("report_entry_theme").select("labels").where("entry_id", "=", entryId).executeTakeFirstOrThrow();
  expect(theme.labels).toEqual({ en: "Being listened to", cy: "Cael ein clywed" });
  const steps = await app.db.selectFrom("report_milestone").select(["due_on", "labels"]).where("entry_id", "=", entryId).execute();
  expect(steps).toEqual([{ due_on: "2026-06-01", labels: { en: "First training day" } }]);
}

describe.runIf(run)("the one entry form", () => {
  it("without JavaScript: choosing a quote after typing in several sections saves every word typed", async () => {
    const id = await draft("typed-no-js");
    const context = await signedIn({ javaScript: false });
    const page = await context.newPage();
    await page.goto(editor("typed-no-js"));
    await typeEverything(page);
    // the button that used to post its own little form, and lose everything else
    const use = page.locator(".rb-candidates li", { hasText: QUOTED }).locator("button[value^='quote-add:']");
    await Promise.all([page.waitForURL(/saved=1/), use.click()]);
    await expectEverythingKept(page, "after choosing a quote");
    await expectEverythingStored(id);
    expect(await page.locator(".rb-quote-shown", { hasText: QUOTED }).count()).toBe(1);

    // and removing a step after typing more keeps that too
    await unfold(page);
    await page.fill("#did-en", "Every volunteer is trained in listening, from May.");
    await Promise.all([page.waitForURL(/#rb-milestones/), page.locator("button[value^='milestone-remove:']").click()]);
    expect(await page.inputValue("#did-en")).toBe("Every volunteer is trained in listening, from May.");
    const en = await app.db
      .selectFrom("report_entry_text")
      .select("did")
      .where("entry_id", "=", id)
      .where("language", "=", "en")
      .executeTakeFirstOrThrow();
    expect(en.did).toBe("Every volunteer is trained in listening, from May.");
    expect(await app.db.selectFrom("report_milestone").select("id").where("entry_id", "=", id).execute()).toEqual([]);
    await context.close();
  }, 120_000);

  it("with JavaScript: the same, and leaving with unsaved changes asks first", async () => {
    const id = await draft("typed-js");
    const context = await signedIn({ javaScript: true });
    const page = await context.newPage();
    // typing counts once the page's script is running
    await page.goto(editor("typed-js"), { waitUntil: "networkidle" });
    await typeEverything(page);
    expect(await page.locator(".rb-savebar [role=status]").innerText()).toBe("You have changes that are not saved yet.");
    await page.locator(".rb-candidates li", { hasText: QUOTED }).locator("button[value^='quote-add:']").click();
    await page.locator(".rb-quote-shown", { hasText: QUOTED }).waitFor();
    await page.locator(".rb-savebar [role=status]", { hasText: "Your changes are saved." }).waitFor();
    await expectEverythingKept(page, "after choosing a quote");
    await expectEverythingStored(id);

    // typed but not saved: closing the page is questioned
    await page.fill("#did-en", "Something not saved yet");
    const asked = new Promise<string>((resolve) =>
      page.once("dialog", (dialog) => {
        resolve(dialog.type());
        void dialog.accept();
      }),
    );
    await page.close({ runBeforeUnload: true });
    expect(await asked).toBe("beforeunload");
    await context.close();
  }, 120_000);

  it("refuses a language's words without a title: nothing saved, every value kept, the summary links to the field", async () => {
    const id = await draft("refused");
    await saveEntryText(app.db, fx.scope.organisationId, { userId: fx.users.publisher }, id, "en", { title: "The first title" });
    const context = await signedIn({ javaScript: false });
    const page = await context.newPage();
    await page.goto(editor("refused"));
    await unfold(page);
    await page.fill("#title-en", "A better title");
    await page.fill("#did-cy", "Rydyn ni'n hyfforddi gwirfoddolwyr.");
    await page.fill("#progress", "150");
    await page.locator(".rb-savebar button[value=save]").click();
    await page.waitForLoadState("load");

    const links = await page.locator(".ws-error-summary a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    expect(links).toEqual(["#progress", "#title-cy"]);
    for (const link of links) expect(await page.locator(link!).count(), link!).toBe(1);
    expect(await page.locator(".ws-error-summary").innerText()).toContain("Enter a title for the Welsh words.");
    // the sections holding the refused fields are open, and every value is as typed
    expect(await page.locator("details:has(#title-cy)").getAttribute("open")).not.toBeNull();
    expect(await page.inputValue("#title-en")).toBe("A better title");
    expect(await page.inputValue("#did-cy")).toBe("Rydyn ni'n hyfforddi gwirfoddolwyr.");
    expect(await page.inputValue("#progress")).toBe("150");
    expect(await page.locator("#title-cy").getAttribute("aria-invalid")).toBe("true");
    const texts = await app.db.selectFrom("report_entry_text").select(["language", "title"]).where("entry_id", "=", id).execute();
    expect(texts).toEqual([{ language: "en", title: "The first title" }]);
    await context.close();

    // with JavaScript the refusal comes back without a new page: the same summary, the typing untouched,
    // and the page passes axe with the summary and the field messages on it
    const scripted = await signedIn({ javaScript: true });
    const again = await scripted.newPage();
    await again.goto(editor("refused"), { waitUntil: "networkidle" });
    await unfold(again);
    await again.fill("#did-cy", "Rydyn ni'n hyfforddi gwirfoddolwyr.");
    await again.locator(".rb-savebar button[value=save]").click();
    await again.locator(".ws-error-summary a[href='#title-cy']").waitFor();
    expect(await again.inputValue("#did-cy")).toBe("Rydyn ni'n hyfforddi gwirfoddolwyr.");
    expect(await axeViolations(again)).toEqual([]);
    await scripted.close();
  }, 120_000);

  it("fits a 1366×768 laptop when there is nothing left to do, and opens only the sections with work", async () => {
    const org = fx.scope.organisationId;
    const author = { userId: fx.users.publisher };
    const id = await createEntry(app.db, org, author, {
      studyId: fx.scope.studyId,
      slug: "all-done",
      askedOn: "2026-03-01",
      askedUntil: "2026-03-31",
      methods: ["survey"],
    });
    for (const language of ["en", "cy", "ar"]) {
      await saveEntryText(app.db, org, author, id, language, { title: `Title ${language}`, asked: "We asked.", did: "We did." });
      await markTextReviewed(app.db, org, { userId: fx.users.researcher }, id, language);
    }
    await setEntryThemes(app.db, org, author, id, [{ themeId: fx.themes.heard }, { themeId: fx.themes.waiting }]);
    await addEntryQuote(app.db, org, author, id, fx.quotedCoding);
    await addEntryQuote(app.db, org, author, id, fx.otherCoding);
    await addMilestone(app.db, org, author, id, { dueOn: "2026-06-01", labels: { en: "Start" } });

    const context = await signedIn({ javaScript: false, viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    await page.goto(editor("all-done"));
    expect(await page.locator("details[open]").count()).toBe(0);
    // the whole form, down to its last Save, on the first screen
    const bottom = await page.locator(".rb-editor > p:last-child button").evaluate((b) => b.getBoundingClientRect().bottom);
    expect(bottom).toBeLessThanOrEqual(768);
    // the folded sections still say where they stand
    const summaries = await page.locator("details > summary").allInnerTexts();
    expect(summaries.join("\n")).toContain("2 themes, 2 quotes");
    expect(summaries.join("\n")).toContain("Welsh (Cymraeg) · checked");

    // a new draft opens where the work is: what was asked, its words, its themes and steps
    await draft("fresh");
    await page.goto(editor("fresh"));
    const open = await page.locator("details[open] > summary").allInnerTexts();
    expect(open.some((s) => s.startsWith("We asked"))).toBe(true);
    expect(open.some((s) => s.startsWith("English"))).toBe(true);
    expect(open.some((s) => s.startsWith("Steps and dates"))).toBe(true);
    // the theme is chosen, so the quotes to choose from are open and the theme table is folded
    expect(open.some((s) => s.startsWith("Quotes you may use"))).toBe(true);
    expect(await page.locator(".rb-candidates li", { hasText: OTHER_QUOTE }).count()).toBe(0);
    await context.close();
  }, 120_000);
});
