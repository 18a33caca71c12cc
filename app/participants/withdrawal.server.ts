/**
 * Withdrawal and changes to optional consent choices: one domain function each, used by the
 * participant's own pages, by researchers when a withdrawal arrives by phone or in person, and by
 * the CLI. "At any time, without needing to provide a reason": no reason is asked or stored.
 */
import { sql } from "kysely";
import type { DB } from "../../db/index";
import { erasureCommitted, erasureStarting } from "../../db/embedded-storage";
import { recordAudit } from "../audit/log.server";
import { ParticipantError } from "./errors";
import { requireParticipantByCode } from "./enrolment.server";
import { findParticipantStudy, today, type ParticipantStudy } from "./study.server";
import type { WithdrawalMode } from "../../db/tables/participants";

export interface WithdrawalResult {
  mode: WithdrawalMode;
  /** True when the person had already withdrawn (with "keep"); nothing more was changed unless erasing. */
  alreadyWithdrawn: boolean;
  /** What was removed (erase) or kept (keep). */
  responses: number;
  answers: number;
}

/** The modes this study offers today: erasure is no longer possible after the study's deadline. */
export function withdrawalModesOffered(study: Pick<ParticipantStudy, "settings">, on = today()): WithdrawalMode[] {
  const { modes, deadline } = study.settings.withdrawal;
  if (deadline && on > deadline) return modes.includes("keep") ? ["keep"] : [];
  return modes;
}

/**
 * Withdraws a participant, in one transaction.
 * - erase: the participant row is deleted, and with it (ON DELETE CASCADE) every response, answer,
 *   consent record, session, transcript segment and coding of theirs. Their code stops working.
 * - keep: they are marked withdrawn (date only); nothing more is recorded for them; what they gave
 *   stays for analysis (the consent gate excludes it from quotes).
 * Someone who withdrew with "keep" may later ask for erasure; the reverse is impossible.
 */
export async function withdrawParticipant(
  db: DB,
  input: { studyId: string; participantId: string; mode: WithdrawalMode; actorUserId?: string | null },
): Promise<WithdrawalResult> {
  const study = await findParticipantStudy(db, { id: input.studyId });
  if (!study) throw new ParticipantError("unknown_code", "no such study");
  if (!withdrawalModesOffered(study).includes(input.mode)) {
    throw new ParticipantError(study.settings.withdrawal.modes.includes(input.mode) ? "deadline_passed" : "mode_not_offered");
  }
  // On the embedded database the erased words must also leave the files on disk (ADR 060).
  if (input.mode === "erase") erasureStarting(db);
  const outcome = await db.transaction().execute(async (trx) => {
    const participant = await trx
      .selectFrom("participant")
      .select(["id", "withdrawn_on", "withdrawal_mode"])
      .where("id", "=", input.participantId)
      .where("study_id", "=", study.id)
      .forUpdate()
      .executeTakeFirst();
    if (!participant) throw new ParticipantError("unknown_code");
    const counts = await trx
      .selectFrom("response")
      .leftJoin("answer", "answer.response_id", "response.id")
      .select([sql<number>`count(answer.item_id)`.as("answers"), sql<number>`count(distinct response.id)`.as("responses")])
      .where("response.participant_id", "=", participant.id)
      .executeTakeFirstOrThrow();
    const result = {
      mode: input.mode,
      alreadyWithdrawn: participant.withdrawn_on !== null,
      responses: Number(counts.responses),
      answers: Number(counts.answers),
    };
    if (input.mode === "erase") {
      await trx.deleteFrom("participant").where("id", "=", participant.id).execute();
    } else if (!participant.withdrawn_on) {
      await trx
        .updateTable("participant")
        .set({ withdrawn_on: today(), withdrawal_mode: "keep" })
        .where("id", "=", participant.id)
        .execute();
      await trx.deleteFrom("participant_session").where("participant_id", "=", participant.id).execute();
    }
    await recordAudit(trx, {
      actorUserId: input.actorUserId ?? null,
      organisationId: study.organisationId,
      action: "withdrawal_recorded",
      subject: study.slug,
      detail: { mode: input.mode, by: input.actorUserId ? "staff" : "participant", studyId: study.id },
    });
    return result;
  });
  if (input.mode === "erase") await erasureCommitted(db);
  return outcome;
}

/** withdrawParticipant for a code given by phone, in person or on the command line. */
export async function withdrawByCode(
  db: DB,
  input: { studyId: string; code: string; codeHashKey: Buffer | string; mode: WithdrawalMode; actorUserId?: string | null },
): Promise<WithdrawalResult> {
  const participant = await requireParticipantByCode(db, input);
  return withdrawParticipant(db, {
    studyId: input.studyId,
    participantId: participant.id,
    mode: input.mode,
    actorUserId: input.actorUserId,
  });
}

export interface ConsentChoices {
  audio_recording: boolean;
  quotes: boolean;
}

/** The participant's optional choices as their most recent consent record says. */
export async function currentConsentChoices(db: DB, participantId: string): Promise<ConsentChoices | undefined> {
  const row = await db
    .selectFrom("consent_record")
    .select(["audio_recording", "quotes"])
    .where("participant_id", "=", participantId)
    .orderBy("updated_on", "desc")
    .orderBy("recorded_on", "desc")
    .executeTakeFirst();
  return row ? { audio_recording: row.audio_recording, quotes: row.quotes } : undefined;
}

/**
 * Changes optional consent choices (audio recording, quotes) on every consent record of the
 * participant, keeping each change in consent_change. Quote consent is read at the time of every
 * export (the consent gate), so a "no" takes effect at the next one.
 */
export async function changeConsentChoices(
  db: DB,
  input: {
    studyId: string;
    participantId: string;
    choices: Partial<ConsentChoices>;
    changedBy?: string | null;
    via?: "participant" | "workspace" | "cli";
  },
): Promise<{ changed: (keyof ConsentChoices)[]; choices: ConsentChoices }> {
  const study = await findParticipantStudy(db, { id: input.studyId });
  if (!study) throw new ParticipantError("unknown_code", "no such study");
  return db.transaction().execute(async (trx) => {
    const participant = await trx
      .selectFrom("participant")
      .select(["id", "withdrawn_on"])
      .where("id", "=", input.participantId)
      .where("study_id", "=", study.id)
      .forUpdate()
      .executeTakeFirst();
    if (!participant) throw new ParticipantError("unknown_code");
    const records = await trx
      .selectFrom("consent_record")
      .select(["id", "audio_recording", "quotes", "updated_on"])
      .where("participant_id", "=", participant.id)
      .orderBy("updated_on", "desc")
      .execute();
    if (records.length === 0) throw new ParticipantError("no_consent");
    const current: ConsentChoices = { audio_recording: records[0]!.audio_recording, quotes: records[0]!.quotes };
    // A withdrawn person may still say no (never yes): "no" only narrows what is used.
    const wanted: ConsentChoices = { ...current, ...input.choices };
    if (participant.withdrawn_on && ((wanted.quotes && !current.quotes) || (wanted.audio_recording && !current.audio_recording))) {
      throw new ParticipantError("withdrawn");
    }
    const changed = (["audio_recording", "quotes"] as const).filter((flag) => wanted[flag] !== current[flag]);
    for (const record of records) {
      await trx
        .updateTable("consent_record")
        .set({ audio_recording: wanted.audio_recording, quotes: wanted.quotes, updated_on: today() })
        .where("id", "=", record.id)
        .execute();
      for (const flag of ["audio_recording", "quotes"] as const) {
        if (record[flag] !== wanted[flag]) {
          await trx
            .insertInto("consent_change")
            .values({ consent_record_id: record.id, flag, value: wanted[flag], changed_on: today(), changed_by: input.changedBy ?? null })
            .execute();
        }
      }
    }
    // Staff and the command line act for someone else: that is audited (what changed, never the code).
    const via = input.via ?? (input.changedBy ? "workspace" : "participant");
    if (via !== "participant" && changed.length > 0) {
      await recordAudit(trx, {
        actorUserId: input.changedBy ?? null,
        organisationId: study.organisationId,
        action: "consent_changed_by_staff",
        subject: study.slug,
        detail: { changed, via },
      });
    }
    return { changed, choices: wanted };
  });
}

/** changeConsentChoices for a code given by phone, in person or on the command line. */
export async function changeConsentChoicesByCode(
  db: DB,
  input: {
    studyId: string;
    code: string;
    codeHashKey: Buffer | string;
    choices: Partial<ConsentChoices>;
    changedBy?: string | null;
    via?: "workspace" | "cli";
  },
) {
  const participant = await requireParticipantByCode(db, input);
  return changeConsentChoices(db, {
    studyId: input.studyId,
    participantId: participant.id,
    choices: input.choices,
    changedBy: input.changedBy,
    via: input.via,
  });
}

/**
 * What erasing a whole study's participant data removes (retention, app/studies/retention.server.ts):
 * counted here, with the other erasure reads, and kept as the record of the erasure.
 */
export async function studyErasureCounts(db: DB, studyId: string) {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom("participant")
        .select(sql<number>`count(*)`.as("n"))
        .where("study_id", "=", studyId)
        .as("participants"),
      eb
        .selectFrom("response")
        .select(sql<number>`count(*)`.as("n"))
        .where("study_id", "=", studyId)
        .as("responses"),
      eb
        .selectFrom("answer")
        .innerJoin("response", "response.id", "answer.response_id")
        .select(sql<number>`count(*)`.as("n"))
        .where("response.study_id", "=", studyId)
        .as("answers"),
      eb
        .selectFrom("transcript_segment")
        .innerJoin("study_session", "study_session.id", "transcript_segment.session_id")
        .select(sql<number>`count(*)`.as("n"))
        .where("study_session.study_id", "=", studyId)
        .as("segments"),
    ])
    .executeTakeFirstOrThrow();
  return {
    participants: Number(row.participants),
    responses: Number(row.responses),
    answers: Number(row.answers),
    segments: Number(row.segments),
  };
}
