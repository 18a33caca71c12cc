/**
 * The consent gate for coding, theme views, agreement and quotes (docs/decisions/031-coding-consent-gate.md).
 *
 * This module is the single place where coding code reads participants' words (transcript segments
 * and free-text answers). Nothing in app/coding or app/sessions selects from transcript_segment or
 * answer for analysis or export except through the functions below. Who may be read is decided by
 * the general gate's participant filter (app/consent/gate.server.ts `permittedParticipants`); this
 * module adds only what is specific to coding (segments, free-text items, unit keys).
 *
 * The rules (as the general gate applies them):
 * - Tenant: the study must belong to the organisation of the request; every query joins on it.
 * - Consent: only participants with a consent record.
 * - Analysis: a participant who withdrew with erasure is gone (their rows are deleted; the filter
 *   also hides them in the window between the withdrawal and the deletion). A participant who
 *   withdrew and asked to keep what they said stays in analysis.
 * - Quotes: only a participant who has not withdrawn at all AND whose current consent record (the
 *   most recently updated one) says yes to anonymised quotes. Consent is read at the moment of each
 *   export, so withdrawing quote consent removes the quote from the next export.
 * - Facilitator and interpreter turns are not participant content; they are shown for context in
 *   analysis but are never quotes.
 * - Except an interpreter turn linked as the rendering of a participant's turn (renders_segment_id):
 *   those are that participant's words in another language, so every rule above applies to them as
 *   to the original, with the original's speaker as their owner — here, once, for every reader
 *   (docs/decisions/063-turn-language-and-linked-translations.md). Erasure removes them by cascade.
 */
import { sql, type Expression, type SqlBool } from "kysely";
import type { DB } from "../../db/index";
import { permittedParticipants as gatePermittedParticipants, type GatePurpose } from "./gate.server";
import { isUuid } from "../security/ids";

export interface StudyScope {
  organisationId: string;
  studyId: string;
}

export class StudyNotInOrganisationError extends Error {
  constructor() {
    super("No such study in this organisation");
    this.name = "StudyNotInOrganisationError";
  }
}

export type UnitKey = string;
export type UnitRef = { kind: "segment"; segmentId: string } | { kind: "answer"; responseId: string; itemId: string };

export function unitKey(ref: UnitRef): UnitKey {
  return ref.kind === "segment" ? `s:${ref.segmentId}` : `a:${ref.responseId}:${ref.itemId}`;
}

export function parseUnitKey(key: string): UnitRef | null {
  // The id part must be a UUID, not only UUID-shaped: the database refuses anything else with an error.
  const s = /^s:([0-9a-f-]{36})$/i.exec(key);
  if (s && isUuid(s[1])) return { kind: "segment", segmentId: s[1]!.toLowerCase() };
  const a = /^a:([0-9a-f-]{36}):([a-z][a-z0-9_]*)$/i.exec(key);
  if (a && isUuid(a[1])) return { kind: "answer", responseId: a[1]!.toLowerCase(), itemId: a[2]! };
  return null;
}

/** Unit columns of a row (segment_id / response_id+item_id) as a key. */
export function rowUnitKey(row: { segment_id: string | null; response_id: string | null; item_id: string | null }): UnitKey {
  return row.segment_id ? `s:${row.segment_id}` : `a:${row.response_id}:${row.item_id}`;
}

/** Checks the tenant and returns the study; throws StudyNotInOrganisationError otherwise. */
export async function requireStudy(db: DB, scope: StudyScope) {
  const study = await db
    .selectFrom("study")
    .select(["id", "slug", "titles", "languages", "organisation_id"])
    .where("id", "=", scope.studyId)
    .where("organisation_id", "=", scope.organisationId)
    .executeTakeFirst();
  if (!study) throw new StudyNotInOrganisationError();
  return study;
}

export type { GatePurpose };

/**
 * Ids of the study's participants whose content may be read for the purpose, as a subquery: the
 * general gate's filter (app/consent/gate.server.ts), which holds the withdrawal, consent and
 * quote-consent rules. Nothing here restates them.
 */
export const permittedParticipants = (db: DB, scope: StudyScope, purpose: GatePurpose) => gatePermittedParticipants(db, scope, purpose);
export const analysableParticipants = (db: DB, scope: StudyScope) => permittedParticipants(db, scope, "analysis");
export const quotableParticipants = (db: DB, scope: StudyScope) => permittedParticipants(db, scope, "quote");

/** Is an answer item a free-text item (short_text or long_text) in its instrument version? */
function isFreeTextItem(itemId: Expression<string>, versionId: Expression<string>) {
  return sql<SqlBool>`exists (select 1 from instrument_version giv,
      jsonb_array_elements(coalesce(giv.definition->'sections', '[]'::jsonb)) gsec,
      jsonb_array_elements(coalesce(gsec->'items', '[]'::jsonb)) gitem
    where giv.id = ${versionId} and gitem->>'id' = ${itemId} and gitem->>'type' in ('short_text','long_text'))`;
}

/** One piece of participant (or facilitator/interpreter) text that coding can apply to. */
export interface GatedUnit {
  key: UnitKey;
  source: "segment" | "answer";
  text: string;
  /** The turn's own language (or the response's, for an answer). */
  language: string;
  /** The speaker; null for facilitator and interpreter turns. */
  participantId: string | null;
  /**
   * The participant whose words these are, for consent, counts and attribution: the speaker, or for
   * an interpreter's linked rendering the speaker of the turn it renders; null for other context.
   */
  ownerId: string | null;
  /** An interpreter's rendering: the turn it renders (same session) and that turn's language. */
  renders: { key: UnitKey; language: string } | null;
  speakerRole: "participant" | "facilitator" | "interpreter";
  sessionId: string | null;
  sessionKind: "focus_group" | "interview" | null;
  sessionLabel: string | null;
  heldOn: string | null;
  position: number | null;
  itemId: string | null;
  cohortId: string | null;
  participantLanguage: string | null;
}

export interface UnitFilter {
  sessionId?: string;
  /** Restrict to these units (keys from unitKey). */
  keys?: readonly UnitKey[];
  /** Restrict to units whose words are these participants' (their own turns and renderings of them). */
  participantIds?: readonly string[];
  /** Restrict to the interpreter turns that render these segments (keys from unitKey). */
  renderingsOf?: readonly UnitKey[];
  includeAnswers?: boolean;
  includeSegments?: boolean;
  offset?: number;
  limit?: number;
}

const segmentIds = (keys: readonly UnitKey[] | undefined) =>
  keys?.map(parseUnitKey).flatMap((r) => (r?.kind === "segment" ? [r.segmentId] : []));

/**
 * Transcript segments the purpose may see, in session and position order. With purpose "quote",
 * only participants' words (their own turns and interpreters' renderings of them), and only of
 * quotable participants.
 */
export async function readSegments(db: DB, scope: StudyScope, purpose: GatePurpose, filter: UnitFilter = {}): Promise<GatedUnit[]> {
  const ids = segmentIds(filter.keys);
  if (ids && ids.length === 0) return [];
  const renderingsOf = segmentIds(filter.renderingsOf);
  if (renderingsOf && renderingsOf.length === 0) return [];
  // Whose words a turn is: its speaker's, or for a linked rendering, the rendered turn's speaker's.
  // Every rule below is applied to this owner, so a rendering is read exactly as its original is.
  const owner = sql<string | null>`coalesce(seg.participant_id, orig.participant_id)`;
  let q = db
    .selectFrom("transcript_segment as seg")
    .innerJoin("study_session as ses", "ses.id", "seg.session_id")
    .innerJoin("study as st", "st.id", "ses.study_id")
    .leftJoin("transcript_segment as orig", (join) => join.onRef("orig.id", "=", "seg.renders_segment_id").onRef("orig.session_id", "=", "seg.session_id"))
    .leftJoin("participant as p", (join) => join.on(sql<SqlBool>`p.id = coalesce(seg.participant_id, orig.participant_id)`))
    .select([
      "seg.id",
      "seg.text",
      "seg.language",
      "seg.participant_id",
      owner.as("owner_id"),
      "seg.renders_segment_id",
      "orig.language as renders_language",
      "seg.speaker_role",
      "seg.position",
      "ses.id as session_id",
      "ses.kind",
      "ses.label",
      "ses.held_on",
      "p.cohort_id",
      "p.language as participant_language",
    ])
    .where("ses.study_id", "=", scope.studyId)
    .where("st.organisation_id", "=", scope.organisationId);
  if (purpose === "quote") {
    q = q
      .where((eb) => eb.or([eb("seg.speaker_role", "=", "participant"), eb("seg.renders_segment_id", "is not", null)]))
      .where(owner, "in", quotableParticipants(db, scope));
  } else {
    q = q.where((eb) => eb.or([eb(owner, "is", null), eb(owner, "in", analysableParticipants(db, scope))]));
  }
  if (filter.sessionId) q = q.where("seg.session_id", "=", filter.sessionId);
  if (ids) q = q.where("seg.id", "in", ids);
  if (renderingsOf) q = q.where("seg.renders_segment_id", "in", renderingsOf);
  if (filter.participantIds) {
    if (filter.participantIds.length === 0) return [];
    q = q.where(owner, "in", [...filter.participantIds]);
  }
  q = q.orderBy("ses.held_on").orderBy("ses.label").orderBy("seg.position");
  if (filter.limit !== undefined) q = q.limit(filter.limit);
  if (filter.offset) q = q.offset(filter.offset);
  const rows = await q.execute();
  return rows.map((r) => ({
    key: `s:${r.id}`,
    source: "segment",
    text: r.text,
    language: r.language,
    participantId: r.participant_id,
    ownerId: r.owner_id,
    renders: r.renders_segment_id ? { key: `s:${r.renders_segment_id}`, language: r.renders_language ?? r.language } : null,
    speakerRole: r.speaker_role,
    sessionId: r.session_id,
    sessionKind: r.kind,
    sessionLabel: r.label,
    heldOn: r.held_on,
    position: r.position,
    itemId: null,
    cohortId: r.cohort_id ?? null,
    participantLanguage: r.participant_language ?? null,
  }));
}

/** Free-text answers (short_text/long_text items, string values) the purpose may see. */
export async function readFreeTextAnswers(db: DB, scope: StudyScope, purpose: GatePurpose, filter: UnitFilter = {}): Promise<GatedUnit[]> {
  const refs = filter.keys?.map(parseUnitKey).flatMap((r) => (r?.kind === "answer" ? [r] : []));
  if (refs && refs.length === 0) return [];
  let q = db
    .selectFrom("answer as a")
    .innerJoin("response as r", "r.id", "a.response_id")
    .innerJoin("study as st", "st.id", "r.study_id")
    .innerJoin("participant as p", "p.id", "r.participant_id")
    .select([
      "a.response_id",
      "a.item_id",
      sql<string>`a.value #>> '{}'`.as("text"),
      "r.language",
      "r.participant_id",
      "r.started_on",
      "p.cohort_id",
      "p.language as participant_language",
    ])
    .where("r.study_id", "=", scope.studyId)
    .where("st.organisation_id", "=", scope.organisationId)
    .where(sql<SqlBool>`jsonb_typeof(a.value) = 'string'`)
    .where((eb) => isFreeTextItem(eb.ref("a.item_id"), eb.ref("r.instrument_version_id")))
    .where("r.participant_id", "in", permittedParticipants(db, scope, purpose));
  if (refs) {
    q = q.where((eb) => eb.or(refs.map((r) => eb.and([eb("a.response_id", "=", r.responseId), eb("a.item_id", "=", r.itemId)]))));
  }
  if (filter.participantIds) {
    if (filter.participantIds.length === 0) return [];
    q = q.where("r.participant_id", "in", [...filter.participantIds]);
  }
  q = q.orderBy("r.started_on").orderBy("a.response_id").orderBy("a.item_id");
  if (filter.limit !== undefined) q = q.limit(filter.limit);
  if (filter.offset) q = q.offset(filter.offset);
  const rows = await q.execute();
  return rows
    .filter((r) => r.text.trim() !== "")
    .map((r) => ({
      key: `a:${r.response_id}:${r.item_id}`,
      source: "answer",
      text: r.text,
      language: r.language,
      participantId: r.participant_id,
      ownerId: r.participant_id,
      renders: null,
      speakerRole: "participant",
      sessionId: null,
      sessionKind: null,
      sessionLabel: null,
      heldOn: r.started_on,
      position: null,
      itemId: r.item_id,
      cohortId: r.cohort_id ?? null,
      participantLanguage: r.participant_language ?? null,
    }));
}

/** Segments and answers together (segments first), as one map by key. */
export async function readUnits(db: DB, scope: StudyScope, purpose: GatePurpose, filter: UnitFilter = {}): Promise<Map<UnitKey, GatedUnit>> {
  const out = new Map<UnitKey, GatedUnit>();
  if (filter.includeSegments !== false) for (const u of await readSegments(db, scope, purpose, filter)) out.set(u.key, u);
  if (filter.includeAnswers !== false && !filter.sessionId) for (const u of await readFreeTextAnswers(db, scope, purpose, filter)) out.set(u.key, u);
  return out;
}

/** The one unit, if the purpose may read it. */
export async function readUnit(db: DB, scope: StudyScope, purpose: GatePurpose, key: UnitKey): Promise<GatedUnit | null> {
  const units = await readUnits(db, scope, purpose, { keys: [key] });
  return units.get(key) ?? null;
}

/**
 * Of these participants of the study, those whose current consent record does not say yes to audio
 * recording (or who have withdrawn): a session they attend cannot be marked as recorded.
 */
export async function participantsWithoutAudioConsent(db: DB, scope: StudyScope, participantIds: readonly string[]): Promise<string[]> {
  if (participantIds.length === 0) return [];
  const rows = await db
    .selectFrom("participant as gp")
    .select("gp.id")
    .where("gp.study_id", "=", scope.studyId)
    .where("gp.id", "in", [...participantIds])
    .where((eb) =>
      eb.or([
        eb("gp.withdrawn_on", "is not", null),
        eb.not(
          sql<SqlBool>`coalesce((select gcr.audio_recording from consent_record gcr where gcr.participant_id = gp.id
            order by gcr.updated_on desc, gcr.recorded_on desc, gcr.id desc limit 1), false)`,
        ),
      ]),
    )
    .execute();
  return rows.map((r) => r.id);
}

/** Translations of units the caller has already read through this gate (pass their keys). */
export async function readTranslations(db: DB, units: readonly GatedUnit[]): Promise<Map<UnitKey, { language: string; text: string }[]>> {
  const out = new Map<UnitKey, { language: string; text: string }[]>();
  const segmentIds = units.filter((u) => u.source === "segment").map((u) => u.key.slice(2));
  const answers = units.flatMap((u) => {
    const r = parseUnitKey(u.key);
    return r?.kind === "answer" ? [r] : [];
  });
  const rows = [];
  for (let i = 0; i < segmentIds.length; i += 5000) {
    rows.push(
      ...(await db
        .selectFrom("translation")
        .select(["segment_id", "response_id", "item_id", "language", "text"])
        .where("segment_id", "in", segmentIds.slice(i, i + 5000))
        .execute()),
    );
  }
  const responseIds = [...new Set(answers.map((a) => a.responseId))];
  if (responseIds.length > 0) {
    const wanted = new Set(answers.map((a) => `a:${a.responseId}:${a.itemId}`));
    const answerRows = await db
      .selectFrom("translation")
      .select(["segment_id", "response_id", "item_id", "language", "text"])
      .where("response_id", "in", responseIds)
      .execute();
    rows.push(...answerRows.filter((r) => wanted.has(rowUnitKey(r))));
  }
  for (const r of rows) {
    const key = rowUnitKey(r);
    const list = out.get(key) ?? [];
    list.push({ language: r.language, text: r.text });
    out.set(key, list);
  }
  return out;
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
    let q = db
      .selectFrom("answer as a")
      .innerJoin("response as r", "r.id", "a.response_id")
      .innerJoin("instrument_version as iv", "iv.id", "r.instrument_version_id")
      .select([
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
      ])
      .where("r.study_id", "=", scope.studyId)
      .where("r.participant_id", "in", permittedParticipants(db, scope, purpose));
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
