/**
 * Retention that happens by itself (issue 17 part 4, docs/decisions/079-retention.md).
 *
 * A study keeps its participants' data until a date (settings.retention_until) or for some months
 * after it closes (settings.retention_months_after_close). On the day after, every participant's
 * answers, transcripts and codings are erased as one person's erasure erases them, and the study keeps
 * only counts (retention_erasure) and the audit log. An admin may record a reason to keep the data
 * longer (GDPR Art. 17(3)(d)); that is a new date, audited, and the newest decision holds.
 *
 * "Keep until" is inclusive everywhere: data kept until 31 March are erased on 1 April.
 */
import { sql } from "kysely";
import type { DB } from "../../db/index";
import { erasureCommitted, erasureStarting } from "../../db/embedded-storage";
import { recordAudit } from "../audit/log.server";
import { parseStudySettings, type StudySettings } from "./settings";
import { studyErasureCounts } from "../participants/withdrawal.server";

export const WARNING_DAYS = [30, 7] as const;

export interface RetentionHold {
  keepUntil: string;
  reason: string;
  recordedBy: string | null;
  recordedAt: Date;
}

export interface RetentionStatus {
  /** The last day the schedule keeps the data (null: no schedule set, or a period and the study is not closed). */
  scheduledUntil: string | null;
  /** The newest admin decision, when it keeps the data past the schedule. */
  hold: RetentionHold | null;
  /** The day the data are erased: the day after scheduledUntil, or after the hold. */
  erasesOn: string | null;
  /** Days from today to erasesOn (0 = today; negative = overdue, waiting for the next run). */
  daysLeft: number | null;
  /** The nearest warning threshold reached (30, 7), or "due" on and after the day. */
  warning: 30 | 7 | "due" | null;
  erased: { erasedAt: Date; dueOn: string; participants: number; responses: number; answers: number; segments: number } | null;
  holds: RetentionHold[];
}

export function todayIso(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export function addMonths(day: string, months: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  const dayOfMonth = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + months);
  // 31 January + 1 month is the last day of February, not 3 March.
  const last = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(dayOfMonth, last));
  return date.toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The last day the study's own schedule keeps its data. */
export function scheduledUntil(settings: StudySettings, closedOn: string | null): string | null {
  if (settings.retention_until) return settings.retention_until;
  if (settings.retention_months_after_close && closedOn) return addMonths(closedOn, settings.retention_months_after_close);
  return null;
}

/** Pure: what the schedule, the holds and the erasure record say on a given day. */
export function retentionStatusOn(
  input: { settings: StudySettings; closedOn: string | null; holds: RetentionHold[]; erased: RetentionStatus["erased"] },
  today: string,
): RetentionStatus {
  const scheduled = scheduledUntil(input.settings, input.closedOn);
  const newest = input.holds[0] ?? null;
  const hold = newest && scheduled && newest.keepUntil > scheduled ? newest : null;
  const keepUntil = hold ? hold.keepUntil : scheduled;
  const erasesOn = keepUntil ? addDays(keepUntil, 1) : null;
  const daysLeft = erasesOn && !input.erased ? daysBetween(today, erasesOn) : null;
  const warning = daysLeft === null ? null : daysLeft <= 0 ? "due" : daysLeft <= 7 ? 7 : daysLeft <= 30 ? 30 : null;
  return { scheduledUntil: scheduled, hold, erasesOn, daysLeft, warning, erased: input.erased, holds: input.holds };
}

export async function retentionStatus(db: DB, studyId: string, today = todayIso()): Promise<RetentionStatus | undefined> {
  const study = await db.selectFrom("study").select(["settings", "closed_on"]).where("id", "=", studyId).executeTakeFirst();
  if (!study) return undefined;
  const [holds, erased] = await Promise.all([
    db
      .selectFrom("retention_hold")
      .select(["keep_until", "reason", "recorded_by", "recorded_at"])
      .where("study_id", "=", studyId)
      .orderBy("recorded_at", "desc")
      .orderBy("id", "desc")
      .execute(),
    db.selectFrom("retention_erasure").selectAll().where("study_id", "=", studyId).executeTakeFirst(),
  ]);
  return retentionStatusOn(
    {
      settings: parseStudySettings(study.settings),
      closedOn: study.closed_on,
      holds: holds.map((h) => ({ keepUntil: h.keep_until, reason: h.reason, recordedBy: h.recorded_by, recordedAt: h.recorded_at })),
      erased: erased
        ? {
            erasedAt: erased.erased_at,
            dueOn: erased.due_on,
            participants: erased.participants,
            responses: erased.responses,
            answers: erased.answers,
            segments: erased.segments,
          }
        : null,
    },
    today,
  );
}

export type HoldError = "reason_missing" | "reason_too_long" | "date" | "not_later" | "no_schedule" | "erased" | "not_found";

/**
 * An admin keeps a study's data past its date, with a reason (research that erasure would seriously
 * impair). The new date must be later than what holds now; nothing is written when it is refused.
 */
export async function recordRetentionHold(
  db: DB,
  input: { organisationId: string; studyId: string; keepUntil: string; reason: string; actorUserId: string },
  today = todayIso(),
): Promise<{ ok: true } | { ok: false; error: HoldError }> {
  const reason = input.reason.trim();
  if (reason.length === 0) return { ok: false, error: "reason_missing" };
  if (reason.length > 2000) return { ok: false, error: "reason_too_long" };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.keepUntil) || Number.isNaN(Date.parse(`${input.keepUntil}T00:00:00Z`)))
    return { ok: false, error: "date" };
  return db.transaction().execute(async (trx) => {
    const study = await trx
      .selectFrom("study")
      .select(["id", "slug"])
      .where("id", "=", input.studyId)
      .where("organisation_id", "=", input.organisationId)
      .forUpdate()
      .executeTakeFirst();
    if (!study) return { ok: false as const, error: "not_found" as const };
    const status = (await retentionStatus(trx, study.id, today))!;
    if (status.erased) return { ok: false as const, error: "erased" as const };
    if (!status.scheduledUntil) return { ok: false as const, error: "no_schedule" as const };
    const current = status.hold?.keepUntil ?? status.scheduledUntil;
    if (input.keepUntil <= current || input.keepUntil < today) return { ok: false as const, error: "not_later" as const };
    await trx
      .insertInto("retention_hold")
      .values({ study_id: study.id, keep_until: input.keepUntil, reason, recorded_by: input.actorUserId })
      .execute();
    await recordAudit(trx, {
      actorUserId: input.actorUserId,
      organisationId: input.organisationId,
      action: "retention_hold_recorded",
      subject: study.slug,
      // The reason is the admin's own words about the research, never a participant's: it is kept with the decision.
      detail: { keepUntil: input.keepUntil, previously: current, reason },
    });
    return { ok: true as const };
  });
}

export interface RetentionRunResult {
  studyId: string;
  slug: string;
  organisationId: string;
  dueOn: string;
  participants: number;
  responses: number;
  answers: number;
  segments: number;
}

/** Studies whose data are due for erasure on `today` and not yet erased (optionally one study). */
export async function studiesDueForErasure(
  db: DB,
  input: { today?: string; studyId?: string; organisationId?: string } = {},
): Promise<{ id: string; slug: string; organisationId: string; erasesOn: string }[]> {
  const today = input.today ?? todayIso();
  let query = db
    .selectFrom("study")
    .leftJoin("retention_erasure", "retention_erasure.study_id", "study.id")
    .select(["study.id", "study.slug", "study.organisation_id"])
    .where("retention_erasure.study_id", "is", null);
  if (input.studyId) query = query.where("study.id", "=", input.studyId);
  if (input.organisationId) query = query.where("study.organisation_id", "=", input.organisationId);
  const due = [];
  for (const study of await query.execute()) {
    const status = await retentionStatus(db, study.id, today);
    if (status?.erasesOn && status.erasesOn <= today)
      due.push({ id: study.id, slug: study.slug, organisationId: study.organisation_id, erasesOn: status.erasesOn });
  }
  return due;
}

/**
 * Erases every participant's data of the studies due today, each study in its own transaction. Safe
 * to run at any time and as often as wanted (cron, the server's daily run, the command line): a study
 * already erased, held, or not yet due is left alone, and two runs at once erase a study once (the
 * study row is locked and the erasure record is its primary key).
 */
export async function runRetention(
  db: DB,
  input: { today?: string; studyId?: string; organisationId?: string; actorUserId?: string | null; dryRun?: boolean } = {},
): Promise<RetentionRunResult[]> {
  const today = input.today ?? todayIso();
  const due = await studiesDueForErasure(db, { today, studyId: input.studyId, organisationId: input.organisationId });
  const results: RetentionRunResult[] = [];
  for (const study of due) {
    if (input.dryRun) {
      results.push({
        studyId: study.id,
        slug: study.slug,
        organisationId: study.organisationId,
        dueOn: study.erasesOn,
        ...(await studyErasureCounts(db, study.id)),
      });
      continue;
    }
    // On the embedded database the erased words must also leave the files on disk (ADR 060).
    erasureStarting(db);
    const result = await db.transaction().execute(async (trx) => {
      await trx.selectFrom("study").select("id").where("id", "=", study.id).forUpdate().executeTakeFirstOrThrow();
      // Re-checked under the lock: a hold recorded or another run finished since the list was made wins.
      const status = await retentionStatus(trx, study.id, today);
      if (!status?.erasesOn || status.erasesOn > today || status.erased) return undefined;
      const counts = await studyErasureCounts(trx, study.id);
      // Deleting a participant removes (ON DELETE CASCADE) their consent records, responses, answers,
      // translations, turns, codings and sessions: exactly what one person's erasure removes.
      await trx.deleteFrom("participant").where("study_id", "=", study.id).execute();
      // What is left of the transcripts: facilitators' and interpreters' turns, which hold what was said too.
      await trx
        .deleteFrom("transcript_segment")
        .where("session_id", "in", trx.selectFrom("study_session").select("id").where("study_id", "=", study.id))
        .execute();
      // Nobody can take part in a study whose data have been erased.
      await trx
        .updateTable("study")
        .set({ status: "closed", closed_on: sql<string>`coalesce(closed_on, current_date)` })
        .where("id", "=", study.id)
        .where("status", "=", "open")
        .execute();
      await trx
        .insertInto("retention_erasure")
        .values({ study_id: study.id, due_on: status.erasesOn, run_by: input.actorUserId ?? null, ...counts })
        .execute();
      await recordAudit(trx, {
        actorUserId: input.actorUserId ?? null,
        organisationId: study.organisationId,
        action: "retention_erased",
        subject: study.slug,
        detail: { dueOn: status.erasesOn, heldUntil: status.hold?.keepUntil ?? null, ...counts },
      });
      return { studyId: study.id, slug: study.slug, organisationId: study.organisationId, dueOn: status.erasesOn, ...counts };
    });
    await erasureCommitted(db);
    if (result) results.push(result);
  }
  return results;
}

/** Studies of an organisation whose erasure is 30 days away or nearer, for the dashboard and CLI. */
export async function retentionWarnings(db: DB, organisationId: string, today = todayIso()) {
  const studies = await db.selectFrom("study").select(["id", "slug"]).where("organisation_id", "=", organisationId).execute();
  const warnings = [];
  for (const study of studies) {
    const status = await retentionStatus(db, study.id, today);
    if (status?.warning)
      warnings.push({ slug: study.slug, erasesOn: status.erasesOn!, daysLeft: status.daysLeft!, warning: status.warning });
  }
  return warnings;
}
