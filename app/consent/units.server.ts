/**
 * The consent gate for coding units: transcript segments and free-text answers, for coding, theme
 * views, agreement, quotes and sessions (docs/decisions/031-coding-consent-gate.md).
 *
 * Participants' words are read here and nowhere else outside app/consent (tests/content-reads-in-
 * one-place.test.ts holds app/ to it). Who may be read is decided by the general gate's participant
 * filter (app/consent/gate.server.ts `permittedParticipants`); this module adds only what is
 * specific to units (segments, free-text items). Unit keys belong to coding (app/coding/units.ts).
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
import { analysableParticipants, permittedParticipants, quotableParticipants } from "./gate.server";
import type { GatePurpose, StudyScope } from "./scope.server";
import { parseUnitKey, rowUnitKey, type UnitKey } from "../coding/units";

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
  /** When the unit arrived (a turn imported, an answer first given): what a coder's "finished" covers. */
  addedAt: Date;
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
    .leftJoin("transcript_segment as orig", (join) =>
      join.onRef("orig.id", "=", "seg.renders_segment_id").onRef("orig.session_id", "=", "seg.session_id"),
    )
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
      "seg.created_at",
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
    addedAt: new Date(r.created_at),
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
      "a.created_at",
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
      addedAt: new Date(r.created_at),
    }));
}

/** Segments and answers together (segments first), as one map by key. */
export async function readUnits(
  db: DB,
  scope: StudyScope,
  purpose: GatePurpose,
  filter: UnitFilter = {},
): Promise<Map<UnitKey, GatedUnit>> {
  const out = new Map<UnitKey, GatedUnit>();
  if (filter.includeSegments !== false) for (const u of await readSegments(db, scope, purpose, filter)) out.set(u.key, u);
  if (filter.includeAnswers !== false && !filter.sessionId)
    for (const u of await readFreeTextAnswers(db, scope, purpose, filter)) out.set(u.key, u);
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

/**
 * How many turns each of these sessions of the study has, every speaker counted: a number for the
 * sessions' lists and pages, no one's words. A session not of the study counts 0.
 */
export async function segmentCounts(db: DB, scope: StudyScope, sessionIds: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>(sessionIds.map((id) => [id, 0]));
  if (sessionIds.length === 0) return out;
  const rows = await db
    .selectFrom("transcript_segment as seg")
    .innerJoin("study_session as ses", "ses.id", "seg.session_id")
    .innerJoin("study as st", "st.id", "ses.study_id")
    .select(["seg.session_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("ses.study_id", "=", scope.studyId)
    .where("st.organisation_id", "=", scope.organisationId)
    .where("seg.session_id", "in", [...sessionIds])
    .groupBy("seg.session_id")
    .execute();
  for (const r of rows) out.set(r.session_id, Number(r.n));
  return out;
}

/*
 * The write paths' own look-ups (a transcript import, a correction of turns, a translation): they
 * return positions, roles, links and ids, never words, and decide nothing about consent. They are
 * here so that this folder stays the only code that names the content tables for reading.
 */

/** The last position used in a session's transcript (0 when it has none): where an import appends. */
export async function lastSegmentPosition(db: DB, sessionId: string): Promise<number> {
  const last = await db
    .selectFrom("transcript_segment")
    .select((eb) => eb.fn.max<number>("position").as("max"))
    .where("session_id", "=", sessionId)
    .executeTakeFirst();
  return Number(last?.max ?? 0);
}

/** Each turn of a session with its speaker's role and the turn it renders, by id (for corrections). */
export async function turnRoles(db: DB, sessionId: string) {
  return new Map(
    (
      await db
        .selectFrom("transcript_segment")
        .select(["id", "speaker_role", "renders_segment_id"])
        .where("session_id", "=", sessionId)
        .execute()
    ).map((r) => [r.id, r]),
  );
}

/** Is the segment, or the answer, one of the study's? (A translation may only be kept for one that is.) */
export async function unitOfStudy(
  db: DB,
  scope: StudyScope,
  unit: { segmentId: string } | { responseId: string; itemId: string },
): Promise<boolean> {
  if ("segmentId" in unit) {
    const owned = await db
      .selectFrom("transcript_segment as seg")
      .innerJoin("study_session as ses", "ses.id", "seg.session_id")
      .select("seg.id")
      .where("seg.id", "=", unit.segmentId)
      .where("ses.study_id", "=", scope.studyId)
      .executeTakeFirst();
    return owned !== undefined;
  }
  const owned = await db
    .selectFrom("answer as a")
    .innerJoin("response as r", "r.id", "a.response_id")
    .select("a.item_id")
    .where("a.response_id", "=", unit.responseId)
    .where("a.item_id", "=", unit.itemId)
    .where("r.study_id", "=", scope.studyId)
    .executeTakeFirst();
  return owned !== undefined;
}
