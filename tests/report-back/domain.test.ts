// "You said, we did": the workflow (draft → second-person review → admin publishes), the audit, and
// consent that stays live: quotes and counts come through the gate at every read, never from a copy.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ReportBackError,
  createEntry,
  postEntryUpdate,
  publishEntry,
  reviewEntry,
  saveEntryText,
  submitForReview,
  unpublishEntry,
  markTextReviewed,
  addEntryQuote,
  setEntryThemes,
} from "../../app/report-back/entries.server";
import { listPublishedEntries, loadEntry } from "../../app/report-back/public.server";
import { mergeThemes } from "../../app/coding/codebook.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { setQuoteConsent, withdraw } from "../coding/fixtures";
import { createReportBackFixture, publishedEntry, QUOTED, OTHER_QUOTE, type ReportBackFixture } from "./fixtures";

let t: TestDatabase;
let fx: ReportBackFixture;
beforeAll(async () => {
  t = await createTestDatabase();
  fx = await createReportBackFixture(t.db);
});
afterAll(() => t?.destroy());

const reason = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof ReportBackError) return e.reason;
    throw e;
  }
  return "ok";
};

describe("workflow", () => {
  it("needs a second person to review, an approved entry to publish, and a reviewed language", async () => {
    const org = fx.scope.organisationId;
    const author = { userId: fx.users.publisher };
    const id = await createEntry(t.db, org, author, { studyId: fx.scope.studyId, slug: "workflow" });
    await saveEntryText(t.db, org, author, id, "en", { title: "Workflow" });
    expect(await reason(publishEntry(t.db, org, { userId: fx.users.admin }, id))).toBe("wrong_state");
    await submitForReview(t.db, org, author, id);
    expect(await reason(reviewEntry(t.db, org, author, id, "approve"))).toBe("same_person");
    await reviewEntry(t.db, org, { userId: fx.users.researcher }, id, "approve");
    expect(await reason(publishEntry(t.db, org, { userId: fx.users.admin }, id))).toBe("no_reviewed_text");
    // checking a translation is not an edit; changing the words after approval is, and needs a new review
    await markTextReviewed(t.db, org, { userId: fx.users.researcher }, id, "en");
    await saveEntryText(t.db, org, { userId: fx.users.researcher }, id, "en", { title: "Workflow, corrected" });
    expect((await t.db.selectFrom("report_entry").select("state").where("id", "=", id).executeTakeFirstOrThrow()).state).toBe("draft");
    await markTextReviewed(t.db, org, { userId: fx.users.second }, id, "en");
    await submitForReview(t.db, org, author, id);
    // the researcher made the last change, so another person reviews it
    expect(await reason(reviewEntry(t.db, org, { userId: fx.users.researcher }, id, "approve"))).toBe("same_person");
    await reviewEntry(t.db, org, { userId: fx.users.second }, id, "approve");
    await publishEntry(t.db, org, { userId: fx.users.admin }, id);
    expect(await reason(saveEntryText(t.db, org, author, id, "en", { title: "Changed" }))).toBe("not_editable");
    await unpublishEntry(t.db, org, { userId: fx.users.admin }, id, { en: "Taken down to correct a date" });
    expect(await loadEntry(t.db, org, "workflow")).toBeNull();
    const audit = await t.db
      .selectFrom("audit_event")
      .select(["action", "subject", "detail"])
      .where("organisation_id", "=", org)
      .where("action", "=", "publication")
      .execute();
    expect(audit.map((a) => (a.detail as { change: string }).change)).toEqual([
      "text_reviewed",
      "text_reviewed",
      "published",
      "unpublished",
    ]);
    expect(audit.every((a) => a.subject === "you-said-we-did/workflow")).toBe(true);
  });

  it("has each language's text checked by someone other than the person who last changed it, and audits the check", async () => {
    const org = fx.scope.organisationId;
    const author = { userId: fx.users.publisher };
    const id = await createEntry(t.db, org, author, { studyId: fx.scope.studyId, slug: "self-review" });
    await saveEntryText(t.db, org, author, id, "en", { title: "Mine" });
    await saveEntryText(t.db, org, { userId: fx.users.researcher }, id, "ar", { title: "لي" });
    const status = async (language: string) =>
      await t.db
        .selectFrom("report_entry_text")
        .select(["review_status", "reviewed_by"])
        .where("entry_id", "=", id)
        .where("language", "=", language)
        .executeTakeFirstOrThrow();
    // the author may not check their own words; the creator of the entry may check words someone else wrote
    expect(await reason(markTextReviewed(t.db, org, author, id, "en"))).toBe("self_review");
    expect((await status("en")).review_status).toBe("draft");
    await markTextReviewed(t.db, org, author, id, "ar");
    expect(await status("ar")).toEqual({ review_status: "reviewed", reviewed_by: fx.users.publisher });
    // it is who changed the words last that counts: a correction by the researcher moves the check to someone else
    await saveEntryText(t.db, org, { userId: fx.users.researcher }, id, "en", { title: "Mine, corrected" });
    expect(await reason(markTextReviewed(t.db, org, { userId: fx.users.researcher }, id, "en"))).toBe("self_review");
    await markTextReviewed(t.db, org, author, id, "en");
    expect(await status("en")).toEqual({ review_status: "reviewed", reviewed_by: fx.users.publisher });
    expect(await reason(markTextReviewed(t.db, org, author, id, "fa"))).toBe("language");
    const audit = await t.db
      .selectFrom("audit_event")
      .select(["actor_user_id", "detail"])
      .where("organisation_id", "=", org)
      .where("action", "=", "publication")
      .where("subject", "=", "you-said-we-did/self-review")
      .orderBy("id")
      .execute();
    expect(audit.map((a) => [a.actor_user_id, a.detail])).toEqual([
      [fx.users.publisher, { change: "text_reviewed", language: "ar" }],
      [fx.users.publisher, { change: "text_reviewed", language: "en" }],
    ]);
  });

  it("keeps a public change history after publication", async () => {
    const id = await publishedEntry(t.db, fx, "history");
    await postEntryUpdate(t.db, fx.scope.organisationId, { userId: fx.users.admin }, id, {
      actionStatus: "done",
      progress: 100,
      notes: { en: "All volunteers trained", ar: "تم تدريب جميع المتطوعين" },
    });
    const entry = (await loadEntry(t.db, fx.scope.organisationId, "history"))!;
    expect(entry.actionStatus).toBe("done");
    expect(entry.changes.map((c) => c.kind)).toEqual(["updated", "published"]);
    expect(entry.changes[0]!.notes.ar).toBe("تم تدريب جميع المتطوعين");
  });
});

describe("consent, always live", () => {
  it("shows people per theme (fewer than 5 below 5) and the quotes, drawn at request time", async () => {
    await publishedEntry(t.db, fx, "live");
    const entry = (await loadEntry(t.db, fx.scope.organisationId, "live"))!;
    expect(entry.languages.map((l) => l.code)).toEqual(["en", "ar"]);
    const [heard, waiting] = entry.themes;
    expect(heard!.people).toEqual({ exact: 6 });
    expect(waiting!.people).toEqual({ fewerThan: 5 });
    expect(heard!.quotes.map((q) => q.text)).toEqual([QUOTED]);
    // "Fewer than 5 people raised this": the quote linked to it is not shown (ADR 066).
    expect(waiting!.quotes.map((q) => q.text)).not.toContain(OTHER_QUOTE);
    expect(waiting!.quotes).toEqual([]);
    // nothing of the participants' words is stored with the entry
    const stored = JSON.stringify(await t.db.selectFrom("report_entry_quote").selectAll().execute());
    expect(stored).not.toContain("listened");
    const published = await listPublishedEntries(t.db, fx.scope.organisationId);
    expect(published.map((e) => e.slug)).toContain("live");
  });

  it("drops a quote the moment quote consent is withdrawn, and drops the person from the count on erasure", async () => {
    const other = await createReportBackFixture(t.db);
    await publishedEntry(t.db, other, "withdrawal");
    const org = other.scope.organisationId;
    await setQuoteConsent(t.db, other.quotedParticipant, false);
    let entry = (await loadEntry(t.db, org, "withdrawal"))!;
    expect(entry.themes[0]!.quotes).toEqual([]);
    expect(entry.themes[0]!.people).toEqual({ exact: 6 });
    await setQuoteConsent(t.db, other.quotedParticipant, true);
    await withdraw(t.db, other.quotedParticipant, "erase");
    entry = (await loadEntry(t.db, org, "withdrawal"))!;
    expect(entry.themes[0]!.quotes).toEqual([]);
    expect(entry.themes[0]!.people).toEqual({ exact: 5 });
    // the link stays, pointing at nothing, so the editor can say a quote has gone
    const links = await t.db
      .selectFrom("report_entry_quote")
      .innerJoin("report_entry", "report_entry.id", "report_entry_quote.entry_id")
      .select("coding_id")
      .where("report_entry.organisation_id", "=", org)
      .execute();
    expect(links.map((l) => l.coding_id === null).sort()).toEqual([false, true]);
  });

  it("never shows another organisation's entry", async () => {
    const other = await createReportBackFixture(t.db, { heardPeople: 1 });
    expect(await loadEntry(t.db, other.scope.organisationId, "live")).toBeNull();
  });
});

describe("choosing quotes", () => {
  it("offers only quotes the gate gives, and a few per theme", async () => {
    const other = await createReportBackFixture(t.db);
    const org = other.scope.organisationId;
    const author = { userId: other.users.publisher };
    const id = await createEntry(t.db, org, author, { studyId: other.scope.studyId, slug: "choosing" });
    await setEntryThemes(t.db, org, author, id, [{ themeId: other.themes.heard }]);
    await setQuoteConsent(t.db, other.quotedParticipant, false);
    expect(await reason(addEntryQuote(t.db, org, author, id, other.quotedCoding))).toBe("coding_not_found");
    // a coding of a theme the entry does not have
    expect(await reason(addEntryQuote(t.db, org, author, id, other.otherCoding))).toBe("coding_not_found");
    const codings = await t.db
      .selectFrom("coding")
      .select("id")
      .where("theme_id", "=", other.themes.heard)
      .where("id", "<>", other.quotedCoding)
      .execute();
    for (const c of codings.slice(0, 3)) await addEntryQuote(t.db, org, author, id, c.id);
    expect(await reason(addEntryQuote(t.db, org, author, id, codings[3]!.id))).toBe("too_many_quotes");
  });
});

describe("themes merged after linking", () => {
  it("count as the theme they were merged into", async () => {
    const other = await createReportBackFixture(t.db);
    await publishedEntry(t.db, other, "merged");
    await mergeThemes(t.db, other.scope, other.users.researcher, other.themes.waiting, other.themes.heard);
    const entry = (await loadEntry(t.db, other.scope.organisationId, "merged"))!;
    // 6 + 3 different people now under "being heard"; the merged link counts the same people
    expect(entry.themes.map((th) => th.people)).toEqual([{ exact: 9 }, { exact: 9 }]);
  });
});
