/**
 * THE consent gate (docs/decisions/011-consent-gate.md). Every read of participants' content for
 * analysis, export or a public page goes through the functions here; nothing else selects from
 * `answer` or `response` for those purposes. (The participant journey reads a person's OWN answers
 * back to them through app/participants; that is not analysis.)
 *
 * The rules, in one place:
 * - Tenant: the study must belong to the organisation asking; every query joins on it.
 * - Consent: only participants with a consent record (to any version of the study's consent form).
 * - Analysis: a participant who withdrew with erasure is gone (their rows are deleted in the same
 *   transaction; the filter also covers any row that a concurrent writer might leave). A participant
 *   who withdrew and asked to keep what they gave ("stop and keep") stays in analysis: that is what
 *   they chose.
 * - Quotes (anything shown word for word: exports of free text marked as quotes, public pages):
 *   only a participant who has NOT withdrawn at all AND whose most recent consent record says yes to
 *   anonymised quotes. Consent is read at the moment of each read, so saying no takes effect at once.
 *
 * The tenant rule and the one scope type are in app/consent/scope.server.ts. The other gated reads
 * (units.server.ts for coding and sessions, wellbeing.server.ts for scoring) filter participants
 * with permittedParticipants below and restate none of these rules.
 */
import { sql, type SqlBool } from "kysely";
import type { DB } from "../../db/index";
import { requireStudy, type GatePurpose, type StudyScope } from "./scope.server";

/** Ids of the study's participants whose content may be read for `purpose`, as a subquery. */
export function permittedParticipants(db: DB, scope: StudyScope, purpose: GatePurpose) {
  let q = db
    .selectFrom("participant as gp")
    .innerJoin("study as gs", "gs.id", "gp.study_id")
    .select("gp.id")
    .where("gp.study_id", "=", scope.studyId)
    .where("gs.organisation_id", "=", scope.organisationId)
    .where((eb) => eb.or([eb("gp.withdrawal_mode", "is", null), eb("gp.withdrawal_mode", "<>", "erase")]))
    .where(sql<SqlBool>`exists (select 1 from consent_record gc where gc.participant_id = gp.id)`);
  if (purpose === "quote") {
    q = q.where("gp.withdrawn_on", "is", null).where(
      sql<SqlBool>`coalesce((select gcr.quotes from consent_record gcr where gcr.participant_id = gp.id
          order by gcr.updated_on desc, gcr.recorded_on desc, gcr.id desc limit 1), false)`,
    );
  }
  return q;
}

export const analysableParticipants = (db: DB, scope: StudyScope) => permittedParticipants(db, scope, "analysis");
/**
 * The same people with what an analysis groups them by (cohort_id, language), to join on rather than
 * to filter by: a study-wide read then reads the participant table once, not once for the gate and
 * again for their groups.
 */
export const analysableParticipantRows = (db: DB, scope: StudyScope) =>
  analysableParticipants(db, scope).select(["gp.cohort_id", "gp.language"]);
export const quotableParticipants = (db: DB, scope: StudyScope) => permittedParticipants(db, scope, "quote");

export interface GatedAnswer {
  responseId: string;
  /** The participant's id (an opaque uuid; never their code). */
  participantId: string;
  instrumentId: string;
  instrumentVersion: number;
  timepoint: string;
  language: string;
  mode: "self" | "assisted" | "paper";
  interpreter: string | null;
  itemId: string;
  value: unknown;
  answeredOn: string;
}

/**
 * The one answer query: every answer of the study the purpose may read, joined to its response and
 * instrument version (a, r, iv), columns left to the caller.
 */
function permittedAnswers(db: DB, scope: StudyScope, purpose: GatePurpose) {
  return db
    .selectFrom("answer as a")
    .innerJoin("response as r", "r.id", "a.response_id")
    .innerJoin("instrument_version as iv", "iv.id", "r.instrument_version_id")
    .where("r.study_id", "=", scope.studyId)
    .where("r.participant_id", "in", permittedParticipants(db, scope, purpose));
}

/**
 * Answers a purpose may read, optionally for one instrument and/or timepoint. Tenant-checked first:
 * a study of another organisation throws, rather than quietly returning nothing.
 */
export async function gatedAnswers(
  db: DB,
  scope: StudyScope,
  purpose: GatePurpose,
  filter: { instrumentId?: string; timepoint?: string; itemIds?: string[] } = {},
): Promise<GatedAnswer[]> {
  await requireStudy(db, scope);
  if (filter.itemIds && filter.itemIds.length === 0) return [];
  let q = permittedAnswers(db, scope, purpose).select([
    "r.id as responseId",
    "r.participant_id as participantId",
    "iv.instrument_id as instrumentId",
    "iv.version as instrumentVersion",
    "r.timepoint",
    "r.language",
    "r.mode",
    "r.interpreter",
    "a.item_id as itemId",
    "a.value",
    "a.answered_on as answeredOn",
  ]);
  if (filter.instrumentId) q = q.where("iv.instrument_id", "=", filter.instrumentId);
  if (filter.timepoint) q = q.where("r.timepoint", "=", filter.timepoint);
  if (filter.itemIds) q = q.where("a.item_id", "in", filter.itemIds);
  return q.orderBy("r.id").orderBy("a.item_id").execute();
}

/**
 * The instrument versions anyone in the study has answered, as a subquery: which versions'
 * definitions apply, not anyone's answers, so no participant filter (a withdrawn person's version
 * is still a version in use).
 */
export function answeredVersionIds(db: DB, studyId: string) {
  // Each version asked whether the study has a response in it, through the index on (study,
  // version): a few index probes, where a scan of the study's responses was 100 ms at 200,000.
  return db
    .selectFrom("instrument_version as av")
    .select("av.id as instrument_version_id")
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom("response as ar")
          .select(sql<number>`1`.as("one"))
          .whereRef("ar.instrument_version_id", "=", "av.id")
          .where("ar.study_id", "=", studyId),
      ),
    );
}

/**
 * Responses started and completed per instrument version, timepoint and language, for the study's
 * dashboard: counts of everyone who began, no answer read (the dashboard shows fieldwork progress,
 * withdrawals included, in the workspace only).
 */
export function responseProgress(db: DB, studyId: string) {
  return db
    .selectFrom("response")
    .innerJoin("instrument_version", "instrument_version.id", "response.instrument_version_id")
    .select([
      "instrument_version.instrument_id",
      "instrument_version.version",
      "response.timepoint",
      "response.language",
      sql<number>`count(*)::int`.as("started"),
      sql<number>`count(*) filter (where response.completed_on is not null)::int`.as("completed"),
    ])
    .where("response.study_id", "=", studyId)
    .groupBy(["instrument_version.instrument_id", "instrument_version.version", "response.timepoint", "response.language"])
    .orderBy("instrument_version.instrument_id")
    .orderBy("response.timepoint")
    .orderBy("response.language")
    .execute();
}

/**
 * Ids of the study's responses to any version of one instrument: ids only, everyone's, for a caller
 * that then reads what the gate permits (app/coding/agreement.server.ts `answerUnitsForItem`).
 */
export function responsesToInstrument(db: DB, studyId: string, instrumentId: string) {
  return db
    .selectFrom("response as r")
    .innerJoin("instrument_version as iv", "iv.id", "r.instrument_version_id")
    .select("r.id")
    .where("r.study_id", "=", studyId)
    .where("iv.instrument_id", "=", instrumentId)
    .execute();
}

/** Answers for analysis and export: includes "stop and keep" withdrawals, never erased or unconsented. */
export function answersForAnalysis(db: DB, scope: StudyScope, filter?: Parameters<typeof gatedAnswers>[3]) {
  return gatedAnswers(db, scope, "analysis", filter);
}

/** Answers that may be quoted word for word: current quote consent and not withdrawn. */
export function quotableAnswers(db: DB, scope: StudyScope, filter?: Parameters<typeof gatedAnswers>[3]) {
  return gatedAnswers(db, scope, "quote", filter);
}

/** How many participants each purpose may read (for dashboards; no content). */
export async function gatedParticipantCounts(db: DB, scope: StudyScope): Promise<{ analysis: number; quote: number }> {
  await requireStudy(db, scope);
  const count = async (purpose: GatePurpose) => {
    const row = await db
      .selectFrom(permittedParticipants(db, scope, purpose).as("p"))
      .select(sql<number>`count(*)`.as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  return { analysis: await count("analysis"), quote: await count("quote") };
}

export interface AnswerRow {
  responseId: string;
  participantId: string;
  instrumentId: string;
  instrumentVersion: number;
  timepoint: string;
  language: string;
  mode: string;
  startedOn: string;
  itemId: string;
  value: unknown;
}

/**
 * Every answer the purpose may read, in batches ordered by (response, item), read by keyset so memory
 * stays flat however many rows there are (a million-row export holds one batch at a time).
 */
export async function* answerBatches(db: DB, scope: StudyScope, purpose: GatePurpose, batchSize = 5000): AsyncGenerator<AnswerRow[]> {
  await requireStudy(db, scope);
  let after: { responseId: string; itemId: string } | null = null;
  for (;;) {
    let q = permittedAnswers(db, scope, purpose).select([
      "a.response_id as responseId",
      "r.participant_id as participantId",
      "iv.instrument_id as instrumentId",
      "iv.version as instrumentVersion",
      "r.timepoint",
      "r.language",
      "r.mode",
      "r.started_on as startedOn",
      "a.item_id as itemId",
      "a.value",
    ]);
    if (after) {
      const { responseId, itemId } = after;
      // A row comparison, so the planner walks the answer primary key from here (no sort per batch);
      // and the same bound on the response, so a plan that drives from the responses starts at the
      // cursor too instead of re-walking every earlier response each batch (quadratic in batches).
      q = q.where(sql<SqlBool>`(a.response_id, a.item_id) > (${responseId}::uuid, ${itemId})`).where("r.id", ">=", responseId);
    }
    const rows = (await q.orderBy("a.response_id").orderBy("a.item_id").limit(batchSize).execute()) as AnswerRow[];
    if (rows.length === 0) return;
    yield rows;
    const last = rows[rows.length - 1]!;
    after = { responseId: last.responseId, itemId: last.itemId };
    if (rows.length < batchSize) return;
  }
}
