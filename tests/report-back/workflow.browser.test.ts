// The workspace side of "you said, we did" in Chromium: a publisher drafts, a second person reviews,
// only an admin publishes; the editor sees when a quote it used has gone.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setQuoteConsent } from "../coding/fixtures";
import { addEntryQuote, addMilestone, createEntry, saveEntryText, setEntryThemes } from "../../app/report-back/entries.server";
import { startTestApp, type TestApp } from "../support/app";
import { axeViolations, browserAvailable, launchBrowser } from "../support/browser";
import { makeMember, TEST_PASSWORD } from "../support/workspace";
import { createReportBackFixture, QUOTED, type ReportBackFixture } from "./fixtures";

const run = browserAvailable();
let app: TestApp;
let browser: Browser;
let fx: ReportBackFixture;
const emails = { publisher: "", researcher: "", admin: "" };

beforeAll(async () => {
  if (!run) return;
  app = await startTestApp();
  fx = await createReportBackFixture(app.db);
  for (const role of ["publisher", "researcher", "admin"] as const) {
    emails[role] = `${role}-wf@example.org`;
    await makeMember(app.db, { organisationId: fx.scope.organisationId, email: emails[role], role });
  }
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function signedIn(role: keyof typeof emails): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${app.url}/research/sign-in`);
  await page.fill("#email", emails[role]);
  await page.fill("#password", TEST_PASSWORD);
  await Promise.all([page.waitForURL((url) => !url.pathname.endsWith("/sign-in")), page.click("button[type=submit]")]);
  return page;
}

const editorUrl = () => `${app.url}/research/${fx.orgSlug}/report-back/listening`;

describe.runIf(run)("drafting, review and publishing", () => {
  it("a publisher drafts and sends for review; a researcher approves; the admin publishes", async () => {
    const publisher = await signedIn("publisher");
    await publisher.goto(`${app.url}/research/${fx.orgSlug}/report-back`);
    await publisher.selectOption("#rb-study", fx.scope.studyId);
    await publisher.fill("#rb-slug", "listening");
    await Promise.all([publisher.waitForURL(editorUrl()), publisher.click("text=Start a draft")]);

    // the words in English; the author may not check their own words: a second person does, below
    await publisher.fill("#title-en", "Listening better");
    await publisher.fill("#asked-en", "We asked how the drop-in felt.");
    await publisher.fill("#did-en", "We are training volunteers in listening.");
    await publisher.fill("#decidedBy-en", "The board");
    // the themes in the same form: one Save keeps the words and the themes together
    await publisher.check(`#theme-${fx.themes.heard}`);
    await publisher.fill(`#label-${fx.themes.heard}-en`, "Being listened to");
    await publisher.locator(".rb-savebar button[value=save]").click();
    const english = publisher.locator("details:has(#title-en)");
    await english.locator("text=You changed these words last, so someone else who reads this language checks them.").waitFor();
    expect(await english.locator("button[value='text-reviewed:en']").count()).toBe(0);

    // a quote chosen from those the gate offers
    const candidate = publisher.locator(".rb-candidates li", { hasText: QUOTED }).locator("button[value^='quote-add:']");
    await candidate.click();
    await publisher.locator(".rb-quote-shown", { hasText: QUOTED }).waitFor();
    expect(await publisher.locator("text=Quotes in this report").count()).toBe(1);

    await publisher.locator("button[value=submit]").click();
    await publisher.locator("text=Waiting for a second person to review it.").waitFor();
    expect(await publisher.locator("button[value=approve]").count()).toBe(0);

    // a publisher may not publish even by posting the form by hand
    const csrf = await publisher.locator("input[name=csrf]").first().getAttribute("value");
    const forbidden = await publisher.request.post(editorUrl(), { form: { csrf: csrf!, intent: "publish" }, maxRedirects: 0 });
    expect(forbidden.status()).toBe(403);

    // a second person checks the English words, then approves the entry
    const researcher = await signedIn("researcher");
    await researcher.goto(editorUrl());
    const toCheck = researcher.locator("details:has(#title-en)");
    expect(await toCheck.innerText()).not.toContain("You changed these words last");
    // the section the second person has work in is open when the page opens
    expect(await toCheck.getAttribute("open")).not.toBeNull();
    await toCheck.locator("button[value='text-reviewed:en']").click();
    await toCheck.locator("button[value='text-reviewed:en']").waitFor({ state: "detached" });
    expect(await researcher.locator(".ws-error-summary").count()).toBe(0);
    expect(await researcher.locator("details:has(#title-en) summary").innerText()).toContain("checked");
    await researcher.locator("button[value=approve]").click();
    await researcher.locator("text=Approved. An admin publishes it.").waitFor();

    const admin = await signedIn("admin");
    await admin.goto(editorUrl());
    await admin.locator("button[value=publish]").click();
    await admin.locator(".ws-status", { hasText: "Published" }).waitFor();

    const audit = await app.db
      .selectFrom("audit_event")
      .selectAll()
      .where("organisation_id", "=", fx.scope.organisationId)
      .where("action", "=", "publication")
      .orderBy("id")
      .execute();
    expect(audit.map((a) => [a.actor_user_id === fx.users.publisher, (a.detail as { change: string }).change])).toEqual([
      [false, "text_reviewed"],
      [false, "published"],
    ]);

    const publicPage = await (await fetch(`${app.url}/o/${fx.orgSlug}/you-said-we-did/listening`)).text();
    expect(publicPage).toContain("Listening better");
    expect(publicPage).toContain(QUOTED);
    expect(publicPage).toContain("Being listened to");
    // three people sign in and work through the page: generous on a busy two-core machine
  }, 120_000);

  it("tells the editor when a quote it used is no longer shown", async () => {
    await setQuoteConsent(app.db, fx.quotedParticipant, false);
    const admin = await signedIn("admin");
    await admin.goto(editorUrl());
    const body = await admin.locator("main").innerText();
    expect(body).toContain("No longer shown: the person withdrew or no longer agrees to be quoted.");
    expect(body).not.toContain(QUOTED);
    const publicPage = await (await fetch(`${app.url}/o/${fx.orgSlug}/you-said-we-did/listening`)).text();
    expect(publicPage).not.toContain(QUOTED);
  });

  it("the editor, the list and the preview pass axe", async () => {
    const org = fx.scope.organisationId;
    const draft = await createEntry(app.db, org, { userId: fx.users.publisher }, { studyId: fx.scope.studyId, slug: "axe-draft" });
    await saveEntryText(app.db, org, { userId: fx.users.publisher }, draft, "ar", { title: "مسودة" });
    await setEntryThemes(app.db, org, { userId: fx.users.publisher }, draft, [{ themeId: fx.themes.waiting }]);
    await addEntryQuote(app.db, org, { userId: fx.users.publisher }, draft, fx.otherCoding);
    await addMilestone(app.db, org, { userId: fx.users.publisher }, draft, { dueOn: "2026-06-01", labels: { en: "Start" } });
    const admin = await signedIn("admin");
    const draftUrl = `${app.url}/research/${fx.orgSlug}/report-back/axe-draft`;
    for (const url of [
      `${app.url}/research/${fx.orgSlug}/report-back`,
      editorUrl(),
      `${editorUrl()}/preview`,
      draftUrl,
      `${draftUrl}/preview`,
    ]) {
      await admin.goto(url);
      expect(await axeViolations(admin), url).toEqual([]);
    }
  });

  it("warns in the preview when the printed poster would not fit one A4 sheet even at the smallest type", async () => {
    const org = fx.scope.organisationId;
    const author = { userId: fx.users.publisher };
    const long = await createEntry(app.db, org, author, { studyId: fx.scope.studyId, slug: "too-long" });
    const did = `${"We listened to everything you told us about the drop-in and the waiting room. ".repeat(50)}The end.`;
    await saveEntryText(app.db, org, author, long, "en", { title: "Too long", asked: "We asked about the drop-in.", did });
    const short = await createEntry(app.db, org, author, { studyId: fx.scope.studyId, slug: "short-enough" });
    await saveEntryText(app.db, org, author, short, "en", { title: "Short", asked: "We asked.", did: "We did it." });
    const admin = await signedIn("admin");
    await admin.goto(`${app.url}/research/${fx.orgSlug}/report-back/too-long/preview`);
    expect(await admin.locator(".rb-warning").innerText()).toContain("The printed poster will not fit on one A4 sheet");
    expect(await admin.locator(".rb-warning").innerText()).toContain("English");
    expect(await axeViolations(admin)).toEqual([]);
    await admin.goto(`${app.url}/research/${fx.orgSlug}/report-back/short-enough/preview`);
    expect(await admin.locator(".rb-warning").count()).toBe(0);
  });
});
