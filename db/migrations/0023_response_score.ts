import type { Kysely } from "kysely";
import { runScript } from "./script";

// Kept scores, one row per response holding every measure of its instrument, replacing 0010's row
// per response and measure (docs/decisions/077-speed-start-cli-wellbeing.md). The wellbeing page shows
// every measure of the instrument at once: it now reads 200,000 rows for 100,000 people instead of
// 200,000 per measure, and a first report keeps one row per response instead of one per measure.
//
// The rules are those of 054: a row is used only when it was computed from the response's current
// answers (answers_revision, counted by 0010's triggers), by the current scoring code
// (scoring_revision) and under exactly the definitions that apply now (scored_with: for each measure,
// the published instrument version whose definition scored it). Erasure deletes the response and its
// row with it. The old rows are only copies: they are dropped, and scores are kept again on the next
// report.
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    create table response_score (
      response_id uuid primary key references response(id) on delete cascade,
      -- response.answers_revision when the answers were read; any change since makes the row stale
      answers_revision integer not null,
      -- SCORING_REVISION of app/wellbeing/scoring.ts
      scoring_revision integer not null,
      -- {measure id: instrument version id whose definition scored it}, for every measure of the
      -- instrument the study reports; the row counts only when this is exactly what applies now
      scored_with jsonb not null,
      -- the scores in the order of scored_with's measure ids, sorted; null: too few items answered,
      -- or an answer outside its scale (the score is missing)
      scores double precision[] not null,
      scored_at timestamptz not null default now()
    );

    drop table if exists measure_score;

    -- TRUNCATE fires no row or delete triggers: with every answer gone, no kept score stands.
    create or replace function answers_truncated() returns trigger language plpgsql as $$
    begin
      delete from response_score;
      return null;
    end
    $$;
    `,
  );
}
