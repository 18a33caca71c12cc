/**
 * Participant pages over plain HTTP (no browser, no JavaScript), against the real built app on its own
 * database: conditional questions, skipping a page, optional consent choices left blank, coming back
 * to the consent page, and expired sessions being cleared away.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findParticipantByCode } from "../../app/participants/enrolment.server";
import { secretsFrom } from "../../app/security/secrets.server";
import { codeOnPage, consentForm, hiddenValue, ParticipantClient } from "../support/participant-http";
import { startTestApp, TEST_SECRET, type TestApp } from "../support/app";

let app: TestApp;
let studyId: string;

beforeAll(async () => {
  app = await startTestApp();
  const study = await app.db.selectFrom("study").select("id").where("slug", "=", "demo").executeTakeFirstOrThrow();
  studyId = study.id;
  // The after-appointment form, whose "What was misunderstood?" is asked only after "yes".
  const version = await app.db
    .selectFrom("instrument_version")
    .select("id")
    .where("instrument_id", "=", "communication-feedback")
    .executeTakeFirstOrThrow();
  await app.db
    .insertInto("study_instrument")
    .values({ study_id: studyId, instrument_version_id: version.id, role: "questionnaire", timepoint: "once", position: 0 })
    .execute();
});
afterAll(async () => app?.close());

/** A new person: language chosen, consent given, code shown. */
async function participant(optional: { quotes?: boolean } = {}) {
  const client = new ParticipantClient(app.url);
  await client.get("/s/demo?lang=en");
  const consent = await client.get("/s/demo/consent");
  const done = await client.post("/s/demo/consent", consentForm(hiddenValue(consent.html, "_token"), optional));
  expect(new URL(done.url).pathname).toBe("/s/demo/code");
  return client;
}

async function withPageMode<T>(pageMode: "section" | "question", run: () => Promise<T>): Promise<T> {
  const row = await app.db.selectFrom("study").select("settings").where("id", "=", studyId).executeTakeFirstOrThrow();
  const settings = row.settings as Record<string, unknown>;
  await app.db
    .updateTable("study")
    .set({ settings: JSON.stringify({ ...settings, page_mode: pageMode }) })
    .where("id", "=", studyId)
    .execute();
  try {
    return await run();
  } finally {
    await app.db
      .updateTable("study")
      .set({ settings: JSON.stringify(settings) })
      .where("id", "=", studyId)
      .execute();
  }
}

const Q = "/s/demo/q/communication-feedback/once";

describe("a question that depends on an answer", () => {
  it("one section per page: asked on the next page, and only after 'yes'", async () => {
    const client = await participant();
    const first = await client.get(`${Q}/appointment`);
    expect(first.html).toContain('name="misunderstood"');
    expect(first.html).not.toContain('name="what_misunderstood"');
    const after = await client.post(`${Q}/appointment`, { misunderstood: "yes", _intent: "save" });
    expect(new URL(after.url).pathname).toBe(`${Q}/what_misunderstood`);
    expect(after.html).toContain('name="what_misunderstood"');
    expect(after.html).toContain('name="anything_else"');

    const other = await participant();
    const no = await other.post(`${Q}/appointment`, { misunderstood: "no", _intent: "save" });
    expect(new URL(no.url).pathname).toBe(`${Q}/what_misunderstood`);
    expect(no.html).not.toContain('name="what_misunderstood"');
    expect(no.html).toContain('name="anything_else"');
  });

  it("one question per page: after 'no' there is no empty page, going forward or back", async () => {
    await withPageMode("question", async () => {
      const client = await participant();
      const next = await client.post(`${Q}/misunderstood`, { misunderstood: "no", _intent: "save" });
      expect(new URL(next.url).pathname).toBe(`${Q}/anything_else`);
      expect(next.html).toContain(`href="${Q}/misunderstood"`);
      // An old link to the hidden page passes straight on.
      const hidden = await client.get(`${Q}/what_misunderstood`);
      expect(new URL(hidden.url).pathname).toBe(`${Q}/anything_else`);
    });
  });
});

describe("skipping a page", () => {
  // The demo presents the focus-group set one question per page (ADR 066): "how_supported" is a page.
  it("keeps the answers already given on it, and the page still shows them", async () => {
    const client = await participant();
    const page = "/s/demo/q/focus-group-questions/once/how_supported";
    await client.post(page, { how_supported: "They listened to me", _intent: "save" });
    // Back to the page, and this time "Skip these questions".
    const skipped = await client.post(page, { how_supported: "", _intent: "skip" });
    expect(new URL(skipped.url).pathname).not.toBe(page);
    const again = await client.get(page);
    expect(again.html).toContain("They listened to me");
    const rows = await app.db.selectFrom("answer").select("value").where("item_id", "=", "how_supported").execute();
    expect(rows.map((r) => r.value)).toContain("They listened to me");
  });

  it("saving with an answer emptied removes that answer", async () => {
    const client = await participant();
    const page = "/s/demo/q/focus-group-questions/once/how_supported";
    await client.post(page, { how_supported: "Words to remove 41c9", _intent: "save" });
    await client.post(page, { how_supported: "", _intent: "save" });
    const rows = await app.db.selectFrom("answer").select("value").where("item_id", "=", "how_supported").execute();
    expect(rows.map((r) => r.value)).not.toContain("Words to remove 41c9");
  });
});

describe("optional consent choices left blank", () => {
  it("are taken as no, as the page says: only the required statements must be answered", async () => {
    const client = new ParticipantClient(app.url);
    await client.get("/s/demo?lang=en");
    const page = await client.get("/s/demo/consent");
    expect(page.html).toContain("If you choose neither, we take it as no.");
    const { audio_recording: _audio, quotes: _quotes, ...requiredOnly } = consentForm(hiddenValue(page.html, "_token"));
    const done = await client.post("/s/demo/consent", requiredOnly);
    expect(new URL(done.url).pathname).toBe("/s/demo/code");
    expect(done.html).not.toContain("Choose yes or no");
    const person = await findParticipantByCode(app.db, {
      studyId,
      code: codeOnPage(done.html),
      codeHashKey: secretsFrom(TEST_SECRET).codeHashKey,
    });
    const record = await app.db
      .selectFrom("consent_record")
      .select(["audio_recording", "quotes"])
      .where("participant_id", "=", person!.id)
      .executeTakeFirstOrThrow();
    expect(record).toEqual({ audio_recording: false, quotes: false });
  });

  it("a required statement left blank still asks for a choice, next to that statement", async () => {
    const client = new ParticipantClient(app.url);
    await client.get("/s/demo?lang=cy");
    const page = await client.get("/s/demo/consent");
    expect(page.html).toContain("ei gymryd fel nac ydw");
    const { agree_to_take_part: _agree, audio_recording: _a, quotes: _q, ...form } = consentForm(hiddenValue(page.html, "_token"));
    const again = await client.post("/s/demo/consent", form);
    expect(new URL(again.url).pathname).toBe("/s/demo/consent");
    expect(again.html).toContain('href="#f-agree_to_take_part"');
    expect(again.html).not.toContain('href="#f-quotes"');
    expect(again.html).not.toContain('href="#f-audio_recording"');
  });
});

describe("coming back to the consent page", () => {
  it("after consenting, /consent offers the optional choices to change instead of asking again", async () => {
    const client = await participant({ quotes: true });
    const page = await client.get("/s/demo/consent");
    expect(new URL(page.url).pathname).toBe("/s/demo/consent-choices");
    expect(page.html).toContain('<input type="radio" id="f-quotes" name="quotes" checked="" value="yes"/>');
    const saved = await client.post("/s/demo/consent-choices", { quotes: "no", audio_recording: "no" });
    expect(saved.html).toContain("Your choices are saved.");
  });
});

describe("nothing about a visit is kept longer than it is useful", () => {
  it("opening a session removes sessions that ended and attempt counters whose window ended", async () => {
    const someone = await app.db.selectFrom("participant").select("id").executeTakeFirstOrThrow();
    const hours = (n: number) => new Date(Date.now() + n * 3600_000);
    await app.db
      .insertInto("participant_session")
      .values([
        { id_hash: "ended-two-hours-ago", participant_id: someone.id, sealed_code: null, expires_at: hours(-2) },
        { id_hash: "still-open", participant_id: someone.id, sealed_code: null, expires_at: hours(3) },
      ])
      .execute();
    await app.db
      .insertInto("attempt_counter")
      .values([
        { limit_key: "code:old-client", window_started_at: hours(-1), attempts: 3 },
        { limit_key: "code:recent-client", window_started_at: new Date(Date.now() - 60_000), attempts: 3 },
      ])
      .execute();
    // A new person consents, which opens a session.
    await participant();
    const sessions = (await app.db.selectFrom("participant_session").select("id_hash").execute()).map((r) => r.id_hash);
    expect(sessions).not.toContain("ended-two-hours-ago");
    expect(sessions).toContain("still-open");
    const attempts = (await app.db.selectFrom("attempt_counter").select("limit_key").execute()).map((r) => r.limit_key);
    expect(attempts).not.toContain("code:old-client");
    expect(attempts).toContain("code:recent-client");
    const ended = await app.db.selectFrom("participant_session").select("id_hash").where("expires_at", "<", new Date()).execute();
    expect(ended).toEqual([]);
  });

  it("coming back with a code (a resumed session) clears ended sessions too", async () => {
    const client = await participant();
    const code = codeOnPage((await client.get("/s/demo/code")).html);
    const someone = await app.db.selectFrom("participant").select("id").executeTakeFirstOrThrow();
    await app.db
      .insertInto("participant_session")
      .values({ id_hash: "ended-yesterday", participant_id: someone.id, sealed_code: null, expires_at: new Date(Date.now() - 86400_000) })
      .execute();
    const phone = new ParticipantClient(app.url);
    await phone.get("/s/demo?lang=en");
    const resumed = await phone.post("/s/demo/resume", { code, _to: "next" });
    expect(new URL(resumed.url).pathname).toMatch(/^\/s\/demo\/q\//);
    expect(await app.db.selectFrom("participant_session").select("id_hash").where("id_hash", "=", "ended-yesterday").execute()).toEqual([]);
  });
});

describe("measures' attribution", () => {
  it("names the copyright holder or licence under the questions of a scored measure, once, and not elsewhere", async () => {
    const client = await participant();
    const who5 = await client.get("/s/demo/q/peer-support-wellbeing/pre/who5_section");
    expect(who5.html).toContain('class="attribution"');
    expect(who5.html).toContain("Psychiatric Research Unit, Mental Health Centre North Zealand");
    const ons = await client.get("/s/demo/q/peer-support-wellbeing/pre/ons4_section");
    // Four ONS questions share one attribution: shown once.
    expect(ons.html.match(/Office for National Statistics/g)).toHaveLength(1);
    expect(ons.html).not.toContain("North Zealand");
    const noMeasure = await client.get(`${Q}/appointment`);
    expect(noMeasure.html).not.toContain('class="attribution"');
  });
});

/** The text of the contact panel (a <p class="panel"> with exactly these attributes before class), tags removed. */
function panelText(html: string, attributes: string): string | undefined {
  const match = new RegExp(`<p${attributes} class="panel">(.*?)</p>`, "s").exec(html);
  return match?.[1]!
    .replace(/<[^>]+>/g, "")
    .replace(/&amp;/g, "&")
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"');
}

describe("the study's contact line", () => {
  it("falls back to English marked lang=en when the study has none in the chosen language", async () => {
    const row = await app.db.selectFrom("study").select("settings").where("id", "=", studyId).executeTakeFirstOrThrow();
    const settings = row.settings as { contact: Record<string, string> };
    const englishOnly = { ...settings, contact: { en: settings.contact.en! } };
    await app.db
      .updateTable("study")
      .set({ settings: JSON.stringify(englishOnly) })
      .where("id", "=", studyId)
      .execute();
    try {
      const client = new ParticipantClient(app.url);
      await client.get("/s/demo?lang=cy");
      const page = await client.get("/s/demo/information");
      // Phone numbers and addresses inside it are links (issue 12 item 2); the words are the English line.
      expect(panelText(page.html, ' lang="en"')).toBe(settings.contact.en);
    } finally {
      await app.db
        .updateTable("study")
        .set({ settings: JSON.stringify(row.settings) })
        .where("id", "=", studyId)
        .execute();
    }
    const client = new ParticipantClient(app.url);
    await client.get("/s/demo?lang=cy");
    const welsh = await client.get("/s/demo/information");
    expect(panelText(welsh.html, "")).toBe(settings.contact.cy);
  });
});
