import { sql } from "kysely";
import type { DB } from "../../db/index";
import { studyById } from "./lookup.server";
import { responseProgress } from "../consent/gate.server";

/**
 * Counts for a study's dashboard. Only counts: no answer, no code, no date finer than the study's own.
 * Read from the participant tables directly because nothing here is participant content; the
 * responses' counts come from app/consent, the only code that names the content tables.
 */
export async function studyDashboard(db: DB, studyId: string) {
  const participants = await db
    .selectFrom("participant")
    .select([
      sql<number>`count(*)::int`.as("total"),
      sql<number>`count(*) filter (where withdrawal_mode = 'keep')::int`.as("withdrawn_keep"),
    ])
    .where("study_id", "=", studyId)
    .executeTakeFirstOrThrow();
  const consents = await db
    .selectFrom("consent_record")
    .innerJoin("participant", "participant.id", "consent_record.participant_id")
    .select([sql<number>`count(distinct consent_record.participant_id)::int`.as("n"), "consent_record.method"])
    .where("participant.study_id", "=", studyId)
    .groupBy("consent_record.method")
    .execute();
  // Erasure deletes the person's rows, so erasures are counted from what survives it: the audit log's
  // withdrawal_recorded events (issue 14 item 9). Someone who first withdrew with "keep" and later
  // asked for erasure is counted once, as an erasure: their "keep" row is gone.
  const study = await studyById(db, studyId);
  const erasures = await db
    .selectFrom("audit_event")
    .select(sql<number>`count(*)::int`.as("n"))
    .where("organisation_id", "=", study.organisation_id)
    .where("action", "=", "withdrawal_recorded")
    .where(sql<string>`detail->>'mode'`, "=", "erase")
    // Events name the study by id; the earliest named it only by its slug, which a study can change.
    .where((eb) =>
      eb.or([
        eb(sql<string>`detail->>'studyId'`, "=", studyId),
        eb.and([eb(sql`detail->>'studyId'`, "is", null), eb("subject", "=", study.slug)]),
      ]),
    )
    .executeTakeFirstOrThrow();
  const responses = await responseProgress(db, studyId);
  const consentTotal = consents.reduce((sum, row) => sum + Number(row.n), 0);
  return {
    participants: Number(participants.total),
    consents: consentTotal,
    consentsByMethod: Object.fromEntries(consents.map((row) => [row.method, Number(row.n)])) as Record<string, number>,
    withdrawals: {
      total: Number(participants.withdrawn_keep) + Number(erasures.n),
      erase: Number(erasures.n),
      keep: Number(participants.withdrawn_keep),
    },
    responses: responses.map((row) => ({
      instrument: `${row.instrument_id} v${row.version}`,
      timepoint: row.timepoint,
      language: row.language,
      started: Number(row.started),
      completed: Number(row.completed),
    })),
  };
}
export type StudyDashboard = Awaited<ReturnType<typeof studyDashboard>>;
