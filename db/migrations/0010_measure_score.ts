import type { Kysely } from "kysely";
import { runScript } from "./script";

// Each response's score on each measure, kept once computed, so that a comparison of 100,000 pairs
// reads 200,000 numbers instead of folding a million answers every time
// (docs/decisions/054-measure-score-store.md).
//
// A kept score is only ever a copy: the wellbeing read (app/consent/wellbeing.server.ts) uses it when
// it was computed from the response's current answers (answers_revision) under the rules that
// apply now (scored_with), and scores the response again otherwise. No writer has to remember it:
// the triggers below count every change to a response's answers, whoever makes it (the journey,
// assisted entry, paper import, a fix by hand in psql). Erasure deletes responses, and the scores
// go with them.
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    alter table response add column answers_revision integer not null default 0;

    create table measure_score (
      response_id uuid not null references response(id) on delete cascade,
      measure_id text not null,
      -- the published instrument version whose scoring rules gave this score (published versions
      -- are never deleted; no foreign key, as checking one costs a quarter of keeping 200,000)
      scored_with uuid not null,
      -- response.answers_revision when the answers were read; any change since makes it stale
      answers_revision integer not null,
      -- SCORING_REVISION of app/wellbeing/scoring.ts: a change to the scoring code makes it stale
      scoring_revision integer not null,
      -- null: too few items answered, or an answer outside its scale (the score is missing)
      score double precision,
      scored_at timestamptz not null default now(),
      primary key (response_id, measure_id)
    );

    create function answers_changed() returns trigger language plpgsql as $$
    begin
      update response set answers_revision = answers_revision + 1
        where id in (select distinct response_id from changed_answers);
      return null;
    end
    $$;

    -- Statement-level with transition tables: an import of a million answers bumps each of its
    -- responses once, not once per answer. (A trigger with transition tables takes one event.)
    create trigger answer_inserted after insert on answer
      referencing new table as changed_answers for each statement execute function answers_changed();
    -- An update can move answers from one response to another: both are changed.
    create function answers_updated() returns trigger language plpgsql as $$
    begin
      update response set answers_revision = answers_revision + 1
        where id in (select response_id from answers_before union select response_id from answers_after);
      return null;
    end
    $$;
    create trigger answer_updated after update on answer
      referencing old table as answers_before new table as answers_after
      for each statement execute function answers_updated();
    create trigger answer_deleted after delete on answer
      referencing old table as changed_answers for each statement execute function answers_changed();

    -- TRUNCATE fires no row or delete triggers: with every answer gone, no kept score stands.
    create function answers_truncated() returns trigger language plpgsql as $$
    begin
      delete from measure_score;
      return null;
    end
    $$;
    create trigger answer_truncated after truncate on answer
      for each statement execute function answers_truncated();
    `,
  );
}
