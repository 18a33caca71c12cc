/**
 * Focus groups and interviews: the session record, who attended, whether it was recorded, and
 * transcripts stored as ordered segments. Reading participants' words back goes through
 * app/consent/units.server.ts.
 */
import { personName } from "../organisations/names.server";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { DB } from "../../db/index";
import type { InterpreterMode, SessionKind, SpeakerRole } from "../../db/tables/coding";
import {
  lastSegmentPosition,
  participantsWithoutAudioConsent,
  readSegments,
  segmentCounts,
  turnRoles,
  unitOfStudy,
} from "../consent/units.server";
import { requireStudy, type StudyScope } from "../consent/scope.server";
import { normaliseParticipantCode } from "../participants/code";
import { findParticipantByCode } from "../participants/enrolment.server";
import { parseTranscript, speakerLabels, type TranscriptFormat } from "./transcript";
import { suggestTurnLanguage } from "./turn-language";

export class GatheringError extends Error {
  constructor(
    readonly reason:
      | "not_found"
      | "participant_not_in_study"
      | "code_invalid"
      | "audio_consent_missing"
      | "label_unmapped"
      | "speaker_not_attendee"
      | "empty_transcript"
      | "facilitator_not_member"
      | "rendering_without_original"
      | "turn_not_found"
      | "rendering_invalid"
      | "language_invalid",
    message: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "GatheringError";
  }
}

const LANGUAGE = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]+)*$/);

export const gatheringInputSchema = z.object({
  kind: z.enum(["focus_group", "interview"]),
  label: z.string().trim().min(1).max(80),
  heldOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  languages: z.array(LANGUAGE).default([]),
  facilitatorUserId: z.string().uuid().nullable().default(null),
  interpreter: z.enum(["none", "in_person", "phone", "video"]).default("none"),
  notes: z.string().max(10_000).default(""),
});
export type GatheringInput = z.input<typeof gatheringInputSchema>;

export interface GatheringSummary {
  id: string;
  kind: SessionKind;
  label: string;
  heldOn: string;
  languages: string[];
  facilitatorUserId: string | null;
  interpreter: InterpreterMode;
  recorded: boolean;
  attendees: number;
  segments: number;
}

/** Who can be named as a session's facilitator: the organisation's staff (every member, not disabled). */
export async function facilitatorChoices(db: DB, scope: StudyScope): Promise<{ userId: string; name: string }[]> {
  await requireStudy(db, scope);
  const rows = await db
    .selectFrom("membership")
    .innerJoin("app_user", "app_user.id", "membership.user_id")
    .select(["app_user.id", "app_user.display_name", "app_user.email"])
    .where("membership.organisation_id", "=", scope.organisationId)
    .where("app_user.disabled_at", "is", null)
    .execute();
  return rows.map((r) => ({ userId: r.id, name: personName(r) })).sort((a, b) => a.name.localeCompare(b.name));
}

export async function createGathering(db: DB, scope: StudyScope, actorUserId: string | null, input: GatheringInput): Promise<string> {
  await requireStudy(db, scope);
  const s = gatheringInputSchema.parse(input);
  if (s.facilitatorUserId) {
    const member = await db
      .selectFrom("membership")
      .select("user_id")
      .where("organisation_id", "=", scope.organisationId)
      .where("user_id", "=", s.facilitatorUserId)
      .executeTakeFirst();
    if (!member) throw new GatheringError("facilitator_not_member", "The facilitator is not a member of this organisation");
  }
  const row = await db
    .insertInto("study_session")
    .values({
      study_id: scope.studyId,
      kind: s.kind,
      label: s.label,
      held_on: s.heldOn,
      languages: s.languages,
      facilitator_user_id: s.facilitatorUserId,
      interpreter: s.interpreter,
      notes: s.notes,
      created_by: actorUserId,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

async function requireSession(db: DB, scope: StudyScope, sessionId: string) {
  await requireStudy(db, scope);
  const session = await db
    .selectFrom("study_session")
    .selectAll()
    .where("id", "=", sessionId)
    .where("study_id", "=", scope.studyId)
    .executeTakeFirst();
  if (!session) throw new GatheringError("not_found", "No such session in this study");
  return session;
}

/**
 * The study's sessions. `visibleTo`: only those this person created or facilitates — what a
 * facilitator (fieldwork without data:read) sees, since they see only what they entered (issue 4).
 */
export async function listGatherings(db: DB, scope: StudyScope, options: { visibleTo?: string } = {}): Promise<GatheringSummary[]> {
  await requireStudy(db, scope);
  let query = db
    .selectFrom("study_session as s")
    .select((eb) => [
      "s.id",
      "s.kind",
      "s.label",
      "s.held_on",
      "s.languages",
      "s.facilitator_user_id",
      "s.interpreter",
      "s.recorded",
      eb.selectFrom("session_attendee").select(eb.fn.countAll<number>().as("n")).whereRef("session_id", "=", "s.id").as("attendees"),
    ])
    .where("s.study_id", "=", scope.studyId);
  const visibleTo = options.visibleTo;
  if (visibleTo) query = query.where((eb) => eb.or([eb("s.created_by", "=", visibleTo), eb("s.facilitator_user_id", "=", visibleTo)]));
  const rows = await query.orderBy("s.held_on").orderBy("s.label").execute();
  const segments = await segmentCounts(
    db,
    scope,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    label: r.label,
    heldOn: r.held_on,
    languages: r.languages,
    facilitatorUserId: r.facilitator_user_id,
    interpreter: r.interpreter,
    recorded: r.recorded,
    attendees: Number(r.attendees ?? 0),
    segments: segments.get(r.id) ?? 0,
  }));
}

/** A facilitator's own session: one they created or facilitate. */
export function isOwnGathering(session: { created_by: string | null; facilitator_user_id: string | null }, userId: string): boolean {
  return session.created_by === userId || session.facilitator_user_id === userId;
}

export async function getGathering(db: DB, scope: StudyScope, sessionId: string) {
  const session = await requireSession(db, scope, sessionId);
  const attendees = await listAttendees(db, scope, sessionId);
  return { ...session, attendees };
}

/** Attendees in order of joining; `label` is "Participant N", the only name the workspace shows. */
export async function listAttendees(db: DB, scope: StudyScope, sessionId: string) {
  await requireSession(db, scope, sessionId);
  const rows = await db
    .selectFrom("session_attendee")
    .select(["participant_id", "position"])
    .where("session_id", "=", sessionId)
    .orderBy("position")
    .execute();
  return rows.map((r) => ({ participantId: r.participant_id, position: r.position }));
}

export async function addAttendee(db: DB, scope: StudyScope, sessionId: string, participantId: string): Promise<number> {
  return (await placeAttendee(db, scope, sessionId, participantId)).position;
}

/** Where a participant sits among a session's attendees, and whether they were already there. */
export interface AttendeePlace {
  position: number;
  alreadyAttending: boolean;
}

async function placeAttendee(db: DB, scope: StudyScope, sessionId: string, participantId: string): Promise<AttendeePlace> {
  await requireSession(db, scope, sessionId);
  const participant = await db
    .selectFrom("participant")
    .select("id")
    .where("id", "=", participantId)
    .where("study_id", "=", scope.studyId)
    .executeTakeFirst();
  if (!participant) throw new GatheringError("participant_not_in_study", "That participant is not in this study");
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom("session_attendee")
      .select("position")
      .where("session_id", "=", sessionId)
      .where("participant_id", "=", participantId)
      .executeTakeFirst();
    if (existing) return { position: existing.position, alreadyAttending: true };
    const last = await trx
      .selectFrom("session_attendee")
      .select((eb) => eb.fn.max<number>("position").as("max"))
      .where("session_id", "=", sessionId)
      .executeTakeFirst();
    const position = Number(last?.max ?? 0) + 1;
    await trx.insertInto("session_attendee").values({ session_id: sessionId, participant_id: participantId, position }).execute();
    // Adding someone who did not agree to recording un-marks a recorded session.
    const missing = await participantsWithoutAudioConsent(trx, scope, [participantId]);
    if (missing.length > 0) await trx.updateTable("study_session").set({ recorded: false }).where("id", "=", sessionId).execute();
    return { position, alreadyAttending: false };
  });
}

/**
 * Adds the participant whose code was typed. Typing a code twice (a second sheet, a second look at the
 * register) must not read as a new attendee, so the caller learns whether they were already there.
 */
export async function addAttendeeByCode(
  db: DB,
  scope: StudyScope,
  sessionId: string,
  code: string,
  codeKey: Buffer | string,
): Promise<AttendeePlace> {
  const normalised = normaliseParticipantCode(code);
  if (!normalised.ok) throw new GatheringError("code_invalid", "That code is not a valid participant code", { reason: normalised.reason });
  const participant = await findParticipantByCode(db, { studyId: scope.studyId, code: normalised.code, codeHashKey: codeKey });
  if (!participant) throw new GatheringError("participant_not_in_study", "No participant with that code in this study");
  return placeAttendee(db, scope, sessionId, participant.id);
}

export async function removeAttendee(db: DB, scope: StudyScope, sessionId: string, participantId: string) {
  await requireSession(db, scope, sessionId);
  await db.deleteFrom("session_attendee").where("session_id", "=", sessionId).where("participant_id", "=", participantId).execute();
}

/**
 * Marks a session as audio-recorded (or not). Refused while any attendee has not agreed to audio
 * recording in their current consent record: the consent form makes recording optional.
 */
export async function setRecorded(db: DB, scope: StudyScope, sessionId: string, recorded: boolean): Promise<void> {
  await requireSession(db, scope, sessionId);
  if (recorded) {
    const attendees = await listAttendees(db, scope, sessionId);
    const missing = await participantsWithoutAudioConsent(
      db,
      scope,
      attendees.map((a) => a.participantId),
    );
    if (missing.length > 0) {
      const positions = attendees.filter((a) => missing.includes(a.participantId)).map((a) => a.position);
      throw new GatheringError("audio_consent_missing", "An attendee did not agree to audio recording", { positions });
    }
  }
  await db.updateTable("study_session").set({ recorded }).where("id", "=", sessionId).execute();
}

export type SpeakerMapping = { role: "facilitator" } | { role: "interpreter" } | { role: "participant"; participantId: string };

export interface TranscriptImport {
  source: string;
  format?: TranscriptFormat;
  /** The language the transcript is written in. */
  language: string;
  /** Every speaker label in the file, mapped. */
  mapping: Record<string, SpeakerMapping>;
  /** A label for turns that have none at the start of the file (before any labelled turn). */
  unlabelled?: SpeakerMapping;
}

/** The labels a transcript uses, to ask the researcher to map them before importing. */
export function previewTranscript(source: string, format?: TranscriptFormat) {
  const turns = parseTranscript(source, format);
  return {
    turns: turns.length,
    labels: speakerLabels(turns),
    unlabelled: turns.some((t) => t.label === null),
    renderings: turns.filter((t) => t.rendering !== undefined).length,
  };
}

/** Appends a transcript's turns to the session as ordered segments. Returns how many were added. */
export async function importTranscript(db: DB, scope: StudyScope, sessionId: string, input: TranscriptImport): Promise<number> {
  const session = await requireSession(db, scope, sessionId);
  const study = await requireStudy(db, scope);
  const parsedLanguage = LANGUAGE.safeParse(input.language);
  if (!parsedLanguage.success) throw new GatheringError("language_invalid", "The transcript's language is not a language code");
  const language = parsedLanguage.data;
  const studyLanguages = [...new Set([...session.languages, ...study.languages])];
  const turns = parseTranscript(input.source, input.format);
  if (turns.length === 0) throw new GatheringError("empty_transcript", "The transcript has no text");
  const unmapped = speakerLabels(turns).filter((l) => !Object.prototype.hasOwnProperty.call(input.mapping, l));
  if (unmapped.length > 0 || (turns.some((t) => t.label === null) && !input.unlabelled)) {
    throw new GatheringError("label_unmapped", "Every speaker needs mapping", { labels: unmapped });
  }
  const attendees = new Set((await listAttendees(db, scope, sessionId)).map((a) => a.participantId));
  for (const m of [...Object.values(input.mapping), ...(input.unlabelled ? [input.unlabelled] : [])]) {
    if (m.role === "participant" && !attendees.has(m.participantId)) {
      throw new GatheringError("speaker_not_attendee", "A speaker is mapped to someone who is not an attendee");
    }
  }
  const speakers = turns.map((t) => (t.label === null ? input.unlabelled! : input.mapping[t.label]!));
  // Ids made here so that a rendering can name its original in the same insert.
  const ids = turns.map(() => randomUUID());
  const renders = turns.map((t, i) => {
    if (t.rendering === undefined || speakers[i]!.role !== "interpreter") return null;
    for (let j = i - 1; j >= 0; j--) if (speakers[j]!.role !== "interpreter") return ids[j]!;
    throw new GatheringError("rendering_without_original", "A turn marked with '=' has no earlier turn to render", { turn: i + 1 });
  });
  return db.transaction().execute(async (trx) => {
    let position = await lastSegmentPosition(trx, sessionId);
    const rows = turns.map((t, i) => {
      const m = speakers[i]!;
      const text = (renders[i] ? t.rendering! : t.text).normalize("NFC");
      return {
        id: ids[i]!,
        session_id: sessionId,
        position: ++position,
        speaker_role: m.role as SpeakerRole,
        participant_id: m.role === "participant" ? m.participantId : null,
        language: suggestTurnLanguage(text, { transcriptLanguage: language, studyLanguages }),
        text,
        starts_ms: t.startsMs ?? null,
        ends_ms: t.endsMs ?? null,
        renders_segment_id: renders[i],
      };
    });
    // Batches keep each statement's parameter count well under PostgreSQL's 65,535.
    for (let i = 0; i < rows.length; i += 1000)
      await trx
        .insertInto("transcript_segment")
        .values(rows.slice(i, i + 1000))
        .execute();
    return rows.length;
  });
}

/** One turn as the session page lists it: read through the consent gate (analysis). */
export interface GatheringTurn {
  id: string;
  position: number;
  speakerRole: SpeakerRole;
  /** "Participant N" number for participants' turns; for renderings, the rendered speaker's. */
  attendee: number | null;
  language: string;
  text: string;
  rendersId: string | null;
}

/** The session's turns the consent gate lets analysis see, in order, for checking languages and links. */
export async function listTurns(db: DB, scope: StudyScope, sessionId: string): Promise<GatheringTurn[]> {
  await requireSession(db, scope, sessionId);
  const positions = new Map((await listAttendees(db, scope, sessionId)).map((a) => [a.participantId, a.position]));
  const units = await readSegments(db, scope, "analysis", { sessionId });
  return units.map((u) => ({
    id: u.key.slice(2),
    position: u.position ?? 0,
    speakerRole: u.speakerRole,
    attendee: u.ownerId ? (positions.get(u.ownerId) ?? null) : null,
    language: u.language,
    text: u.text,
    rendersId: u.renders ? u.renders.key.slice(2) : null,
  }));
}

export interface TurnChange {
  segmentId: string;
  language?: string;
  /** The turn this (interpreter) turn renders; null unlinks it. Absent: unchanged. */
  rendersSegmentId?: string | null;
}

/**
 * Corrects turns' languages and links, all or nothing. A link joins an interpreter's turn to a
 * participant's or the facilitator's turn of the same session; the database holds the same rules.
 */
export async function updateTurns(db: DB, scope: StudyScope, sessionId: string, changes: readonly TurnChange[]): Promise<number> {
  await requireSession(db, scope, sessionId);
  if (changes.length === 0) return 0;
  for (const c of changes) {
    if (c.language !== undefined && !LANGUAGE.safeParse(c.language).success) {
      throw new GatheringError("language_invalid", "Not a language code", { segmentId: c.segmentId });
    }
  }
  return db.transaction().execute(async (trx) => {
    const turns = await turnRoles(trx, sessionId);
    const uuid = z.string().uuid();
    let changed = 0;
    for (const c of changes) {
      const turn = uuid.safeParse(c.segmentId).success ? turns.get(c.segmentId) : undefined;
      if (!turn) throw new GatheringError("turn_not_found", "No such turn in this session");
      const set: { language?: string; renders_segment_id?: string | null } = {};
      if (c.language !== undefined) set.language = c.language;
      if (c.rendersSegmentId !== undefined && c.rendersSegmentId !== turn.renders_segment_id) {
        if (c.rendersSegmentId !== null) {
          const original = uuid.safeParse(c.rendersSegmentId).success ? turns.get(c.rendersSegmentId) : undefined;
          if (turn.speaker_role !== "interpreter" || !original || original.speaker_role === "interpreter") {
            throw new GatheringError(
              "rendering_invalid",
              "Only an interpreter's turn can render a participant's or the facilitator's turn of the same session",
              { segmentId: c.segmentId },
            );
          }
        }
        set.renders_segment_id = c.rendersSegmentId;
      }
      if (Object.keys(set).length === 0) continue;
      await trx.updateTable("transcript_segment").set(set).where("id", "=", turn.id).where("session_id", "=", sessionId).execute();
      changed++;
    }
    return changed;
  });
}

/** A researcher's translation of a segment or a free-text answer, in its own language (upsert). */
export async function setTranslation(
  db: DB,
  scope: StudyScope,
  actorUserId: string | null,
  unit: { segmentId: string } | { responseId: string; itemId: string },
  language: string,
  text: string,
): Promise<void> {
  await requireStudy(db, scope);
  const lang = LANGUAGE.parse(language);
  const clean = text.normalize("NFC").trim();
  if ("segmentId" in unit) {
    if (!(await unitOfStudy(db, scope, unit))) throw new GatheringError("not_found", "No such segment in this study");
    await db.deleteFrom("translation").where("segment_id", "=", unit.segmentId).where("language", "=", lang).execute();
    if (clean) {
      await db
        .insertInto("translation")
        .values({ segment_id: unit.segmentId, response_id: null, item_id: null, language: lang, text: clean, translated_by: actorUserId })
        .execute();
    }
  } else {
    if (!(await unitOfStudy(db, scope, unit))) throw new GatheringError("not_found", "No such answer in this study");
    await db
      .deleteFrom("translation")
      .where("response_id", "=", unit.responseId)
      .where("item_id", "=", unit.itemId)
      .where("language", "=", lang)
      .execute();
    if (clean) {
      await db
        .insertInto("translation")
        .values({
          segment_id: null,
          response_id: unit.responseId,
          item_id: unit.itemId,
          language: lang,
          text: clean,
          translated_by: actorUserId,
        })
        .execute();
    }
  }
}
