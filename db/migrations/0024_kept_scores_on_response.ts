import type { Kysely } from "kysely";
import { runScript } from "./script";

// Kept scores move onto the response row, and the rules they were computed under become a small id
// (docs/decisions/080-kept-scores-on-the-response.md). At 100,000 people 0023's response_score was
// 97 MB, most of it one JSON object of seven instrument-version ids per row, and joining it to the
// gated responses was more than half of the wellbeing page's read: the page now reads the scores from
// the rows the gate already reads.
//
// The rules of 054 and 077 are unchanged. A response's kept scores count only while
// kept_answers_revision is its answers_revision (0010's triggers count every change to its answers),
// kept_scoring_revision is the code's SCORING_REVISION, and kept_rules names exactly the definitions
// that apply now. Erasure deletes the response and its scores with it. 0023's rows are only copies:
// they are dropped, and scores are kept again on the next report.
//
// With it, the study's responses are indexed by (study, instrument version): which versions a study
// has answered is then a few index probes.
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    -- One row per distinct set of rules: {measure id: instrument version id whose definition scored
    -- it}, over every measure a study reports for an instrument. A handful per database; never
    -- deleted (an id in a response row must not come to mean other rules).
    create table score_rules (
      id integer generated always as identity primary key,
      scored_with jsonb not null unique
    );

    -- No foreign key on kept_rules: checking it on every kept row costs, and score_rules rows are never deleted.
    alter table response
      add column kept_scores double precision[],
      add column kept_answers_revision integer,
      add column kept_scoring_revision integer,
      add column kept_rules integer;

    drop table if exists response_score;

    -- Which versions of its instruments a study's responses are in (whose definitions apply) is
    -- asked on every wellbeing page: an index probe per version, not a scan of every response. It
    -- serves the lookups by study alone that response_study did.
    create index response_study_version on response (study_id, instrument_version_id);
    drop index if exists response_study;

    -- TRUNCATE fires no row or delete triggers: with every answer gone, no kept score stands.
    create or replace function answers_truncated() returns trigger language plpgsql as $$
    begin
      update response set kept_scores = null, kept_answers_revision = null, kept_scoring_revision = null, kept_rules = null
        where kept_scores is not null;
      return null;
    end
    $$;
    `,
  );
}
