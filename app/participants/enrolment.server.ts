/**
 * Enrolment and consent: online (the person on their own phone), on paper (codes issued for people
 * who signed a paper form) and recorded by a facilitator. Nothing here stores a name, an address or
 * anything about the device: a participant is a keyed hash of their code, a language and a date.
 */
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { DB } from "../../db/index";
import { recordAudit } from "../audit/log.server";
import type { ConsentStatement } from "../instruments/schema";
import { generateParticipantCode, hashParticipantCode, normaliseParticipantCode, sealCode } from "./code";
import { ParticipantError } from "./errors";
import { consentFormTokenHash, sessionExpiry, sessionIdHash, sweepExpired } from "./session.server";
import { currentConsentForm, findParticipantStudy, momentIfOptedIn, today, type ParticipantStudy } from "./study.server";
import type { WithdrawalMode } from "../../db/tables/participants";

export interface ParticipantRow {
  id: string;
  study_id: string;
  language: string;
  source: "online" | "paper" | "assisted";
  withdrawn_on: string | null;
  withdrawal_mode: WithdrawalMode | null;
}

/** The keyed hash a code is stored and found by; throws ParticipantError("invalid_code") for a typo. */
export function codeHash(rawCode: string, codeHashKey: Buffer | string): string {
  const normalised = normaliseParticipantCode(rawCode);
  if (!normalised.ok) throw new ParticipantError("invalid_code", `not a participant code (${normalised.reason})`);
  return hashParticipantCode(normalised.code, codeHashKey);
}

/**
 * The participant with this code in this study, or undefined (also for a malformed code): the one
 * participant-by-code look-up (a code is only ever hashed with the server key and compared). With
 * `organisationId`, also only when the study is that organisation's.
 */
export async function findParticipantByCode(
  db: DB,
  input: { studyId: string; organisationId?: string; code: string; codeHashKey: Buffer | string },
): Promise<ParticipantRow | undefined> {
  const normalised = normaliseParticipantCode(input.code);
  if (!normalised.ok) return undefined;
  let q = db
    .selectFrom("participant as p")
    .select(["p.id", "p.study_id", "p.language", "p.source", "p.withdrawn_on", "p.withdrawal_mode"])
    .where("p.study_id", "=", input.studyId)
    .where("p.code_hash", "=", hashParticipantCode(normalised.code, input.codeHashKey));
  const organisationId = input.organisationId;
  if (organisationId !== undefined) {
    q = q.where((eb) =>
      eb.exists(
        eb.selectFrom("study as s").select("s.id").whereRef("s.id", "=", "p.study_id").where("s.organisation_id", "=", organisationId),
      ),
    );
  }
  return q.executeTakeFirst();
}

/** Like findParticipantByCode, but throws ParticipantError (invalid_code | unknown_code). */
export async function requireParticipantByCode(db: DB, input: { studyId: string; code: string; codeHashKey: Buffer | string }) {
  const normalised = normaliseParticipantCode(input.code);
  if (!normalised.ok) throw new ParticipantError("invalid_code");
  const participant = await findParticipantByCode(db, input);
  if (!participant) throw new ParticipantError("unknown_code");
  return participant;
}

/**
 * What a set of agreed statement ids means for a consent form: the statements map, the optional
 * flags, and whether every required statement was agreed.
 */
export function consentFromAgreed(statements: readonly ConsentStatement[], agreed: Iterable<string>) {
  const agreedSet = new Set(agreed);
  for (const id of agreedSet) {
    if (!statements.some((s) => s.id === id)) throw new ParticipantError("unknown_statement", `unknown consent statement "${id}"`);
  }
  const map: Record<string, boolean> = {};
  for (const s of statements) map[s.id] = agreedSet.has(s.id);
  const flag = (f: "audio_recording" | "quotes") => statements.some((s) => s.flag === f && agreedSet.has(s.id));
  return {
    statements: map,
    audioRecording: flag("audio_recording"),
    quotes: flag("quotes"),
    allRequired: statements.filter((s) => s.required).every((s) => agreedSet.has(s.id)),
  };
}

function requireConsentForm(study: ParticipantStudy) {
  const form = currentConsentForm(study);
  if (!form) throw new ParticipantError("no_consent_form", "the study has no consent form");
  return form;
}

/** Whether the participant has consented to the study's current consent-form version. */
export async function hasCurrentConsent(db: DB, study: ParticipantStudy, participantId: string): Promise<boolean> {
  const form = currentConsentForm(study);
  if (!form) return true;
  const row = await db
    .selectFrom("consent_record")
    .select("id")
    .where("participant_id", "=", participantId)
    .where("instrument_version_id", "=", form.version.rowId)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * A new participant who consented online. Idempotent on `submissionToken`: the same token (a double
 * tap, a retry after a timeout) returns the participant the first submission made, and `created`
 * is false. Returns the code exactly once, when it is created; the caller seals it for the browser.
 * With `session`, the participant's browser session is opened with them (openParticipantSession's
 * row, the code sealed in it). Declining a required statement throws
 * ParticipantError("required_not_agreed") and stores nothing.
 *
 * One statement (ADR 073): claiming the form's token, the participant, their consent record and the
 * session are written together or not at all, and a second submission of the same form finds the
 * claim taken and writes nothing (it waits for the first to commit, on the claim's key).
 */
export async function enrolOnline(
  db: DB,
  input: {
    study: ParticipantStudy;
    language: string;
    agreed: Iterable<string>;
    codeHashKey: Buffer | string;
    submissionToken: string;
    session?: { token: string };
  },
): Promise<{ created: true; participantId: string; code: string } | { created: false; participantId: string | null }> {
  const form = requireConsentForm(input.study);
  const consent = consentFromAgreed(form.version.definition.statements ?? [], input.agreed);
  if (!consent.allRequired) throw new ParticipantError("required_not_agreed");
  // Only the token's hash is kept: the claim proves a retry is a retry, and nothing more.
  const tokenHash = consentFormTokenHash(input.submissionToken);
  const code = generateParticipantCode();
  const participantId = randomUUID();
  const day = today();
  const opening = input.session
    ? sql`, s as (
        insert into participant_session (id_hash, participant_id, sealed_code, expires_at)
        select ${sessionIdHash(input.session.token)}, p.id, ${sealCode(code, input.session.token, input.study.id)}, ${sessionExpiry()} from p
        on conflict (id_hash) do nothing)`
    : sql``;
  const result = await sql<{ created: boolean }>`
    with claim as (
      insert into form_submission (token_hash, participant_id) values (${tokenHash}, ${participantId})
      on conflict (token_hash) do nothing returning token_hash),
    p as (
      insert into participant (id, study_id, code_hash, language, source, enrolled_on, enrolled_at, cohort_id, withdrawn_on, withdrawal_mode)
      select ${participantId}::uuid, ${input.study.id}, ${codeHash(code, input.codeHashKey)}, ${input.language}, 'online', ${day}::date,
        ${momentIfOptedIn(input.study)}::timestamptz, null, null, null
      from claim returning id),
    c as (
      insert into consent_record (participant_id, instrument_version_id, statements, audio_recording, quotes, method, recorded_by, recorded_on, updated_on)
      select p.id, ${form.version.rowId}, ${JSON.stringify(consent.statements)}::jsonb, ${consent.audioRecording}, ${consent.quotes}, 'online', null, ${day}::date, ${day}::date
      from p)${opening}
    select exists (select 1 from p) as created`.execute(db);
  if (result.rows[0]?.created) {
    if (input.session) await sweepExpired(db);
    return { created: true as const, participantId, code };
  }
  const earlier = await db.selectFrom("form_submission").select("participant_id").where("token_hash", "=", tokenHash).executeTakeFirst();
  return { created: false as const, participantId: earlier?.participant_id ?? null };
}

async function insertParticipant(
  trx: DB,
  study: ParticipantStudy,
  input: { code: string; codeHashKey: Buffer | string; language: string; source: "online" | "paper" | "assisted" },
): Promise<string> {
  const row = await trx
    .insertInto("participant")
    .values({
      study_id: study.id,
      code_hash: codeHash(input.code, input.codeHashKey),
      language: input.language,
      source: input.source,
      enrolled_on: today(),
      enrolled_at: momentIfOptedIn(study),
      cohort_id: null,
      withdrawn_on: null,
      withdrawal_mode: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Consent to the study's current consent form by a participant who already has a code (a new
 * consent-form version asks again). Idempotent: agreeing again to the same version changes nothing.
 */
export async function recordRenewedConsent(
  db: DB,
  input: { study: ParticipantStudy; participantId: string; agreed: Iterable<string> },
): Promise<void> {
  const form = requireConsentForm(input.study);
  const consent = consentFromAgreed(form.version.definition.statements ?? [], input.agreed);
  if (!consent.allRequired) throw new ParticipantError("required_not_agreed");
  await db
    .insertInto("consent_record")
    .values({
      participant_id: input.participantId,
      instrument_version_id: form.version.rowId,
      statements: JSON.stringify(consent.statements),
      audio_recording: consent.audioRecording,
      quotes: consent.quotes,
      method: "online",
      recorded_by: null,
      recorded_on: today(),
      updated_on: today(),
    })
    .onConflict((oc) => oc.columns(["participant_id", "instrument_version_id"]).doNothing())
    .execute();
}

export interface IssuedCodes {
  /** Formatted codes (XXXX-XXXX-XXXX-XXXX), shown once: only their keyed hashes are stored. */
  codes: string[];
  consentVersion: { id: string; version: number };
}

/**
 * Codes for people who consented on paper in an in-person session: each gets a participant with a
 * paper consent record to the study's current consent-form version, the required statements agreed
 * and the optional choices not (recordPaperConsent records them per code afterwards). One transaction.
 */
export async function issuePaperCodes(
  db: DB,
  input: { studyId: string; count: number; codeHashKey: Buffer | string; issuedBy?: string | null; language?: string },
): Promise<IssuedCodes> {
  if (!Number.isInteger(input.count) || input.count < 1 || input.count > 1000)
    throw new RangeError("count must be a whole number from 1 to 1000");
  const study = await findParticipantStudy(db, { id: input.studyId });
  if (!study) throw new ParticipantError("unknown_code", "no such study");
  const form = requireConsentForm(study);
  const statements = form.version.definition.statements ?? [];
  const consent = consentFromAgreed(
    statements,
    statements.filter((s) => s.required).map((s) => s.id),
  );
  const codes: string[] = [];
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < input.count; i++) {
      const code = generateParticipantCode();
      const participantId = await insertParticipant(trx, study, {
        code,
        codeHashKey: input.codeHashKey,
        language: input.language ?? study.languages[0] ?? "en",
        source: "paper",
      });
      await trx
        .insertInto("consent_record")
        .values({
          participant_id: participantId,
          instrument_version_id: form.version.rowId,
          statements: JSON.stringify(consent.statements),
          audio_recording: false,
          quotes: false,
          method: "paper",
          recorded_by: input.issuedBy ?? null,
          recorded_on: today(),
          updated_on: today(),
        })
        .execute();
      codes.push(code);
    }
    await recordAudit(trx, {
      actorUserId: input.issuedBy ?? null,
      organisationId: study.organisationId,
      action: "codes_issued",
      subject: study.slug,
      detail: { count: input.count, consent_version: form.version.version },
    });
  });
  return { codes, consentVersion: { id: form.version.id, version: form.version.version } };
}

/**
 * A facilitator records the paper consent of the person holding `code`: which statements of the
 * study's current consent form they agreed to (statement ids). Every required statement must be
 * agreed; the optional ones set the audio-recording and quote choices. A code issued by
 * issuePaperCodes is updated; a well-formed code not yet known to the study (e.g. from a pre-printed
 * card) enrols a new paper participant. Changes to the optional choices are kept in consent_change.
 */
export async function recordPaperConsent(
  db: DB,
  input: {
    studyId: string;
    code: string;
    agreedStatementIds: string[];
    recordedBy: string | null;
    codeHashKey: Buffer | string;
    language?: string;
  },
): Promise<{ participantId: string; created: boolean; audioRecording: boolean; quotes: boolean }> {
  const study = await findParticipantStudy(db, { id: input.studyId });
  if (!study) throw new ParticipantError("unknown_code", "no such study");
  const form = requireConsentForm(study);
  const consent = consentFromAgreed(form.version.definition.statements ?? [], input.agreedStatementIds);
  if (!consent.allRequired) throw new ParticipantError("required_not_agreed");
  return db.transaction().execute(async (trx) => {
    let participant: { id: string; withdrawn_on: string | null } | undefined = await findParticipantByCode(trx, {
      studyId: study.id,
      code: input.code,
      codeHashKey: input.codeHashKey,
    });
    let created = false;
    if (participant?.withdrawn_on) throw new ParticipantError("withdrawn");
    if (!participant) {
      const id = await insertParticipant(trx, study, {
        code: input.code,
        codeHashKey: input.codeHashKey,
        language: input.language ?? study.languages[0] ?? "en",
        source: "paper",
      });
      participant = { id, withdrawn_on: null };
      created = true;
    }
    const existing = await trx
      .selectFrom("consent_record")
      .select(["id", "audio_recording", "quotes"])
      .where("participant_id", "=", participant.id)
      .where("instrument_version_id", "=", form.version.rowId)
      .executeTakeFirst();
    if (existing) {
      await trx
        .updateTable("consent_record")
        .set({
          statements: JSON.stringify(consent.statements),
          audio_recording: consent.audioRecording,
          quotes: consent.quotes,
          method: "paper",
          recorded_by: input.recordedBy,
          updated_on: today(),
        })
        .where("id", "=", existing.id)
        .execute();
      for (const [flag, before, after] of [
        ["audio_recording", existing.audio_recording, consent.audioRecording],
        ["quotes", existing.quotes, consent.quotes],
      ] as const) {
        if (before !== after)
          await trx
            .insertInto("consent_change")
            .values({ consent_record_id: existing.id, flag, value: after, changed_on: today(), changed_by: input.recordedBy })
            .execute();
      }
    } else {
      await trx
        .insertInto("consent_record")
        .values({
          participant_id: participant.id,
          instrument_version_id: form.version.rowId,
          statements: JSON.stringify(consent.statements),
          audio_recording: consent.audioRecording,
          quotes: consent.quotes,
          method: "paper",
          recorded_by: input.recordedBy,
          recorded_on: today(),
          updated_on: today(),
        })
        .execute();
    }
    await recordAudit(trx, {
      actorUserId: input.recordedBy,
      organisationId: study.organisationId,
      action: "paper_consent_recorded",
      subject: study.slug,
      detail: { consent_version: form.version.version, new_participant: created },
    });
    return { participantId: participant.id, created, audioRecording: consent.audioRecording, quotes: consent.quotes };
  });
}
