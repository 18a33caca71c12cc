/**
 * Group sessions of a cohort and who came, marked by a facilitator with each person's code.
 *
 * Attendance is a count of sessions, not participant content, so the summaries read it directly;
 * erasure removes a participant's attendance with them (ON DELETE CASCADE in 0006).
 */
import { sql } from "kysely";
import type { DB } from "../../db/index";
import type { StudyScope } from "../consent/scope.server";
import { participantByCode, requireCohort, type CodeLookup } from "./cohorts.server";

export interface GroupSession {
  id: string;
  number: number;
  heldOn: string;
  present: number;
}

/** Adds the next session of the cohort (numbered in order) held on the given date. */
export async function addGroupSession(
  db: DB,
  ref: StudyScope,
  input: { cohortId: string; heldOn: string; createdBy?: string | null },
): Promise<{ id: string; number: number }> {
  await requireCohort(db, ref, input.cohortId);
  return db.transaction().execute(async (trx) => {
    const last = await trx
      .selectFrom("group_session")
      .select(sql<number | null>`max(number)`.as("n"))
      .where("cohort_id", "=", input.cohortId)
      .executeTakeFirst();
    const number = Number(last?.n ?? 0) + 1;
    const row = await trx
      .insertInto("group_session")
      .values({ cohort_id: input.cohortId, number, held_on: input.heldOn, created_by: input.createdBy ?? null })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { id: row.id, number };
  });
}

export async function listGroupSessions(db: DB, ref: StudyScope, cohortId: string): Promise<GroupSession[]> {
  await requireCohort(db, ref, cohortId);
  const rows = await db
    .selectFrom("group_session as gs")
    .select([
      "gs.id",
      "gs.number",
      "gs.held_on",
      (eb) =>
        eb
          .selectFrom("group_attendance as ga")
          .select(sql<number>`count(*)::int`.as("n"))
          .whereRef("ga.group_session_id", "=", "gs.id")
          .as("present"),
    ])
    .where("gs.cohort_id", "=", cohortId)
    .orderBy("gs.number")
    .execute();
  return rows.map((r) => ({ id: r.id, number: r.number, heldOn: r.held_on, present: Number(r.present ?? 0) }));
}

export type AttendanceMark =
  { ok: true; alreadyMarked: boolean } | Extract<CodeLookup, { ok: false }> | { ok: false; reason: "other_cohort" };

/**
 * Marks the person with this code present at the session. They must be in the session's cohort:
 * a code from another group is almost always a typo, and counting it would inflate this group.
 */
export async function markAttendance(
  db: DB,
  ref: StudyScope,
  input: { groupSessionId: string; code: string; markedBy?: string | null },
  codeHashKey: Buffer | string,
): Promise<AttendanceMark> {
  const session = await db
    .selectFrom("group_session")
    .select(["id", "cohort_id"])
    .where("id", "=", input.groupSessionId)
    .executeTakeFirst();
  if (!session) return { ok: false, reason: "unknown" };
  await requireCohort(db, ref, session.cohort_id);
  const found = await participantByCode(db, ref, input.code, codeHashKey);
  if (!found.ok) return found;
  const member = await db
    .selectFrom("participant")
    .select("id")
    .where("id", "=", found.participantId)
    .where("cohort_id", "=", session.cohort_id)
    .executeTakeFirst();
  if (!member) return { ok: false, reason: "other_cohort" };
  const inserted = await db
    .insertInto("group_attendance")
    .values({ group_session_id: session.id, participant_id: found.participantId, marked_by: input.markedBy ?? null })
    .onConflict((oc) => oc.columns(["group_session_id", "participant_id"]).doNothing())
    .returning("participant_id")
    .executeTakeFirst();
  return { ok: true, alreadyMarked: inserted === undefined };
}

export interface AttendanceSummary {
  cohortId: string;
  sessions: number;
  members: number;
  /** Members who came to at least one session. */
  attendedAny: number;
  /** Mean sessions attended per member (null with no members or no sessions). */
  meanSessionsAttended: number | null;
  /** Present marks ÷ (members × sessions): the share of places filled. */
  attendanceRate: number | null;
}

/** Per cohort of the study: sessions held, members, and how many came how often. */
export async function attendanceSummaries(db: DB, ref: StudyScope): Promise<Map<string, AttendanceSummary>> {
  const cohorts = await db
    .selectFrom("cohort as c")
    .innerJoin("study as s", "s.id", "c.study_id")
    .select([
      "c.id",
      (eb) =>
        eb
          .selectFrom("group_session as gs")
          .select(sql<number>`count(*)::int`.as("n"))
          .whereRef("gs.cohort_id", "=", "c.id")
          .as("sessions"),
      (eb) =>
        eb
          .selectFrom("participant as p")
          .select(sql<number>`count(*)::int`.as("n"))
          .whereRef("p.cohort_id", "=", "c.id")
          .as("members"),
    ])
    .where("c.study_id", "=", ref.studyId)
    .where("s.organisation_id", "=", ref.organisationId)
    .execute();
  // Only marks of current members count: someone who moved group keeps their marks, but they are
  // the old group's history, not this group's attendance.
  const marks = await db
    .selectFrom("group_attendance as ga")
    .innerJoin("group_session as gs", "gs.id", "ga.group_session_id")
    .innerJoin("participant as p", (join) => join.onRef("p.id", "=", "ga.participant_id").onRef("p.cohort_id", "=", "gs.cohort_id"))
    .innerJoin("cohort as c", "c.id", "gs.cohort_id")
    .select(["gs.cohort_id", "ga.participant_id", sql<number>`count(*)::int`.as("n")])
    .where("c.study_id", "=", ref.studyId)
    .groupBy(["gs.cohort_id", "ga.participant_id"])
    .execute();
  const out = new Map<string, AttendanceSummary>();
  for (const c of cohorts) {
    const mine = marks.filter((m) => m.cohort_id === c.id);
    const sessions = Number(c.sessions ?? 0);
    const members = Number(c.members ?? 0);
    const present = mine.reduce((sum, m) => sum + Number(m.n), 0);
    out.set(c.id, {
      cohortId: c.id,
      sessions,
      members,
      attendedAny: mine.length,
      meanSessionsAttended: members > 0 && sessions > 0 ? present / members : null,
      attendanceRate: members > 0 && sessions > 0 ? present / (members * sessions) : null,
    });
  }
  return out;
}
