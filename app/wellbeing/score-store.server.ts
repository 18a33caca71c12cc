/**
 * Keeping measure scores once computed (docs/decisions/054-measure-score-store.md), one row per
 * response with every measure of its instrument (docs/decisions/077-speed-start-cli-wellbeing.md).
 *
 * A kept row is a copy that the wellbeing read (analysableInstrumentScores) uses only while it is
 * still good; this module only writes them. Nothing here decides who may be read: the scores kept
 * are those of responses the consent gate has just let through, and they are read back only
 * through the gate.
 */
import { sql } from "kysely";
import type { DB } from "../../db/index";
import { SCORING_REVISION } from "./scoring";

export interface ScoresToKeep {
  responseId: string;
  answersRevision: number;
  /** {measure id: instrument version id whose definition scored it}. */
  scoredWith: Readonly<Record<string, string>>;
  /** Every measure's score in the order of scoreOrder(scoredWith) (its measure ids, sorted); null where missing. */
  scores: readonly (number | null)[];
}

/** Rows per statement: one JSON parameter each, so a cold study of 100,000 people is ten statements. */
const BATCH = 20_000;

/**
 * Keeps the scores. Losing a race is not an error: if a response was erased meanwhile, the foreign
 * key refuses its batch and those scores are simply not kept (the next report keeps them); if its
 * answers changed meanwhile, the kept row names the older revision and will not be used. Such a
 * race never fails the report that computed the scores. Inside a caller's transaction the write is
 * fenced by a savepoint, so that transaction carries on.
 */
export async function keepScores(db: DB, rows: readonly ScoresToKeep[]): Promise<void> {
  for (let start = 0; start < rows.length; start += BATCH) {
    const batch = rows.slice(start, start + BATCH).map((row) => ({
      response_id: row.responseId,
      answers_revision: row.answersRevision,
      scored_with: row.scoredWith,
      scores: row.scores,
    }));
    const statement = sql`
      insert into response_score (response_id, answers_revision, scoring_revision, scored_with, scores)
      select x.response_id, x.answers_revision, ${SCORING_REVISION}, x.scored_with, x.scores
      from jsonb_to_recordset(${JSON.stringify(batch)}::jsonb)
        as x(response_id uuid, answers_revision integer, scored_with jsonb, scores double precision[])
      on conflict (response_id) do update
        set answers_revision = excluded.answers_revision, scoring_revision = excluded.scoring_revision,
            scored_with = excluded.scored_with, scores = excluded.scores, scored_at = now()
        where response_score.answers_revision <= excluded.answers_revision`;
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
