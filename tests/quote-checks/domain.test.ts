// Quote checks (issue 17 item 1, docs/decisions/078-quote-checks.md): a quote chosen for an entry or
// an export waits for the person quoted; their yes, their words left out and their no reach every
// page and export through the consent gate; silence follows their consent form; a facilitator can
// take them through it; and nobody sees another study's or organisation's quotes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectQuotes, exportQuotes } from "../../app/coding/quotes.server";
import { decideRedaction, RedactionError } from "../../app/coding/redactions.server";
import { ownQuotes } from "../../app/consent/own-quotes.server";
import { recordSilence } from "../../app/consent/quote-checks.server";
import { answerQuoteCheck, QuoteAnswerError, choosableWords } from "../../app/quote-checks/answer.server";
import { askAboutExportQuotes } from "../../app/quote-checks/ask.server";
import { myQuotes, participantScope } from "../../app/quote-checks/participant.server";
import { editorEntry } from "../../app/report-back/editor.server";
import { atomFeed } from "../../app/report-back/feed.server";
import { loadEntry } from "../../app/report-back/public.server";
import { whatHappened } from "../../app/report-back/what-happened.server";
import { setQuoteConsent } from "../coding/fixtures";
import { findStudy, studyInputFromStudy, updateStudy } from "../../app/studies/studies.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { createReportBackFixture, publishedEntry, QUOTED, type ReportBackFixture } from "../report-back/fixtures";
import { checkQuotes, entryQuoting, quotedPerson, SENTENCES, type QuotedPerson } from "./fixtures";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.destroy());

const words = async (fx: ReportBackFixture, slug: string) =>
  ((await loadEntry(t.db, fx.scope.organisationId, slug))?.themes ?? []).flatMap((th) => th.quotes.map((q) => q.text));
const exported = async (fx: ReportBackFixture) => (await collectQuotes(t.db, fx.scope, { themeIds: [fx.themes.heard] })).map((q) => q.text);
const reason = async (p: Promise<unknown>) => {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (e instanceof QuoteAnswerError || e instanceof RedactionError) return e.reason;
    throw e;
  }
};
const answer = (fx: ReportBackFixture, person: QuotedPerson, checkId: string, decision: "approve" | "refuse" | "leave_out", more = {}) =>
  answerQuoteCheck(t.db, fx.scope, { participantId: person.participantId, checkId, decision, via: "participant", ...more });
async function checkOf(fx: ReportBackFixture, person: QuotedPerson, sentence: string) {
  const quotes = await ownQuotes(t.db, fx.scope, person.participantId);
  const found = quotes.find((q) => q.pieces.map((p) => p.text).join("") === sentence);
  if (!found) throw new Error(`no check for "${sentence}"`);
  return found;
}

describe("a study that does not check quotes", () => {
  it("publishes chosen quotes as before and asks nobody", async () => {
    const fx = await createReportBackFixture(t.db);
    await publishedEntry(t.db, fx, "unchecked");
    expect(await words(fx, "unchecked")).toEqual([QUOTED]);
    expect(await t.db.selectFrom("quote_check").select("id").where("study_id", "=", fx.scope.studyId).execute()).toEqual([]);
  });
});

describe("a study that checks quotes", () => {
  let fx: ReportBackFixture;
  let person: QuotedPerson;
  beforeAll(async () => {
    fx = await createReportBackFixture(t.db);
    await checkQuotes(t.db, fx, { waitDays: 14 });
    person = await quotedPerson(t.db, fx);
    await entryQuoting(t.db, fx, person.codings);
  });

  it("asks the person about each quote chosen for an entry, and does not publish one while it waits", async () => {
    const mine = await ownQuotes(t.db, fx.scope, person.participantId);
    expect(mine.map((q) => q.status)).toEqual(["awaiting", "awaiting", "awaiting"]);
    expect(mine.every((q) => q.places.length === 1 && q.places[0]!.kind === "entry")).toBe(true);
    const check = await t.db
      .selectFrom("quote_check")
      .selectAll()
      .where("participant_id", "=", person.participantId)
      .executeTakeFirstOrThrow();
    expect(check.silence).toBe("withhold");
    expect(Date.parse(check.due_on) - Date.parse(check.asked_on)).toBe(14 * 86_400_000);
    // refused publication: the public entry, its feed and every export leave them out
    expect(await words(fx, "heard-better")).toEqual([]);
    expect(await exported(fx)).toEqual([]);
    const feed = await atomFeed(t.db, { id: fx.scope.organisationId, slug: fx.orgSlug, name: "Org" }, "http://localhost", "en");
    for (const sentence of SENTENCES) expect(feed).not.toContain(sentence);
    // the editor shows them, and how many wait
    const editor = (await editorEntry(t.db, fx.scope.organisationId, "heard-better"))!;
    expect(editor.quotes.map((q) => q.state)).toEqual(["waiting", "waiting", "waiting"]);
    expect(editor.quotes.map((q) => q.text)).toEqual([...SENTENCES]);
  });

  it("approved, narrowed and refused: each reaches the entry and every export at once", async () => {
    const approved = await checkOf(fx, person, SENTENCES[0]);
    const narrowed = await checkOf(fx, person, SENTENCES[1]);
    const refused = await checkOf(fx, person, SENTENCES[2]);
    await answer(fx, person, approved.id, "approve");
    // leave out "Sara" and "Newport" (and the word between them is kept)
    const index = (word: string) => narrowed.pieces.findIndex((p) => p.text === word);
    await answer(fx, person, narrowed.id, "leave_out", { words: [index("Sara"), index("Newport")] });
    await answer(fx, person, refused.id, "refuse");

    const shown = await words(fx, "heard-better");
    expect(shown).toHaveLength(2);
    expect(shown[0]).toBe(SENTENCES[0]);
    expect(shown[1]).not.toContain("Sara");
    expect(shown[1]).not.toContain("Newport");
    expect(shown[1]).toContain("My caseworker");
    expect(shown.join()).not.toContain("hostel");
    const csv = (
      await exportQuotes(t.db, fx.scope, { userId: fx.users.researcher, via: "workspace" }, { themeIds: [fx.themes.heard] }, "csv")
    ).body;
    expect(csv).toContain(SENTENCES[0]);
    expect(csv).not.toContain("Sara");
    expect(csv).not.toContain("hostel");

    // the words left out reach the researchers as redactions to accept, never to dismiss
    const leftOut = await t.db
      .selectFrom("redaction")
      .selectAll()
      .where("kind", "=", "left_out")
      .where("study_id", "=", fx.scope.studyId)
      .execute();
    expect(leftOut.map((r) => r.status)).toEqual(["suggested", "suggested"]);
    expect(await reason(decideRedaction(t.db, fx.scope, fx.users.researcher, leftOut[0]!.id, "dismissed"))).toBe("left_out");
    await decideRedaction(t.db, fx.scope, fx.users.researcher, leftOut[0]!.id, "confirmed");

    // a no is final
    expect(await reason(answer(fx, person, refused.id, "approve"))).toBe("refused_already");
    // every answer is audited with the check, never the words
    const audit = await t.db.selectFrom("audit_event").select("detail").where("action", "=", "quote_check").execute();
    const changes = audit.map((a) => (a.detail as { change: string }).change);
    expect(changes).toEqual(expect.arrayContaining(["approved", "changed", "refused"]));
    expect(JSON.stringify(audit)).not.toContain("Sara");
  });

  it("a no given after a yes takes the quote out of every place on the next read, even when the study stops checking", async () => {
    const approved = await checkOf(fx, person, SENTENCES[0]);
    await answer(fx, person, approved.id, "refuse");
    expect(await words(fx, "heard-better")).not.toContain(SENTENCES[0]);
    const study = await t.db.selectFrom("study").select("settings").where("id", "=", fx.scope.studyId).executeTakeFirstOrThrow();
    const settings = study.settings as { quote_check: { enabled: boolean } };
    await t.db
      .updateTable("study")
      .set({ settings: JSON.stringify({ ...settings, quote_check: { ...settings.quote_check, enabled: false } }) })
      .where("id", "=", fx.scope.studyId)
      .execute();
    expect(await exported(fx)).not.toContain(SENTENCES[0]);
    expect((await exported(fx)).join()).not.toContain("hostel");
    await checkQuotes(t.db, fx);
  });

  it("refuses to leave out no words, or every word", async () => {
    const narrowed = await checkOf(fx, person, SENTENCES[1]);
    expect(await reason(answer(fx, person, narrowed.id, "leave_out", { words: [] }))).toBe("no_words");
    expect(await reason(answer(fx, person, narrowed.id, "leave_out", { words: choosableWords(narrowed) }))).toBe("all_words");
  });
});

describe("silence", () => {
  async function pastDue(fx: ReportBackFixture) {
    await t.db
      .updateTable("quote_check")
      .set({ asked_on: "2020-01-01", due_on: "2020-01-15" })
      .where("study_id", "=", fx.scope.studyId)
      .execute();
  }

  it("is not a yes when the consent form says so: the quote stays out, and the lapse is recorded and audited", async () => {
    const fx = await createReportBackFixture(t.db);
    await checkQuotes(t.db, fx, { silence: "withhold" });
    const person = await quotedPerson(t.db, fx);
    await entryQuoting(t.db, fx, [person.codings[0]], "silent-no");
    await pastDue(fx);
    expect(await words(fx, "silent-no")).toEqual([]);
    expect(await recordSilence(t.db, fx.scope)).toBe(1);
    expect(await recordSilence(t.db, fx.scope)).toBe(0);
    const check = await t.db
      .selectFrom("quote_check")
      .selectAll()
      .where("participant_id", "=", person.participantId)
      .executeTakeFirstOrThrow();
    expect(check).toMatchObject({ status: "lapsed", answered_via: "silence", silence: "withhold" });
    const audit = await t.db.selectFrom("audit_event").select(["detail", "organisation_id"]).where("action", "=", "quote_check").execute();
    expect(audit.map((a) => a.detail)).toContainEqual(
      expect.objectContaining({ change: "lapsed", check: check.id, outcome: "not_published" }),
    );
    // a late yes still counts
    await answer(fx, person, check.id, "approve");
    expect(await words(fx, "silent-no")).toEqual([SENTENCES[0]]);
  });

  it("publishes after the window when the person's consent form says silence is a yes", async () => {
    const fx = await createReportBackFixture(t.db);
    await checkQuotes(t.db, fx, { silence: "publish" });
    const person = await quotedPerson(t.db, fx);
    await entryQuoting(t.db, fx, [person.codings[0]], "silent-yes");
    expect(await words(fx, "silent-yes")).toEqual([]);
    await pastDue(fx);
    expect(await words(fx, "silent-yes")).toEqual([SENTENCES[0]]);
    // and the person can still say no
    const [check] = await ownQuotes(t.db, fx.scope, person.participantId);
    await answer(fx, person, check!.id, "refuse");
    expect(await words(fx, "silent-yes")).toEqual([]);
  });
});

describe("quote exports", () => {
  it("asks about the quotes an export would hold, and exports only what may be published", async () => {
    const fx = await createReportBackFixture(t.db);
    await checkQuotes(t.db, fx);
    const person = await quotedPerson(t.db, fx);
    expect(await exported(fx)).toEqual([]);
    const { asked } = await askAboutExportQuotes(t.db, fx.scope, { userId: fx.users.researcher }, { themeIds: [fx.themes.heard] });
    // every quote of the theme (the fixture's people's and this person's three), once each
    expect(asked).toBeGreaterThanOrEqual(3);
    expect((await askAboutExportQuotes(t.db, fx.scope, { userId: fx.users.researcher }, { themeIds: [fx.themes.heard] })).asked).toBe(0);
    const mine = await ownQuotes(t.db, fx.scope, person.participantId);
    expect(mine).toHaveLength(3);
    expect(mine[0]!.places).toEqual([{ kind: "export", themeName: "Being heard" }]);
    await answer(fx, person, (await checkOf(fx, person, SENTENCES[2])).id, "approve");
    expect(await exported(fx)).toEqual([SENTENCES[2]]);
  });
});

describe("assisted", () => {
  it("records who helped, in the check and the audit log", async () => {
    const fx = await createReportBackFixture(t.db);
    await checkQuotes(t.db, fx);
    const person = await quotedPerson(t.db, fx);
    await entryQuoting(t.db, fx, [person.codings[1]], "assisted");
    const [check] = await ownQuotes(t.db, fx.scope, person.participantId);
    await answerQuoteCheck(t.db, fx.scope, {
      participantId: person.participantId,
      checkId: check!.id,
      decision: "approve",
      via: "assisted",
      actorUserId: fx.users.researcher,
    });
    const row = await t.db.selectFrom("quote_check").selectAll().where("id", "=", check!.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "approved", answered_via: "assisted", answered_by: fx.users.researcher });
    const audit = await t.db
      .selectFrom("audit_event")
      .select(["actor_user_id", "detail"])
      .where("action", "=", "quote_check")
      .where("organisation_id", "=", fx.scope.organisationId)
      .execute();
    expect(audit).toContainEqual({
      actor_user_id: fx.users.researcher,
      detail: expect.objectContaining({ change: "approved", via: "assisted" }),
    });
  });
});

describe("tenant isolation", () => {
  it("a person's code shows their own quotes in their own study only", async () => {
    const a = await createReportBackFixture(t.db);
    const b = await createReportBackFixture(t.db);
    await checkQuotes(t.db, a);
    await checkQuotes(t.db, b);
    const inA = await quotedPerson(t.db, a);
    const inB = await quotedPerson(t.db, b);
    await entryQuoting(t.db, a, inA.codings, "a-entry");
    await entryQuoting(t.db, b, inB.codings, "b-entry");
    const [checkOfB] = await ownQuotes(t.db, b.scope, inB.participantId);
    // A's participant, asking in A's study, or in B's: nothing of B's
    expect(await ownQuotes(t.db, a.scope, inB.participantId)).toEqual([]);
    expect(await ownQuotes(t.db, a.scope, inA.participantId, { checkId: checkOfB!.id })).toEqual([]);
    expect(await reason(answer(a, inA, checkOfB!.id, "refuse"))).toBe("not_found");
    // a study of another organisation is refused outright
    await expect(
      ownQuotes(t.db, { organisationId: a.scope.organisationId, studyId: b.scope.studyId }, inB.participantId),
    ).rejects.toThrow();
    // the participant pages' read, with the scope of A's study
    const scopeA = await participantScope(t.db, { id: a.scope.studyId, organisationId: a.scope.organisationId });
    expect((await myQuotes(t.db, scopeA, inA.participantId, "ar")).map((q) => q.id)).not.toContain(checkOfB!.id);
    // "what happened" lists the study's own entries only
    expect((await whatHappened(t.db, a.scope, inA.participantId, "ar")).map((e) => e.slug)).toEqual(["a-entry"]);
  });

  it("someone who took back quote consent has nothing to check, and none of their quotes appear", async () => {
    const fx = await createReportBackFixture(t.db);
    await checkQuotes(t.db, fx, { silence: "publish" });
    const person = await quotedPerson(t.db, fx);
    await entryQuoting(t.db, fx, person.codings, "consent-back");
    await setQuoteConsent(t.db, person.participantId, false);
    expect(await ownQuotes(t.db, fx.scope, person.participantId)).toEqual([]);
  });
});

describe("what happened to what I said", () => {
  it("marks the person's own quotes among the entry's, with its status and milestones", async () => {
    const fx = await createReportBackFixture(t.db);
    const person = await quotedPerson(t.db, fx);
    await entryQuoting(t.db, fx, [person.codings[0]], "heard");
    const [entry] = await whatHappened(t.db, fx.scope, person.participantId, "ar");
    expect(entry).toMatchObject({ slug: "heard", title: { text: "وقت للاستماع" }, actionStatus: "in_progress", progress: 30 });
    expect(entry!.ownQuotes).toEqual([{ text: SENTENCES[0], language: "en", theme: { text: "أن يُستمع إلينا" } }]);
    // somebody else sees the entry without "your words"
    const other = await quotedPerson(t.db, fx);
    expect((await whatHappened(t.db, fx.scope, other.participantId, "cy"))[0]!.ownQuotes).toEqual([]);
  });
});

describe("turning quote checks on", () => {
  it("needs a consent form that says so, and then asks the people already quoted in the study's entries", async () => {
    const fx = await createReportBackFixture(t.db);
    await publishedEntry(t.db, fx, "before");
    expect(await words(fx, "before")).toEqual([QUOTED]);
    const study = (await findStudy(t.db, fx.scope.organisationId, fx.studySlug))!;
    const edit = (instruments: { versionId: string; timepoints: string[] }[]) =>
      updateStudy(t.db, {
        organisationId: fx.scope.organisationId,
        studyId: fx.scope.studyId,
        actorUserId: fx.users.researcher,
        study: { ...studyInputFromStudy(study), languages: ["en"], quoteCheck: true, quoteCheckDays: 10, instruments },
      });
    const consent = [{ versionId: fx.consentVersionId, timepoints: ["once"] }];
    // the fixture's consent form says nothing about checking quotes: refused, nothing changed
    expect(await edit(consent)).toEqual({ ok: false, errors: { quoteCheck: "quote_check_consent_form" } });
    expect(await t.db.selectFrom("quote_check").select("id").where("study_id", "=", fx.scope.studyId).execute()).toEqual([]);
    await t.db
      .updateTable("instrument_version")
      .set({ definition: JSON.stringify({ quote_check: { silence: "withhold" } }) })
      .where("id", "=", fx.consentVersionId)
      .execute();
    expect((await edit(consent)).ok).toBe(true);
    const checks = await t.db
      .selectFrom("quote_check")
      .select(["status", "asked_on", "due_on"])
      .where("study_id", "=", fx.scope.studyId)
      .execute();
    // the entry's two quotes (one under a theme too small to show it) are asked about, for 10 days
    expect(checks).toHaveLength(2);
    expect(checks.every((c) => c.status === "awaiting" && Date.parse(c.due_on) - Date.parse(c.asked_on) === 10 * 86_400_000)).toBe(true);
    expect(await words(fx, "before")).toEqual([]);
  });
});
