/**
 * Keeping measure scores once computed (docs/decisions/054-measure-score-store.md).
 *
 * A kept score is a copy that the wellbeing read (analysableMeasureScores) uses only while it is
 * still good; this module only writes them. Nothing here decides who may be read: the scores kept
 * are those of responses the consent gate has just let through, and they are read back only
 * through the gate.
 */
import { sql } from "kysely";
import type { DB } from "../../db/index";
import { SCORING_REVISION } from "./scoring";

export interface ScoreToKeep {
  responseId: string;
  scoredWith: string;
  answersRevision: number;
  score: number | null;
}

/** Rows per statement: one JSON parameter each, so a cold study of 100,000 people is ten statements. */
const BATCH = 20_000;

/**
 * Keeps the scores. Losing a race is not an error: if a response was erased meanwhile, the foreign
 * key refuses its batch and those scores are simply not kept (the next report keeps them); if its
 * answers changed meanwhile, the kept score names the older revision and will not be used. Such a
 * race never fails the report that computed the scores. Inside a caller's transaction the write is
 * fenced by a savepoint, so that transaction carries on.
 */
export async function keepScores(db: DB, measureId: string, scores: readonly ScoreToKeep[]): Promise<void> {
  for (let start = 0; start < scores.length; start += BATCH) {
    const batch = scores.slice(start, start + BATCH).map((s) => ({
      response_id: s.responseId,
      scored_with: s.scoredWith,
      answers_revision: s.answersRevision,
      score: s.score,
    }));
    const statement = sql`
      insert into measure_score (response_id, measure_id, scored_with, answers_revision, scoring_revision, score)
      select x.response_id, ${measureId}, x.scored_with, x.answers_revision, ${SCORING_REVISION}, x.score
      from jsonb_to_recordset(${JSON.stringify(batch)}::jsonb)
        as x(response_id uuid, scored_with uuid, answers_revision integer, score double precision)
      on conflict (response_id, measure_id) do update
        set scored_with = excluded.scored_with, answers_revision = excluded.answers_revision,
            scoring_revision = excluded.scoring_revision, score = excluded.score, scored_at = now()
        where measure_score.answers_revision <= excluded.answers_revision`;
    try {
      if (db.isTransaction) {
        await sql`savepoint keep_scores`.execute(db);
        try {
          await statement.execute(db);
          await sql`release savepoint keep_scores`.execute(db);
        } catch (error) {
          await sql`rollback to savepoint keep_scores`.execute(db);
          throw error;
        }
      } else {
        await statement.execute(db);
      }
    } catch (error) {
      // Only a race with erasure (a foreign key) or with another keeper (a unique key) is expected.
      const code = (error as { code?: string }).code;
      if (code !== "23503" && code !== "23505" && code !== "40001" && code !== "40P01") throw error;
    }
  }
}
