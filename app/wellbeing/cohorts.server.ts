/**
 * Peer-support cohorts: a group within a study with a name, dates and facilitators, which
 * participants join with their code, by themselves or through a facilitator
 * (docs/decisions/040-wellbeing-cohorts.md).
 *
 * A participant code is only ever read here to find the participant it belongs to: it is hashed
 * with the server key and compared, never stored, logged or returned.
 */
import { personName } from "../organisations/names.server";
import { sql } from "kysely";
import type { DB } from "../../db/index";
import { lookUpStudy, studyById } from "../studies/lookup.server";
import { recordAudit } from "../audit/log.server";
import type { StudyScope } from "../consent/scope.server";
import { normaliseParticipantCode } from "../participants/code";
import { findParticipantByCode } from "../participants/enrolment.server";

export interface Cohort {
  id: string;
  name: string;
  startsOn: string | null;
  endsOn: string | null;
  facilitators: { userId: string; displayName: string }[];
  members: number;
  sessions: number;
}

export type CohortError =
  | { kind: "study_not_found" }
  | { kind: "cohort_not_found" }
  | { kind: "name_taken" }
  | { kind: "dates_reversed" }
  | { kind: "not_a_member"; userIds: string[] };

export class CohortProblem extends Error {
  constructor(readonly problem: CohortError) {
    super(`cohort: ${problem.kind}`);
    this.name = "CohortProblem";
  }
}

async function requireStudy(db: DB, ref: StudyScope) {
  const study = await lookUpStudy(db, { organisationId: ref.organisationId, id: ref.studyId });
  if (!study) throw new CohortProblem({ kind: "study_not_found" });
  return study;
}

/** The cohort, only if it belongs to the study (which belongs to the organisation). */
export async function requireCohort(db: DB, ref: StudyScope, cohortId: string) {
  await requireStudy(db, ref);
  const cohort = await db
    .selectFrom("cohort")
    .select(["id", "name", "starts_on", "ends_on", "study_id"])
    .where("id", "=", cohortId)
    .where("study_id", "=", ref.studyId)
    .executeTakeFirst();
  if (!cohort) throw new CohortProblem({ kind: "cohort_not_found" });
  return cohort;
}

export async function findCohortByName(db: DB, ref: StudyScope, name: string) {
  await requireStudy(db, ref);
  return db
    .selectFrom("cohort")
    .select(["id", "name", "starts_on", "ends_on"])
    .where("study_id", "=", ref.studyId)
    .where("name", "=", name.trim())
    .executeTakeFirst();
}

export interface CohortInput {
  name: string;
  startsOn?: string | null;
  endsOn?: string | null;
  facilitatorIds?: readonly string[];
}

export async function createCohort(db: DB, ref: StudyScope, input: CohortInput): Promise<{ id: string }> {
  await requireStudy(db, ref);
  const name = input.name.trim();
  if (input.startsOn && input.endsOn && input.endsOn < input.startsOn) throw new CohortProblem({ kind: "dates_reversed" });
  if (await findCohortByName(db, ref, name)) throw new CohortProblem({ kind: "name_taken" });
  return db.transaction().execute(async (trx) => {
    const cohort = await trx
      .insertInto("cohort")
      .values({ study_id: ref.studyId, name, starts_on: input.startsOn ?? null, ends_on: input.endsOn ?? null })
      .returning("id")
      .executeTakeFirstOrThrow();
    await setFacilitatorsIn(trx, ref, cohort.id, input.facilitatorIds ?? []);
    return cohort;
  });
}

/**
 * Changes a cohort's name, dates and facilitators, and writes what changed (not the values: names
 * of groups can be telling) to the audit log as a change to the study, in the same transaction.
 */
export async function updateCohort(
  db: DB,
  ref: StudyScope,
  cohortId: string,
  input: Required<Pick<CohortInput, "name" | "startsOn" | "endsOn" | "facilitatorIds">>,
  actor: { userId: string },
): Promise<{ changed: string[] }> {
  const current = await requireCohort(db, ref, cohortId);
  const name = input.name.trim();
  if (input.startsOn && input.endsOn && input.endsOn < input.startsOn) throw new CohortProblem({ kind: "dates_reversed" });
  const sameName = await findCohortByName(db, ref, name);
  if (sameName && sameName.id !== cohortId) throw new CohortProblem({ kind: "name_taken" });
  const before = await db.selectFrom("cohort_facilitator").select("user_id").where("cohort_id", "=", cohortId).execute();
  const wanted = [...new Set(input.facilitatorIds)].sort();
  const changed: string[] = [];
  if (current.name !== name) changed.push("name");
  if ((current.starts_on ?? null) !== (input.startsOn ?? null)) changed.push("starts_on");
  if ((current.ends_on ?? null) !== (input.endsOn ?? null)) changed.push("ends_on");
  if (
    before
      .map((f) => f.user_id)
      .sort()
      .join() !== wanted.join()
  )
    changed.push("facilitators");
  if (changed.length === 0) return { changed };
  const study = await studyById(db, ref.studyId);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("cohort")
      .set({ name, starts_on: input.startsOn ?? null, ends_on: input.endsOn ?? null })
      .where("id", "=", cohortId)
      .execute();
    await setFacilitatorsIn(trx, ref, cohortId, wanted);
    await recordAudit(trx, {
      actorUserId: actor.userId,
      organisationId: ref.organisationId,
      action: "study_updated",
      subject: study.slug,
      detail: { cohort: cohortId, changed },
    });
  });
  return { changed };
}

/** Replaces the cohort's facilitators; each must be a member of the study's organisation. */
export async function setFacilitators(db: DB, ref: StudyScope, cohortId: string, userIds: readonly string[]) {
  await requireCohort(db, ref, cohortId);
  await db.transaction().execute((trx) => setFacilitatorsIn(trx, ref, cohortId, userIds));
}

async function setFacilitatorsIn(db: DB, ref: StudyScope, cohortId: string, userIds: readonly string[]) {
  const wanted = [...new Set(userIds)];
  if (wanted.length > 0) {
    const members = await db
      .selectFrom("membership")
      .select("user_id")
      .where("organisation_id", "=", ref.organisationId)
      .where("user_id", "in", wanted)
      .execute();
    const known = new Set(members.map((m) => m.user_id));
    const strangers = wanted.filter((id) => !known.has(id));
    if (strangers.length > 0) throw new CohortProblem({ kind: "not_a_member", userIds: strangers });
  }
  await db.deleteFrom("cohort_facilitator").where("cohort_id", "=", cohortId).execute();
  if (wanted.length > 0) {
    await db
      .insertInto("cohort_facilitator")
      .values(wanted.map((userId) => ({ cohort_id: cohortId, user_id: userId })))
      .execute();
  }
}

export async function listCohorts(db: DB, ref: StudyScope): Promise<Cohort[]> {
  await requireStudy(db, ref);
  const cohorts = await db
    .selectFrom("cohort as c")
    .select([
      "c.id",
      "c.name",
      "c.starts_on",
      "c.ends_on",
      (eb) =>
        eb
          .selectFrom("participant as p")
          .select(sql<number>`count(*)::int`.as("n"))
          .whereRef("p.cohort_id", "=", "c.id")
          .as("members"),
      (eb) =>
        eb
          .selectFrom("group_session as gs")
          .select(sql<number>`count(*)::int`.as("n"))
          .whereRef("gs.cohort_id", "=", "c.id")
          .as("sessions"),
    ])
    .where("c.study_id", "=", ref.studyId)
    .orderBy("c.starts_on")
    .orderBy("c.name")
    .execute();
  const facilitators = cohorts.length
    ? await db
        .selectFrom("cohort_facilitator as f")
        .innerJoin("app_user as u", "u.id", "f.user_id")
        .select(["f.cohort_id", "u.id", "u.display_name", "u.email"])
        .where(
          "f.cohort_id",
          "in",
          cohorts.map((c) => c.id),
        )
        .orderBy("u.display_name")
        .execute()
    : [];
  return cohorts.map((c) => ({
    id: c.id,
    name: c.name,
    startsOn: c.starts_on,
    endsOn: c.ends_on,
    members: Number(c.members ?? 0),
    sessions: Number(c.sessions ?? 0),
    facilitators: facilitators.filter((f) => f.cohort_id === c.id).map((f) => ({ userId: f.id, displayName: personName(f) })),
  }));
}

export type CodeLookup =
  { ok: true; participantId: string } | { ok: false; reason: "length" | "characters" | "check" | "unknown" | "withdrawn" };

/**
 * The study's participant holding this code. A participant who has withdrawn (either way) cannot
 * be joined to a group or marked present: they asked to stop taking part.
 */
export async function participantByCode(db: DB, ref: StudyScope, code: string, codeHashKey: Buffer | string): Promise<CodeLookup> {
  const normalised = normaliseParticipantCode(code);
  if (!normalised.ok) return { ok: false, reason: normalised.reason };
  const participant = await findParticipantByCode(db, {
    studyId: ref.studyId,
    organisationId: ref.organisationId,
    code: normalised.code,
    codeHashKey,
  });
  if (!participant) return { ok: false, reason: "unknown" };
  if (participant.withdrawn_on !== null) return { ok: false, reason: "withdrawn" };
  return { ok: true, participantId: participant.id };
}

export type JoinResult = { ok: true; participantId: string; moved: boolean } | Extract<CodeLookup, { ok: false }>;

/**
 * Puts the participant with this code in the cohort (from `joinedOn`). Joining the cohort they are
 * already in changes nothing; joining another closes the open membership, so the history shows
 * the move and the analysis follows them to the new group.
 */
export async function joinCohort(
  db: DB,
  ref: StudyScope,
  input: { cohortId: string; code: string; joinedOn: string; recordedBy?: string | null },
  codeHashKey: Buffer | string,
): Promise<JoinResult> {
  await requireCohort(db, ref, input.cohortId);
  const found = await participantByCode(db, ref, input.code, codeHashKey);
  if (!found.ok) return found;
  const participantId = found.participantId;
  const moved = await db
    .transaction()
    .execute((trx) => enterCohort(trx, participantId, input.cohortId, input.joinedOn, input.recordedBy ?? null));
  if (moved === "withdrawn") return { ok: false as const, reason: "withdrawn" as const };
  return { ok: true as const, participantId, moved };
}

/**
 * The membership change itself, inside the caller's transaction: nothing when the participant is
 * already in the cohort, else the open membership (if any) closed and a new one opened, and
 * participant.cohort_id moved with them. Returns whether they moved from another group, or
 * "withdrawn". The participant's row is locked first, so a facilitator and the person joining at
 * the same moment are one after the other (not a unique-key error), and a withdrawal that has just
 * happened is seen.
 */
async function enterCohort(
  trx: DB,
  participantId: string,
  cohortId: string,
  joinedOn: string,
  recordedBy: string | null,
): Promise<boolean | "withdrawn"> {
  const participant = await trx
    .selectFrom("participant")
    .select("withdrawn_on")
    .where("id", "=", participantId)
    .forUpdate()
    .executeTakeFirst();
  if (!participant || participant.withdrawn_on !== null) return "withdrawn";
  const open = await trx
    .selectFrom("cohort_membership")
    .select(["id", "cohort_id", "joined_on"])
    .where("participant_id", "=", participantId)
    .where("left_on", "is", null)
    .executeTakeFirst();
  if (open?.cohort_id === cohortId) return false;
  if (open) {
    const leftOn = joinedOn < open.joined_on ? open.joined_on : joinedOn;
    await trx.updateTable("cohort_membership").set({ left_on: leftOn }).where("id", "=", open.id).execute();
  }
  await trx
    .insertInto("cohort_membership")
    .values({ cohort_id: cohortId, participant_id: participantId, joined_on: joinedOn, recorded_by: recordedBy })
    .execute();
  await trx.updateTable("participant").set({ cohort_id: cohortId }).where("id", "=", participantId).execute();
  return open !== undefined;
}

export interface JoinableCohort {
  id: string;
  name: string;
  startsOn: string | null;
  endsOn: string | null;
}

/**
 * The groups of a study a participant may join themselves on `on`: those that have not ended.
 * (A group that has not started yet is open: people often sign up before the first session.)
 */
export async function joinableCohorts(db: DB, studyId: string, on: string): Promise<JoinableCohort[]> {
  const rows = await db
    .selectFrom("cohort")
    .select(["id", "name", "starts_on", "ends_on"])
    .where("study_id", "=", studyId)
    .where((eb) => eb.or([eb("ends_on", "is", null), eb("ends_on", ">=", on)]))
    .orderBy("starts_on")
    .orderBy("name")
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, startsOn: r.starts_on, endsOn: r.ends_on }));
}

/** The group a participant is in now (the one they are analysed in), or null. */
export async function currentCohort(db: DB, participantId: string): Promise<{ id: string; name: string } | null> {
  const row = await db
    .selectFrom("participant as p")
    .innerJoin("cohort as c", "c.id", "p.cohort_id")
    .select(["c.id", "c.name"])
    .where("p.id", "=", participantId)
    .executeTakeFirst();
  return row ?? null;
}

export type SelfJoinResult =
  | { ok: true; cohort: { id: string; name: string }; moved: boolean; already: boolean }
  | { ok: false; reason: "not_joinable" | "withdrawn" };

/**
 * A participant joins a group themselves, signed in with their code (the issue: "participants join
 * a cohort with their code"). Only a group of their own study that has not ended; not once they
 * have withdrawn. Otherwise the same as a facilitator joining them: a move closes the old
 * membership, and the analysis follows them.
 */
export async function joinCohortAsParticipant(
  db: DB,
  input: { studyId: string; participantId: string; cohortId: string; on: string },
): Promise<SelfJoinResult> {
  return db.transaction().execute(async (trx) => {
    const participant = await trx
      .selectFrom("participant")
      .select(["withdrawn_on", "cohort_id"])
      .where("id", "=", input.participantId)
      .where("study_id", "=", input.studyId)
      .forUpdate()
      .executeTakeFirst();
    if (!participant || participant.withdrawn_on !== null) return { ok: false as const, reason: "withdrawn" as const };
    const cohort = (await joinableCohorts(trx, input.studyId, input.on)).find((c) => c.id === input.cohortId);
    if (!cohort) return { ok: false as const, reason: "not_joinable" as const };
    const already = participant.cohort_id === cohort.id;
    const moved = already ? false : await enterCohort(trx, input.participantId, cohort.id, input.on, null);
    if (moved === "withdrawn") return { ok: false as const, reason: "withdrawn" as const };
    return { ok: true as const, cohort: { id: cohort.id, name: cohort.name }, moved, already };
  });
}

/** People of the organisation who can be named as a cohort's facilitators. */
export async function organisationStaff(db: DB, organisationId: string) {
  const rows = await db
    .selectFrom("membership as m")
    .innerJoin("app_user as u", "u.id", "m.user_id")
    .select(["u.id", "u.display_name", "u.email", "m.role"])
    .where("m.organisation_id", "=", organisationId)
    .where("u.disabled_at", "is", null)
    .orderBy("u.display_name")
    .orderBy("u.email")
    .execute();
  return rows.map((r) => ({ userId: r.id, displayName: personName(r), role: r.role }));
}

/** Whether the user is one of the cohort's facilitators. */
export async function facilitates(db: DB, cohortId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom("cohort_facilitator")
    .select("user_id")
    .where("cohort_id", "=", cohortId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row !== undefined;
}
