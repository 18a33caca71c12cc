import type { Kysely } from "kysely";
import { runScript } from "./script";

// Quote checks (member checking, docs/decisions/078-quote-checks.md): before a quote is published,
// the person quoted is shown it when they next come in with their code, and approves it, asks for
// words to be left out, or says no.
//
// A check is on a span [start_cp, end_cp) of one unit (a transcript turn or a free-text answer), the
// words as they would be published. It belongs to the participant whose words they are (their opaque
// id, never their code), and goes with them: erasure deletes the participant, the unit, and by
// cascade the check and its places. Dates only, as every participant record (no time of day).
//
// `silence` is what no answer by `due_on` means for this person, fixed when they are asked: what the
// consent form they agreed to says (`quote_check.silence`), or 'withhold' when theirs says nothing.
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    create table quote_check (
      id uuid primary key default gen_random_uuid(),
      study_id uuid not null references study(id) on delete cascade,
      participant_id uuid not null references participant(id) on delete cascade,
      segment_id uuid references transcript_segment(id) on delete cascade,
      response_id uuid,
      item_id text,
      start_cp integer not null check (start_cp >= 0),
      end_cp integer not null,
      status text not null default 'awaiting' check (status in ('awaiting','approved','changed','refused','lapsed')),
      silence text not null check (silence in ('publish','withhold')),
      asked_on date not null,
      due_on date not null,
      answered_on date,
      -- who answered: the person on their own phone, the person with a facilitator, or nobody in time
      answered_via text check (answered_via in ('participant','assisted','silence')),
      answered_by uuid references app_user(id) on delete set null,
      foreign key (response_id, item_id) references answer(response_id, item_id) on delete cascade,
      check (end_cp > start_cp),
      check (due_on >= asked_on),
      check ((segment_id is null) <> (response_id is null and item_id is null)),
      check ((response_id is null) = (item_id is null)),
      check ((status = 'awaiting') = (answered_via is null))
    );
    create unique index quote_check_segment_span on quote_check(segment_id, start_cp, end_cp) where segment_id is not null;
    create unique index quote_check_answer_span on quote_check(response_id, item_id, start_cp, end_cp) where response_id is not null;
    create index quote_check_participant on quote_check(participant_id);
    create index quote_check_study_status on quote_check(study_id, status, due_on);

    -- Where a checked quote will appear: a quote of a "you said, we did" entry (the link row, so the
    -- place goes when the quote is taken off the entry), or the study's quote exports under a theme.
    create table quote_check_place (
      id uuid primary key default gen_random_uuid(),
      check_id uuid not null references quote_check(id) on delete cascade,
      entry_quote_id uuid references report_entry_quote(id) on delete cascade,
      export_theme_id uuid references theme(id) on delete cascade,
      added_on date not null,
      check ((entry_quote_id is null) <> (export_theme_id is null))
    );
    create unique index quote_check_place_entry on quote_check_place(check_id, entry_quote_id) where entry_quote_id is not null;
    create unique index quote_check_place_export on quote_check_place(check_id, export_theme_id) where export_theme_id is not null;
    create index quote_check_place_quote on quote_check_place(entry_quote_id) where entry_quote_id is not null;
    `,
  );
}
