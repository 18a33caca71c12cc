/**
 * One numbering system per page, over plain HTTP against the built app (ADR 064, "Digits and
 * dates"): a Farsi questionnaire page with 0–10 scales and progress shows only Persian digits, an
 * Arabic one only Latin digits, values posted stay Latin, and public report-back dates read day
 * month year in Welsh and name the Gregorian month in Farsi.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consentForm, hiddenValue, ParticipantClient } from "../support/participant-http";
import { startTestApp, type TestApp } from "../support/app";
import { createReportBackFixture, publishedEntry, type ReportBackFixture } from "../report-back/fixtures";

let app: TestApp;
let fx: ReportBackFixture;

beforeAll(async () => {
  app = await startTestApp();
  fx = await createReportBackFixture(app.db);
  await publishedEntry(app.db, fx, "dates", { allLanguages: true });
});
afterAll(async () => app?.close());

/** What a reader sees: the text between tags, without scripts, styles or attribute values. */
function visibleText(html: string): string {
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&[a-z]+;|&#x?[0-9a-f]+;/gi, " ")
    .replace(/\s+/g, " ");
}

/**
 * Words in Latin script keep their digits: participant codes (typed back, always Latin) and names
 * such as "Open Government Licence v3.0" in a measure's attribution.
 */
const withoutCodes = (text: string) => text.replace(/\S*[A-Za-z]\S*/g, " ");

const LATIN = /[0-9]/g;
const ARABIC_INDIC = /[\u0660-\u0669]/g;
const PERSIAN = /[\u06F0-\u06F9]/g;

async function questionPage(language: string) {
  const client = new ParticipantClient(app.url);
  await client.get(`/s/demo?lang=${language}`);
  const consent = await client.get("/s/demo/consent");
  await client.post("/s/demo/consent", consentForm(hiddenValue(consent.html, "_token")));
  const page = await client.get("/s/demo/q/peer-support-wellbeing/pre/ons4_section");
  expect(page.status).toBe(200);
  expect(page.html).toContain('type="radio"');
  return page.html;
}

describe("digits on a questionnaire page", () => {
  it("Farsi: scale options, their ends and the progress use Persian digits only; posted values stay Latin", async () => {
    const html = await questionPage("fa");
    const text = withoutCodes(visibleText(html));
    expect(text.match(LATIN) ?? []).toEqual([]);
    expect(text.match(ARABIC_INDIC) ?? []).toEqual([]);
    expect(text).toContain("۱۰");
    expect(text).toContain("۰ = ");
    expect(text).toMatch(/صفحه [۰-۹]+ از [۰-۹]+/);
    expect(html).toContain('value="10"');
  });

  it("Arabic: Latin digits throughout", async () => {
    const text = withoutCodes(visibleText(await questionPage("ar")));
    expect(text.match(PERSIAN) ?? []).toEqual([]);
    expect(text.match(ARABIC_INDIC) ?? []).toEqual([]);
    expect(text).toContain("10 = ");
    expect(text).toMatch(/الصفحة [0-9]+ من [0-9]+/);
  });
});

describe("dates on the public report-back page", () => {
  it("Welsh reads day month year; Farsi names the Gregorian month in Persian digits", async () => {
    const cy = visibleText(await (await fetch(`${app.url}/o/${fx.orgSlug}/you-said-we-did/dates?lang=cy`)).text());
    expect(cy).toContain("1 Mawrth 2026 i 31 Mawrth 2026");
    expect(cy).toContain("1 Medi 2026");
    expect(cy).toContain("Ysgrifennwyd mewn arolwg, Mawrth 2026");
    // The page's English poster text is en-GB too: never "September 1, 2026".
    expect(cy).toContain("1 September 2026");
    expect(cy).not.toMatch(/[A-Z][a-z]+ [0-9]{1,2}, 20[0-9]{2}/);
    const fa = visibleText(await (await fetch(`${app.url}/o/${fx.orgSlug}/you-said-we-did/dates?lang=fa`)).text());
    // Gregorian March (مارس), not Esfand 1404 or Farvardin 1405.
    expect(fa).toContain("نوشته‌شده در یک پرسشنامه، مارس ۲۰۲۶");
    expect(fa).toContain("۱ سپتامبر ۲۰۲۶");
    expect(fa).not.toMatch(/۱۴۰[۴۵]/);
  });
});
