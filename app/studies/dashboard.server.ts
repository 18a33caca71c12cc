import { sql } from "kysely";
import type { DB } from "../../db/index";
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
      sql<number>`count(*) filter (where withdrawn_on is not null)::int`.as("withdrawn"),
      sql<number>`count(*) filter (where withdrawal_mode = 'erase')::int`.as("withdrawn_erase"),
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
  const responses = await responseProgress(db, studyId);
  const consentTotal = consents.reduce((sum, row) => sum + Number(row.n), 0);
  return {
    participants: Number(participants.total),
    consents: consentTotal,
    consentsByMethod: Object.fromEntries(consents.map((row) => [row.method, Number(row.n)])) as Record<string, number>,
    withdrawals: {
      total: Number(participants.withdrawn),
      erase: Number(participants.withdrawn_erase),
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
