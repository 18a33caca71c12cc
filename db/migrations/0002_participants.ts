import type { Kysely } from "kysely";
import { runScript } from "./script";

// Participants, consent and answers. Nothing here identifies a person: a participant is a keyed hash
// of their code, a language and a date (the time of day only where the study opts in).
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    create table participant (
      id uuid primary key default gen_random_uuid(),
      study_id uuid not null references study(id) on delete cascade,
      code_hash text not null unique,
      language text not null,
      source text not null check (source in ('online','paper','assisted')),
      enrolled_on date not null,
      enrolled_at timestamptz,
      cohort_id uuid references cohort(id) on delete set null,
      withdrawn_on date,
      withdrawal_mode text check (withdrawal_mode in ('erase','keep'))
    );
    create index participant_study on participant(study_id);

    -- A browser's pause-and-return handle. The code is kept sealed with a key derived from the cookie
    -- token, which only that browser holds, so the page can show it again after a double submit.
    create table participant_session (
      id_hash text primary key,
      participant_id uuid not null references participant(id) on delete cascade,
      sealed_code text,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    );

    create table consent_record (
      id uuid primary key default gen_random_uuid(),
      participant_id uuid not null references participant(id) on delete cascade,
      instrument_version_id uuid not null references instrument_version(id),
      statements jsonb not null,
      audio_recording boolean not null default false,
      quotes boolean not null default false,
      method text not null check (method in ('online','paper','assisted')),
      recorded_by uuid references app_user(id),
      recorded_on date not null,
      updated_on date not null,
      unique (participant_id, instrument_version_id)
    );

    -- Every change to an optional choice, kept for the record (no free text, no codes).
    create table consent_change (
      id integer generated always as identity primary key,
      consent_record_id uuid not null references consent_record(id) on delete cascade,
      flag text not null check (flag in ('audio_recording','quotes')),
      value boolean not null,
      changed_on date not null,
      changed_by uuid references app_user(id)
    );

    create table response (
      id uuid primary key default gen_random_uuid(),
      participant_id uuid not null references participant(id) on delete cascade,
      study_id uuid not null references study(id) on delete cascade,
      instrument_version_id uuid not null references instrument_version(id),
      timepoint text not null default 'once',
      language text not null,
      mode text not null default 'self' check (mode in ('self','assisted','paper')),
      interpreter text check (interpreter in ('none','in_person','phone','video')),
      entered_by uuid references app_user(id),
      sections_done text[] not null default '{}',
      started_on date not null,
      completed_on date,
      unique (participant_id, instrument_version_id, timepoint)
    );
    create index response_study on response(study_id);

    create table answer (
      response_id uuid not null references response(id) on delete cascade,
      item_id text not null,
      value jsonb not null,
      answered_on date not null,
      primary key (response_id, item_id)
    );

    -- Rate limit for participant-code guessing, per client key (a keyed hash; never the address).
    create table code_attempt (
      id integer generated always as identity primary key,
      limit_key text not null,
      attempted_at timestamptz not null default now()
    );
    create index code_attempt_key on code_attempt(limit_key, attempted_at);

    -- Idempotency of form posts: a page's one-time token is recorded with the write it made.
    create table form_submission (
      token text primary key,
      participant_id uuid references participant(id) on delete cascade,
      submitted_on date not null
    );
  `,
  );
}
