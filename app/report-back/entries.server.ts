/**
 * "You said, we did" entries: what the organisation writes, and the workflow that takes it to the
 * public (docs/decisions/050-report-back-model.md).
 *
 * draft → in_review → approved → published → unpublished → (edited) → in_review → …
 * - Drafting is for publisher, researcher and admin (the route checks `publication:draft`).
 * - Review is by a second person: not the one who sent it for review, nor the last to edit it. So is
 *   each language's text: checked by someone other than the person who last wrote it (052).
 * - Publishing is for admin only (the route checks `publication:publish`); the domain checks that
 *   the entry was approved. Every publication, update after publication and unpublication is
 *   audited as "publication" and written to the entry's public change history.
 * - A published entry's text is not edited in place (that would skip review): it receives updates
 *   (status, progress, milestones reached, a note per language), or is unpublished, edited, reviewed
 *   and published again.
 *
 * Participants' words and counts of people are never stored here (see quotes.server.ts).
 */
import { z } from "zod";
import type { DB } from "../../db/index";
import { lookUpStudy } from "../studies/lookup.server";
import type { EntryState, LanguageText } from "../../db/tables/report-back";
import { recordAudit } from "../audit/log.server";
import { isLanguageCode } from "../i18n/languages";
import { consentedQuotesByCoding } from "./quotes.server";
import { codingOnEntryTheme } from "../consent/codings.server";

import { ACTION_STATUSES, ASK_METHODS, EDITABLE_STATES, MAX_QUOTES_PER_THEME } from "./constants";
import { userText } from "../security/user-text";
export { ACTION_STATUSES, ASK_METHODS, EDITABLE_STATES, MAX_QUOTES_PER_THEME };

export type ReportBackErrorReason =
  | "not_found"
  | "study_not_found"
  | "slug_taken"
  | "not_editable"
  | "wrong_state"
  | "same_person"
  | "self_review"
  | "no_reviewed_text"
  | "theme_not_found"
  | "coding_not_found"
  | "too_many_quotes"
  | "language";

export class ReportBackError extends Error {
  constructor(
    readonly reason: ReportBackErrorReason,
    message: string = reason,
  ) {
    super(message);
    this.name = "ReportBackError";
  }
}

/** A day that exists (2026-02-30 does not): the database would refuse it with an error, not a message. */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((v) => {
    const day = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(day.getTime()) && day.toISOString().startsWith(v);
  });
const optionalDate = z.preprocess((v) => (v === "" || v === undefined ? null : v), isoDate.nullable());

export const entryInputSchema = z.object({
  studyId: z.string().uuid(),
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  askedOn: optionalDate.default(null),
  askedUntil: optionalDate.default(null),
  methods: z.array(z.enum(ASK_METHODS)).default([]),
  actionStatus: z.enum(ACTION_STATUSES).default("planned"),
  progress: z.coerce.number().int().min(0).max(100).default(0),
  nextReviewOn: optionalDate.default(null),
});
export type EntryInput = z.input<typeof entryInputSchema>;
/**
 * The facts as a form posts them: any strings, checked here by entryInputSchema (after the entry's
 * state), so the route passes them on without asserting their type.
 */
export type PostedEntryFacts = Omit<EntryInput, "studyId" | "slug" | "methods" | "actionStatus"> & {
  methods?: readonly string[];
  actionStatus?: string;
};

export const entryTextSchema = z.object({
  title: userText().trim().min(1).max(200),
  asked: userText().trim().max(4000).default(""),
  did: userText().trim().max(4000).default(""),
  notDoingReason: userText().trim().max(4000).default(""),
  decidedBy: userText().trim().max(200).default(""),
});
export type EntryTextInput = z.input<typeof entryTextSchema>;

export interface Actor {
  userId: string;
}

async function requireEntry(db: DB, organisationId: string, entryId: string) {
  const entry = await db
    .selectFrom("report_entry")
    .selectAll()
    .where("id", "=", entryId)
    .where("organisation_id", "=", organisationId)
    .executeTakeFirst();
  if (!entry) throw new ReportBackError("not_found");
  return entry;
}

export async function requireEditable(db: DB, organisationId: string, entryId: string) {
  const entry = await requireEntry(db, organisationId, entryId);
  if (!EDITABLE_STATES.includes(entry.state))
    throw new ReportBackError("not_editable", "A published entry is updated, or unpublished first");
  return entry;
}

/** An edit made during review takes the entry back to draft: what was reviewed is no longer what it says. */
export async function touch(db: DB, entryId: string, actor: Actor) {
  await db
    .updateTable("report_entry")
    .set((eb) => ({
      updated_by: actor.userId,
      updated_at: new Date(),
      state: eb
        .case()
        .when("state", "in", ["in_review", "approved"])
        .then("draft" as EntryState)
        .else(eb.ref("state"))
        .end(),
      reviewed_by: null,
      reviewed_at: null,
    }))
    .where("id", "=", entryId)
    .execute();
}

export async function createEntry(db: DB, organisationId: string, actor: Actor, input: EntryInput): Promise<string> {
  const parsed = entryInputSchema.parse(input);
  const study = await lookUpStudy(db, { organisationId, id: parsed.studyId });
  if (!study) throw new ReportBackError("study_not_found");
  const taken = await db
    .selectFrom("report_entry")
    .select("id")
    .where("organisation_id", "=", organisationId)
    .where("slug", "=", parsed.slug)
    .executeTakeFirst();
  if (taken) throw new ReportBackError("slug_taken");
  const row = await db
    .insertInto("report_entry")
    .values({
      organisation_id: organisationId,
      study_id: study.id,
      slug: parsed.slug,
      asked_on: parsed.askedOn,
      asked_until: parsed.askedUntil,
      methods: parsed.methods,
      action_status: parsed.actionStatus,
      progress: parsed.progress,
      next_review_on: parsed.nextReviewOn,
      created_by: actor.userId,
      updated_by: actor.userId,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateEntry(db: DB, organisationId: string, actor: Actor, entryId: string, input: PostedEntryFacts) {
  const entry = await requireEditable(db, organisationId, entryId);
  const parsed = entryInputSchema.parse({ ...input, studyId: entry.study_id, slug: entry.slug });
  await db
    .updateTable("report_entry")
    .set({
      asked_on: parsed.askedOn,
      asked_until: parsed.askedUntil,
      methods: parsed.methods,
      action_status: parsed.actionStatus,
      progress: parsed.progress,
      next_review_on: parsed.nextReviewOn,
    })
    .where("id", "=", entryId)
    .execute();
  await touch(db, entryId, actor);
}

/** The entry's words in one language. Saving makes that language's text a draft again. */
export async function saveEntryText(
  db: DB,
  organisationId: string,
  actor: Actor,
  entryId: string,
  language: string,
  input: EntryTextInput,
) {
  await requireEditable(db, organisationId, entryId);
  if (!isLanguageCode(language)) throw new ReportBackError("language");
  const text = entryTextSchema.parse(input);
  const values = {
    title: text.title,
    asked: text.asked,
    did: text.did,
    not_doing_reason: text.notDoingReason,
    decided_by: text.decidedBy,
    review_status: "draft" as const,
    reviewed_by: null,
    updated_by: actor.userId,
    updated_at: new Date(),
  };
  await db
    .insertInto("report_entry_text")
    .values({ entry_id: entryId, language, ...values })
    .onConflict((oc) => oc.columns(["entry_id", "language"]).doUpdateSet(values))
    .execute();
  await touch(db, entryId, actor);
}

/**
 * A language's text checked by someone who reads the language: any drafter except the person who last
 * wrote it, for the same reason the entry has a second reviewer (docs/decisions/052-translation-review.md).
 * Audited, with who checked it, as part of the publication trail.
 */
export async function markTextReviewed(db: DB, organisationId: string, actor: Actor, entryId: string, language: string) {
  const entry = await requireEditable(db, organisationId, entryId);
  const text = await db
    .selectFrom("report_entry_text")
    .select("updated_by")
    .where("entry_id", "=", entryId)
    .where("language", "=", language)
    .executeTakeFirst();
  if (!text) throw new ReportBackError("language");
  if (text.updated_by === actor.userId)
    throw new ReportBackError("self_review", "A second person checks a text: not the person who last changed it");
  await db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable("report_entry_text")
      .set({ review_status: "reviewed", reviewed_by: actor.userId })
      .where("entry_id", "=", entryId)
      .where("language", "=", language)
      // asked again in the update itself, should the checker have saved the words in the meantime
      .where((eb) => eb.or([eb("updated_by", "is", null), eb("updated_by", "!=", actor.userId)]))
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new ReportBackError("self_review");
    await recordAudit(trx, {
      actorUserId: actor.userId,
      organisationId,
      action: "publication",
      subject: `you-said-we-did/${entry.slug}`,
      detail: { change: "text_reviewed", language },
    });
  });
}

/** The themes of the entry, in order, with their public labels per language. */
export async function setEntryThemes(
  db: DB,
  organisationId: string,
  actor: Actor,
  entryId: string,
  themes: ReadonlyArray<{ themeId: string; labels?: LanguageText }>,
) {
  const entry = await requireEditable(db, organisationId, entryId);
  const ids = themes.map((t) => t.themeId);
  if (ids.length) {
    const found = await db.selectFrom("theme").select("id").where("study_id", "=", entry.study_id).where("id", "in", ids).execute();
    if (found.length !== new Set(ids).size) throw new ReportBackError("theme_not_found");
  }
  await db.transaction().execute((trx) => writeEntryThemes(trx, entryId, themes));
  await touch(db, entryId, actor);
}

/** Replaces the entry's themes (pass a transaction); quotes of themes no longer on the entry go with them. */
export async function writeEntryThemes(trx: DB, entryId: string, themes: ReadonlyArray<{ themeId: string; labels?: LanguageText }>) {
  const ids = themes.map((t) => t.themeId);
  await trx.deleteFrom("report_entry_theme").where("entry_id", "=", entryId).execute();
  if (ids.length) {
    await trx
      .insertInto("report_entry_theme")
      .values(themes.map((t, i) => ({ entry_id: entryId, theme_id: t.themeId, position: i, labels: JSON.stringify(t.labels ?? {}) })))
      .execute();
    await trx.deleteFrom("report_entry_quote").where("entry_id", "=", entryId).where("theme_id", "not in", ids).execute();
  } else await trx.deleteFrom("report_entry_quote").where("entry_id", "=", entryId).execute();
}

/**
 * Links a coded span as a quote under one of the entry's themes. Only the reference is stored. The
 * editor offers only quotes the gate returns; a coding of a participant who may not be quoted can
 * still be linked by id, but it will never be shown.
 */
export async function addEntryQuote(db: DB, organisationId: string, actor: Actor, entryId: string, codingId: string): Promise<string> {
  const entry = await requireEditable(db, organisationId, entryId);
  const coding = await codingOnEntryTheme(db, entry.study_id, entryId, codingId);
  if (!coding) throw new ReportBackError("coding_not_found", "That quote is not coded with one of this entry's themes");
  const existing = await db
    .selectFrom("report_entry_quote")
    .select("id")
    .where("entry_id", "=", entryId)
    .where("coding_id", "=", codingId)
    .executeTakeFirst();
  if (existing) return existing.id;
  // Only a quote the gate gives today may be chosen (it is asked again at every read).
  const quotable = await consentedQuotesByCoding(db, { organisationId, studyId: entry.study_id }, [coding.id]);
  if (!quotable.has(coding.id)) throw new ReportBackError("coding_not_found", "That quote may not be shown");
  const onTheme = await db
    .selectFrom("report_entry_quote")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("entry_id", "=", entryId)
    .where("theme_id", "=", coding.theme_id)
    .where("coding_id", "is not", null)
    .executeTakeFirstOrThrow();
  if (Number(onTheme.n) >= MAX_QUOTES_PER_THEME) throw new ReportBackError("too_many_quotes");
  const count = await db
    .selectFrom("report_entry_quote")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("entry_id", "=", entryId)
    .executeTakeFirstOrThrow();
  const row = await db
    .insertInto("report_entry_quote")
    .values({ entry_id: entryId, theme_id: coding.theme_id, coding_id: coding.id, position: Number(count.n), added_by: actor.userId })
    .returning("id")
    .executeTakeFirstOrThrow();
  await touch(db, entryId, actor);
  return row.id;
}

export async function removeEntryQuote(db: DB, organisationId: string, actor: Actor, entryId: string, quoteId: string) {
  await requireEditable(db, organisationId, entryId);
  await db.deleteFrom("report_entry_quote").where("id", "=", quoteId).where("entry_id", "=", entryId).execute();
  await touch(db, entryId, actor);
}

export async function addMilestone(
  db: DB,
  organisationId: string,
  actor: Actor,
  entryId: string,
  input: { dueOn: string; labels: LanguageText },
) {
  await requireEditable(db, organisationId, entryId);
  const dueOn = isoDate.parse(input.dueOn);
  const labels = Object.fromEntries(
    Object.entries(input.labels)
      .filter(([k, v]) => isLanguageCode(k) && v.trim() !== "")
      .map(([k, v]) => [k, v.trim().slice(0, 300)]),
  );
  const row = await db
    .insertInto("report_milestone")
    .values({ entry_id: entryId, due_on: dueOn, labels: JSON.stringify(labels) })
    .returning("id")
    .executeTakeFirstOrThrow();
  await touch(db, entryId, actor);
  return row.id;
}

export async function removeMilestone(db: DB, organisationId: string, actor: Actor, entryId: string, milestoneId: string) {
  await requireEditable(db, organisationId, entryId);
  await db.deleteFrom("report_milestone").where("id", "=", milestoneId).where("entry_id", "=", entryId).execute();
  await touch(db, entryId, actor);
}

// ── Workflow ────────────────────────────────────────────────────────────────────────────────────

export async function submitForReview(db: DB, organisationId: string, actor: Actor, entryId: string) {
  const entry = await requireEntry(db, organisationId, entryId);
  if (entry.state !== "draft" && entry.state !== "unpublished") throw new ReportBackError("wrong_state");
  await db
    .updateTable("report_entry")
    .set({ state: "in_review", submitted_by: actor.userId, submitted_at: new Date(), reviewed_by: null, reviewed_at: null })
    .where("id", "=", entryId)
    .execute();
}

/** A second person approves the entry, or sends it back to draft. */
export async function reviewEntry(db: DB, organisationId: string, actor: Actor, entryId: string, decision: "approve" | "return") {
  const entry = await requireEntry(db, organisationId, entryId);
  if (entry.state !== "in_review") throw new ReportBackError("wrong_state");
  if (entry.submitted_by === actor.userId || entry.updated_by === actor.userId) {
    throw new ReportBackError("same_person", "A second person reviews: not whoever sent it for review or last changed it");
  }
  const reviewed = await db
    .updateTable("report_entry")
    .set(
      decision === "approve"
        ? { state: "approved", reviewed_by: actor.userId, reviewed_at: new Date() }
        : { state: "draft", reviewed_by: null, reviewed_at: null },
    )
    .where("id", "=", entryId)
    // an edit made meanwhile took it back to draft: then this review is of words it no longer has
    .where("state", "=", "in_review")
    .executeTakeFirst();
  if (Number(reviewed.numUpdatedRows) === 0) throw new ReportBackError("wrong_state");
}

/** Publishes an approved entry (admin only: the route checks). Needs at least one reviewed language. */
export async function publishEntry(db: DB, organisationId: string, actor: Actor, entryId: string, notes: LanguageText = {}) {
  const entry = await requireEntry(db, organisationId, entryId);
  if (entry.state !== "approved") throw new ReportBackError("wrong_state", "Only an approved entry is published");
  const reviewed = await db
    .selectFrom("report_entry_text")
    .select("language")
    .where("entry_id", "=", entryId)
    .where("review_status", "=", "reviewed")
    .execute();
  if (reviewed.length === 0) throw new ReportBackError("no_reviewed_text", "At least one language must be reviewed before publishing");
  const now = new Date();
  const republished = entry.first_published_at !== null;
  await db.transaction().execute(async (trx) => {
    // the state is checked again in the update itself, so two admins publishing at once publish once
    const published = await trx
      .updateTable("report_entry")
      .set({ state: "published", published_by: actor.userId, published_at: now, first_published_at: entry.first_published_at ?? now })
      .where("id", "=", entryId)
      .where("state", "=", "approved")
      .executeTakeFirst();
    if (Number(published.numUpdatedRows) === 0) throw new ReportBackError("wrong_state");
    await trx
      .insertInto("report_entry_change")
      .values({
        entry_id: entryId,
        kind: republished ? "republished" : "published",
        action_status: entry.action_status,
        progress: entry.progress,
        notes: JSON.stringify(cleanNotes(notes)),
        changed_by: actor.userId,
      })
      .execute();
    await recordAudit(trx, {
      actorUserId: actor.userId,
      organisationId,
      action: "publication",
      subject: `you-said-we-did/${entry.slug}`,
      detail: { change: republished ? "republished" : "published", languages: reviewed.map((r) => r.language).sort() },
    });
  });
}

export async function unpublishEntry(db: DB, organisationId: string, actor: Actor, entryId: string, notes: LanguageText = {}) {
  const entry = await requireEntry(db, organisationId, entryId);
  if (entry.state !== "published") throw new ReportBackError("wrong_state");
  await db.transaction().execute(async (trx) => {
    const unpublished = await trx
      .updateTable("report_entry")
      .set({ state: "unpublished", reviewed_by: null, reviewed_at: null })
      .where("id", "=", entryId)
      .where("state", "=", "published")
      .executeTakeFirst();
    if (Number(unpublished.numUpdatedRows) === 0) throw new ReportBackError("wrong_state");
    await trx
      .insertInto("report_entry_change")
      .values({
        entry_id: entryId,
        kind: "unpublished",
        action_status: null,
        progress: null,
        notes: JSON.stringify(cleanNotes(notes)),
        changed_by: actor.userId,
      })
      .execute();
    await recordAudit(trx, {
      actorUserId: actor.userId,
      organisationId,
      action: "publication",
      subject: `you-said-we-did/${entry.slug}`,
      detail: { change: "unpublished" },
    });
  });
}

export const entryUpdateSchema = z.object({
  actionStatus: z.enum(ACTION_STATUSES),
  progress: z.coerce.number().int().min(0).max(100),
  nextReviewOn: optionalDate.default(null),
  milestonesDone: z.array(z.string().uuid()).default([]),
  notes: z.record(z.string(), z.string()).default({}),
});
export type EntryUpdateInput = z.input<typeof entryUpdateSchema>;
/** An update as a form posts it: the status any string, checked here by entryUpdateSchema. */
export type PostedEntryUpdate = Omit<EntryUpdateInput, "actionStatus"> & { actionStatus: string };

/** An update to a published entry: live at once, in the public change history, audited. Admin only (route). */
export async function postEntryUpdate(
  db: DB,
  organisationId: string,
  actor: Actor,
  entryId: string,
  input: PostedEntryUpdate,
  today = new Date().toISOString().slice(0, 10),
) {
  const entry = await requireEntry(db, organisationId, entryId);
  if (entry.state !== "published") throw new ReportBackError("wrong_state");
  const update = entryUpdateSchema.parse(input);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("report_entry")
      .set({
        action_status: update.actionStatus,
        progress: update.progress,
        next_review_on: update.nextReviewOn,
        updated_by: actor.userId,
        updated_at: new Date(),
      })
      .where("id", "=", entryId)
      .where("state", "=", "published")
      .executeTakeFirst()
      .then((r) => {
        if (Number(r.numUpdatedRows) === 0) throw new ReportBackError("wrong_state");
      });
    if (update.milestonesDone.length) {
      await trx
        .updateTable("report_milestone")
        .set({ done_on: today })
        .where("entry_id", "=", entryId)
        .where("id", "in", update.milestonesDone)
        .where("done_on", "is", null)
        .execute();
    }
    await trx
      .insertInto("report_entry_change")
      .values({
        entry_id: entryId,
        kind: "updated",
        action_status: update.actionStatus,
        progress: update.progress,
        notes: JSON.stringify(cleanNotes(update.notes)),
        changed_by: actor.userId,
      })
      .execute();
    await recordAudit(trx, {
      actorUserId: actor.userId,
      organisationId,
      action: "publication",
      subject: `you-said-we-did/${entry.slug}`,
      detail: {
        change: "updated",
        actionStatus: update.actionStatus,
        progress: update.progress,
        milestonesDone: update.milestonesDone.length,
      },
    });
  });
}

function cleanNotes(notes: LanguageText): LanguageText {
  return Object.fromEntries(
    Object.entries(notes)
      .filter(([k, v]) => isLanguageCode(k) && typeof v === "string" && v.trim() !== "")
      .map(([k, v]) => [k, v.trim().slice(0, 2000)]),
  );
}
