/**
 * How far a study's collection and analysis have got, as counts only: the overview's next steps ask
 * whether there is anything yet, never what anyone said. Kept here with the other reads of the
 * content tables (tests/consent/reads-in-one-place.test.ts) although no content leaves: a count of
 * rows is all a checklist needs, and it includes withdrawn participants' rows that a gate would hide,
 * because the question is "has this step been done", not "what may be analysed".
 */
import { sql } from "kysely";
import type { DB } from "../../db/index";
import type { StudyScope } from "./scope.server";

export interface CollectionProgress {
  /** Responses begun (questionnaires online, on paper or assisted). */
  responses: number;
  /** Focus groups and interviews recorded, and how many of them have a transcript. */
  gatherings: number;
  transcribedGatherings: number;
  /** Codings applied to any unit. */
  codings: number;
}

export async function collectionProgress(db: DB, scope: StudyScope): Promise<CollectionProgress> {
  const [responses, gatherings, codings] = await Promise.all([
    db
      .selectFrom("response")
      .select(sql<number>`count(*)::int`.as("n"))
      .where("study_id", "=", scope.studyId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("study_session as s")
      .select([
        sql<number>`count(*)::int`.as("n"),
        sql<number>`count(*) filter (where exists (select 1 from transcript_segment t where t.session_id = s.id))::int`.as("transcribed"),
      ])
      .where("s.study_id", "=", scope.studyId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("coding")
      .select(sql<number>`count(*)::int`.as("n"))
      .where("study_id", "=", scope.studyId)
      .executeTakeFirstOrThrow(),
  ]);
  return {
    responses: Number(responses.n),
    gatherings: Number(gatherings.n),
    transcribedGatherings: Number(gatherings.transcribed),
    codings: Number(codings.n),
  };
}
