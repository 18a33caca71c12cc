/**
 * Keeping measure scores once computed (docs/decisions/054-measure-score-store.md), on the response
 * row with every measure of its instrument, the rules they were computed under named by a small id
 * (docs/decisions/080-kept-scores-on-the-response.md).
 *
 * Kept scores are a copy that the wellbeing read (analysableInstrumentScores) uses only while they
 * are still good; this module only writes them. Nothing here decides who may be read: the scores kept
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

/** One text per set of rules, whatever the order its keys were built in: the key of a lookup. */
export function rulesKey(rules: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.keys(rules)
      .sort()
      .map((measure) => [measure, rules[measure]]),
  );
}

/**
 * The score_rules ids of these sets of rules, by rulesKey; a set never kept under has none, unless
 * `create` adds it. (jsonb equality ignores key order, so one set is one row however it was written.)
 */
export async function scoreRulesIds(
  db: DB,
  rules: readonly Readonly<Record<string, string>>[],
  options: { create: boolean },
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  if (rules.length === 0) return ids;
  const sets = JSON.stringify([...new Map(rules.map((r) => [rulesKey(r), r])).values()]);
  if (options.create) {
    await sql`insert into score_rules (scored_with) select jsonb_array_elements(${sets}::jsonb)
      on conflict (scored_with) do nothing`.execute(db);
  }
  const rows = await sql<{ id: number; scored_with: Record<string, string> | string }>`
    select id, scored_with from score_rules where scored_with in (select jsonb_array_elements(${sets}::jsonb))`.execute(db);
  for (const row of rows.rows) {
    const scoredWith = typeof row.scored_with === "string" ? (JSON.parse(row.scored_with) as Record<string, string>) : row.scored_with;
    ids.set(rulesKey(scoredWith), Number(row.id));
  }
  return ids;
}

/**
 * Keeps the scores on their responses. Losing a race is not an error, and never fails or holds up
 * anyone else:
 * - a response erased meanwhile has no row to write to;
 * - a response whose answers changed since they were read keeps nothing (its answers_revision no
 *   longer matches), and the next report scores it again;
 * - a response another transaction is writing (a participant saving an answer, an erasure, another
 *   report keeping scores) is skipped, not waited for: a report never queues behind a participant,
 *   nor a participant behind a report for more than one batch, and two writers cannot deadlock.
 * Inside a caller's transaction the write is fenced by a savepoint, so that transaction carries on.
 */
export async function keepScores(db: DB, rows: readonly ScoresToKeep[]): Promise<void> {
  if (rows.length === 0) return;
  const keep = async () => {
    const rulesIds = await scoreRulesIds(
      db,
      rows.map((row) => row.scoredWith),
      { create: true },
    );
    for (let start = 0; start < rows.length; start += BATCH) {
      const batch = rows.slice(start, start + BATCH).flatMap((row) => {
        const rules = rulesIds.get(rulesKey(row.scoredWith));
        return rules === undefined
          ? []
          : [{ response_id: row.responseId, answers_revision: row.answersRevision, rules, scores: row.scores }];
      });
      await sql`
        with kept as (
          select * from jsonb_to_recordset(${JSON.stringify(batch)}::jsonb)
            as x(response_id uuid, answers_revision integer, rules integer, scores double precision[])
        ), free as (
          select r.id from response r join kept x on x.response_id = r.id
          where r.answers_revision = x.answers_revision
          for update of r skip locked
        )
        update response r set kept_scores = x.scores, kept_answers_revision = x.answers_revision,
          kept_scoring_revision = ${SCORING_REVISION}, kept_rules = x.rules
        from kept x
        where r.id = x.response_id and r.answers_revision = x.answers_revision and r.id in (select id from free)`.execute(db);
    }
  };
  try {
    if (db.isTransaction) {
      await sql`savepoint keep_scores`.execute(db);
      try {
        await keep();
        await sql`release savepoint keep_scores`.execute(db);
      } catch (error) {
        await sql`rollback to savepoint keep_scores`.execute(db);
        throw error;
      }
    } else {
      await keep();
    }
  } catch (error) {
    // Only a race is expected: two keepers adding the same rules (a unique key), or a write in a
    // repeatable-read transaction meeting a newer row.
    const code = (error as { code?: string }).code;
    if (code !== "23505" && code !== "40001" && code !== "40P01") throw error;
  }
}
