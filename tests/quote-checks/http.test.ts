// Quote checks and "what happened" over HTTP, as a phone without JavaScript would use them (issue 17,
// docs/decisions/078-quote-checks.md): the code brings the person to their quotes; each page answers a
// POST with a redirect; another person's or another study's quote is not found; the poster's page
// leads there; a facilitator records answers in person (fieldwork:record, audited).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secretsFrom } from "../../app/security/secrets.server";
import { createOrganisation } from "../../app/organisations/people.server";
import { startTestApp, TEST_SECRET, type TestApp } from "../support/app";
import { ParticipantClient } from "../support/participant-http";
import { makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";
import { createReportBackFixture, type ReportBackFixture } from "../report-back/fixtures";
import { checkQuotes, entryQuoting, quotedPerson, SENTENCES, type QuotedPerson } from "./fixtures";

let app: TestApp;
let fx: ReportBackFixture;
let other: ReportBackFixture;
let person: QuotedPerson;
let stranger: QuotedPerson;
const codeHashKey = secretsFrom(TEST_SECRET).codeHashKey;

async function openStudy(f: ReportBackFixture) {
  await app.db
    .updateTable("study")
    .set({ status: "open", languages: ["en", "cy", "ar", "fa", "ps", "ckb"] })
    .where("id", "=", f.scope.studyId)
    .execute();
  await checkQuotes(app.db, f);
}

beforeAll(async () => {
  app = await startTestApp({ demo: false });
  fx = await createReportBackFixture(app.db);
  other = await createReportBackFixture(app.db);
  await openStudy(fx);
  await openStudy(other);
  person = await quotedPerson(app.db, fx, { codeHashKey });
  stranger = await quotedPerson(app.db, other, { codeHashKey });
  await entryQuoting(app.db, fx, person.codings, "time-to-listen");
  await entryQuoting(app.db, other, stranger.codings, "elsewhere");
}, 120_000);
afterAll(() => app?.close());

async function signInWithCode(f: ReportBackFixture, code: string, to = "next", language = "ar") {
  const client = new ParticipantClient(app.url);
  await client.get(`/s/${f.studySlug}?lang=${language}`);
  const landed = await client.post(`/s/${f.studySlug}/resume`, { _to: to, code });
  return { client, landed };
}
const checkIds = async (participantId: string) =>
  (await app.db.selectFrom("quote_check").select("id").where("participant_id", "=", participantId).orderBy("start_cp").execute()).map(
    (r) => r.id,
  );

describe("the editor", () => {
  it("shows the entry's quotes waiting for the people quoted, and how many", async () => {
    await makeMember(app.db, { organisationId: fx.scope.organisationId, email: `pub-${fx.orgSlug}@example.org`, role: "publisher" });
    const client = new WorkspaceClient(app.url);
    await client.signIn(`pub-${fx.orgSlug}@example.org`, TEST_PASSWORD);
    const html = await (await client.get(`/research/${fx.orgSlug}/report-back/time-to-listen`)).text();
    expect(html).toContain('data-testid="quotes-waiting"');
    expect(html).toContain("3 quotes are waiting for the people quoted to check them.");
    for (const sentence of SENTENCES) expect(html).toContain(sentence);
  });
});

describe("the person's quotes", () => {
  it("asks for the code first, then shows the quotes waiting for them, in the words they used, on a right-to-left page", async () => {
    const anonymous = new ParticipantClient(app.url);
    await anonymous.get(`/s/${fx.studySlug}?lang=ar`);
    expect((await anonymous.get(`/s/${fx.studySlug}/my-quotes`)).url).toMatch(/\/resume\?to=quotes$/);
    expect((await anonymous.get(`/s/${fx.studySlug}/what-happened`)).url).toMatch(/\/resume\?to=heard$/);

    // Coming back to carry on, the person is shown the quotes waiting for them first.
    const { landed } = await signInWithCode(fx, person.code);
    expect(new URL(landed.url).pathname).toBe(`/s/${fx.studySlug}/my-quotes`);
    expect(landed.html).toMatch(/<html lang="ar" dir="rtl">/);
    for (const sentence of SENTENCES) expect(landed.html).toContain(sentence);
    expect(landed.html).toContain('lang="en"');
    expect(landed.html).not.toMatch(/<script(?![^>]*quick-exit)/);
  });

  it("one quote: the theme and where it appears in Arabic; approving it redirects to the list, once saved", async () => {
    const { client } = await signInWithCode(fx, person.code, "quotes");
    const [first] = await checkIds(person.participantId);
    const page = await client.get(`/s/${fx.studySlug}/my-quotes/${first}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain("أن يُستمع إلينا");
    expect(page.html).toContain("وقت للاستماع");
    // nothing chosen: the same page, with the error summary, by redirect
    const refused = await client.post(`/s/${fx.studySlug}/my-quotes/${first}`, {});
    expect(new URL(refused.url).pathname).toBe(`/s/${fx.studySlug}/my-quotes/${first}`);
    expect(refused.html).toContain('class="error-summary"');
    const saved = await client.post(`/s/${fx.studySlug}/my-quotes/${first}`, { choice: "approve" });
    expect(new URL(saved.url).pathname).toBe(`/s/${fx.studySlug}/my-quotes`);
    expect(saved.html).toContain("panel-success");
    expect((await client.get(`/s/${fx.studySlug}/my-quotes`)).html).not.toContain("panel-success");
  });

  it("leaving out words goes through the words page; a bad choice changes nothing", async () => {
    const { client } = await signInWithCode(fx, person.code, "quotes");
    const [, second] = await checkIds(person.participantId);
    const words = await client.post(`/s/${fx.studySlug}/my-quotes/${second}`, { choice: "leave_out" });
    expect(new URL(words.url).pathname).toBe(`/s/${fx.studySlug}/my-quotes/${second}/words`);
    const sara = /<input type="checkbox" id="[^"]+" name="word" value="(\d+)"\/><label for="[^"]+">Sara<\/label>/.exec(words.html);
    expect(sara).not.toBeNull();
    const none = await client.post(`/s/${fx.studySlug}/my-quotes/${second}/words`, { word: "9999" });
    expect(none.html).toContain('class="error-summary"');
    const saved = await client.post(`/s/${fx.studySlug}/my-quotes/${second}/words`, { word: sara![1]! });
    expect(new URL(saved.url).pathname).toBe(`/s/${fx.studySlug}/my-quotes`);
    const public_ = await (await fetch(`${app.url}/o/${fx.orgSlug}/you-said-we-did/time-to-listen?lang=en`)).text();
    expect(public_).toContain(SENTENCES[0]);
    expect(public_).toContain("My caseworker");
    expect(public_).not.toContain("Sara");
  });

  it("never shows another person's or another study's quote, whatever id is typed", async () => {
    const { client } = await signInWithCode(fx, person.code, "quotes");
    const [theirs] = await checkIds(stranger.participantId);
    expect((await client.get(`/s/${fx.studySlug}/my-quotes/${theirs}`)).status).toBe(404);
    expect((await client.post(`/s/${fx.studySlug}/my-quotes/${theirs}`, { choice: "refuse" })).status).toBe(404);
    expect((await client.get(`/s/${fx.studySlug}/my-quotes/not-a-uuid`)).status).toBe(404);
    // the code of one study opens nothing in another
    const { landed } = await signInWithCode(other, person.code, "quotes");
    expect(new URL(landed.url).pathname).toBe(`/s/${other.studySlug}/resume`);
    const row = await app.db.selectFrom("quote_check").select("status").where("id", "=", theirs!).executeTakeFirstOrThrow();
    expect(row.status).toBe("awaiting");
  });

  it("what happened: the study's entry, its status and milestones, and the person's own words marked", async () => {
    const { client } = await signInWithCode(fx, person.code, "heard");
    const page = await client.get(`/s/${fx.studySlug}/what-happened`);
    expect(page.html).toContain("وقت للاستماع");
    expect(page.html).toContain(SENTENCES[0]);
    expect(page.html).toContain('class="panel heard-yours"');
    expect(page.html).not.toContain("elsewhere");
    // the public page and its poster lead there
    const entry = await (await fetch(`${app.url}/o/${fx.orgSlug}/you-said-we-did/time-to-listen?lang=ar`)).text();
    expect(entry).toContain(`/s/${fx.studySlug}/what-happened`);
  });
});

describe("a facilitator in person", () => {
  it("finds the person by code, records their no (audited as theirs), and refuses another organisation's member", async () => {
    const facilitator = await makeMember(app.db, {
      organisationId: fx.scope.organisationId,
      email: `fac-${fx.orgSlug}@example.org`,
      role: "facilitator",
    });
    const client = new WorkspaceClient(app.url);
    await client.signIn(`fac-${fx.orgSlug}@example.org`, TEST_PASSWORD);
    const base = `/research/${fx.orgSlug}/studies/${fx.studySlug}/quote-checks`;
    const csrf = await client.csrf();
    const found = await client.post(base, { intent: "find", _code: person.code }, { csrf });
    expect(found.status).toBe(200);
    const html = await found.text();
    expect(html).toContain(SENTENCES[2]);
    const [, , third] = await checkIds(person.participantId);
    const answered = await client.post(base, { intent: "answer", _code: person.code, check: third!, choice: "refuse" }, { csrf });
    expect(answered.status).toBe(200);
    const row = await app.db.selectFrom("quote_check").selectAll().where("id", "=", third!).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "refused", answered_via: "assisted", answered_by: facilitator });
    const public_ = await (await fetch(`${app.url}/o/${fx.orgSlug}/you-said-we-did/time-to-listen?lang=en`)).text();
    expect(public_).not.toContain("hostel");
    // a wrong code: a clear refusal, nothing changed
    expect((await client.post(base, { intent: "find", _code: "0000-0000-0000-0000" }, { csrf })).status).toBe(400);
    // a code from another organisation's study is not found here
    expect((await client.post(base, { intent: "find", _code: stranger.code }, { csrf })).status).toBe(400);
    const outsider = await createOrganisation(app.db, { slug: `out-${fx.orgSlug}`, name: "Outside" });
    await makeMember(app.db, { organisationId: outsider.id, email: `out-${fx.orgSlug}@example.org`, role: "admin" });
    const stranger_ = new WorkspaceClient(app.url);
    await stranger_.signIn(`out-${fx.orgSlug}@example.org`, TEST_PASSWORD);
    expect((await stranger_.get(base)).status).toBe(404);
  });
});
