/**
 * The participants of a study as cases for a REFI-QDA project (issue 16 item 5): who may be a case,
 * and the attributes a researcher compares them by (language, group, the timepoints they answered).
 * Read here, through the gate's participant filter, because the timepoints come from responses.
 * Analysis purpose, like the sources of the same project: a participant who withdrew with erasure
 * is no case; one who chose "stop and keep" is, as their words are in the project.
 */
import type { DB } from "../../db/index";
import { permittedParticipants } from "./gate.server";
import { requireStudy, type StudyScope } from "./scope.server";

export interface CaseAttributes {
  participantId: string;
  language: string;
  /** The cohort's name, or null when the participant is in none. */
  cohort: string | null;
  /** Timepoints of their responses, sorted. */
  timepoints: string[];
}

export async function caseAttributes(db: DB, scope: StudyScope): Promise<CaseAttributes[]> {
  await requireStudy(db, scope);
  const people = await db
    .selectFrom("participant as p")
    .leftJoin("cohort as c", (join) => join.onRef("c.id", "=", "p.cohort_id").on("c.study_id", "=", scope.studyId))
    .select(["p.id", "p.language", "c.name as cohort"])
    .where("p.id", "in", permittedParticipants(db, scope, "analysis"))
    .orderBy("p.enrolled_on")
    .orderBy("p.id")
    .execute();
  const answered = await db
    .selectFrom("response as r")
    .select(["r.participant_id", "r.timepoint"])
    .distinct()
    .where("r.study_id", "=", scope.studyId)
    .where("r.participant_id", "in", permittedParticipants(db, scope, "analysis"))
    .execute();
  const timepoints = new Map<string, Set<string>>();
  for (const r of answered) timepoints.set(r.participant_id, (timepoints.get(r.participant_id) ?? new Set()).add(r.timepoint));
  return people.map((p) => ({
    participantId: p.id,
    language: p.language,
    cohort: p.cohort ?? null,
    timepoints: [...(timepoints.get(p.id) ?? [])].sort(),
  }));
}
