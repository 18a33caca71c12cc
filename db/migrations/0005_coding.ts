import type { Kysely } from "kysely";
import { runScript } from "./script";

// Focus groups and interviews, transcripts, the codebook, coding, memos, agreement resolutions and
// redactions (docs/decisions/030-coding-model.md).
//
// Erasure: every row that holds or points into a participant's words references participant,
// transcript_segment or answer with ON DELETE CASCADE, so deleting a participant (withdrawal with
// erasure) removes their segments, answers, translations, codings, redactions and resolutions, and
// nothing of anyone else's. Offsets are Unicode code points into the stored text.
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    -- Per-study coding settings, kept here so the participant-facing study settings stay small.
    create table study_coding (
      study_id uuid primary key references study(id) on delete cascade,
      -- blind double coding: a coder sees only their own codings until they have marked themselves finished
      blind boolean not null default false,
      -- names for the redaction check (participants' family, staff, places): never exported
      redaction_names text[] not null default '{}'
    );

    create table study_session (
      id uuid primary key default gen_random_uuid(),
      study_id uuid not null references study(id) on delete cascade,
      kind text not null check (kind in ('focus_group','interview')),
      -- "Focus group 1": a label researchers choose, shown in quote attributions; never a name
      label text not null,
      held_on date not null,
      languages text[] not null default '{}',
      facilitator_user_id uuid references app_user(id) on delete set null,
      interpreter text not null default 'none' check (interpreter in ('none','in_person','phone','video')),
      recorded boolean not null default false,
      notes text not null default '',
      created_by uuid references app_user(id) on delete set null,
      created_at timestamptz not null default now(),
      unique (study_id, label)
    );
    create index study_session_study on study_session(study_id);

    create table session_attendee (
      session_id uuid not null references study_session(id) on delete cascade,
      participant_id uuid not null references participant(id) on delete cascade,
      -- order of joining: "Participant 3, focus group 1" is the third attendee
      position integer not null,
      primary key (session_id, participant_id)
    );
    create index session_attendee_participant on session_attendee(participant_id);

    -- The speaker label from the transcript file is NOT stored: it is often a first name.
    create table transcript_segment (
      id uuid primary key default gen_random_uuid(),
      session_id uuid not null references study_session(id) on delete cascade,
      position integer not null,
      speaker_role text not null check (speaker_role in ('participant','facilitator','interpreter')),
      participant_id uuid references participant(id) on delete cascade,
      language text not null,
      text text not null,
      starts_ms integer,
      ends_ms integer,
      check ((speaker_role = 'participant') = (participant_id is not null)),
      unique (session_id, position)
    );
    create index transcript_segment_participant on transcript_segment(participant_id);

    -- A researcher's translation of a segment or a free-text answer, in its own language.
    create table translation (
      id uuid primary key default gen_random_uuid(),
      segment_id uuid references transcript_segment(id) on delete cascade,
      response_id uuid,
      item_id text,
      language text not null,
      text text not null,
      translated_by uuid references app_user(id) on delete set null,
      updated_at timestamptz not null default now(),
      foreign key (response_id, item_id) references answer(response_id, item_id) on delete cascade,
      check ((segment_id is null) <> (response_id is null and item_id is null)),
      check ((response_id is null) = (item_id is null))
    );
    create unique index translation_segment on translation(segment_id, language) where segment_id is not null;
    create unique index translation_answer on translation(response_id, item_id, language) where response_id is not null;

    create table theme (
      id uuid primary key default gen_random_uuid(),
      study_id uuid not null references study(id) on delete cascade,
      parent_id uuid references theme(id) on delete set null,
      name text not null,
      definition text not null default '',
      use_when text not null default '',
      not_use_when text not null default '',
      colour text not null default '#4c6ef5' check (colour ~ '^#[0-9a-f]{6}$'),
      status text not null check (status in ('proposed','accepted','merged')),
      merged_into uuid references theme(id),
      proposed_by uuid references app_user(id) on delete set null,
      position integer not null default 0,
      created_at timestamptz not null default now(),
      check ((status = 'merged') = (merged_into is not null))
    );
    create unique index theme_name on theme(study_id, lower(name)) where status <> 'merged';
    create index theme_study on theme(study_id);

    -- What happened to each theme, for the codebook's history (names and definitions, never quotes).
    create table theme_change (
      id bigint generated always as identity primary key,
      theme_id uuid not null references theme(id) on delete cascade,
      change text not null check (change in ('created','proposed','accepted','renamed','edited','moved','merged','merged_from')),
      detail jsonb not null default '{}'::jsonb,
      changed_by uuid references app_user(id) on delete set null,
      changed_at timestamptz not null default now()
    );
    create index theme_change_theme on theme_change(theme_id);

    -- One coder's application of one theme to a span [start_cp, end_cp) of a segment or an answer.
    create table coding (
      id uuid primary key default gen_random_uuid(),
      study_id uuid not null references study(id) on delete cascade,
      theme_id uuid not null references theme(id) on delete cascade,
      coder_id uuid not null references app_user(id),
      segment_id uuid references transcript_segment(id) on delete cascade,
      response_id uuid,
      item_id text,
      start_cp integer not null check (start_cp >= 0),
      end_cp integer not null,
      created_at timestamptz not null default now(),
      foreign key (response_id, item_id) references answer(response_id, item_id) on delete cascade,
      check (end_cp > start_cp),
      check ((segment_id is null) <> (response_id is null and item_id is null)),
      check ((response_id is null) = (item_id is null))
    );
    create index coding_study_coder on coding(study_id, coder_id);
    create index coding_segment on coding(segment_id) where segment_id is not null;
    create index coding_answer on coding(response_id, item_id) where response_id is not null;
    create index coding_theme on coding(theme_id);

    create table coder_status (
      study_id uuid not null references study(id) on delete cascade,
      coder_id uuid not null references app_user(id) on delete cascade,
      finished_at timestamptz,
      primary key (study_id, coder_id)
    );

    -- The agreed decision for a unit and theme after discussing a disagreement: kept apart from every
    -- coder's own coding, which is never rewritten.
    create table resolved_coding (
      id uuid primary key default gen_random_uuid(),
      study_id uuid not null references study(id) on delete cascade,
      theme_id uuid not null references theme(id) on delete cascade,
      segment_id uuid references transcript_segment(id) on delete cascade,
      response_id uuid,
      item_id text,
      applied boolean not null,
      resolved_by uuid references app_user(id) on delete set null,
      resolved_at timestamptz not null default now(),
      foreign key (response_id, item_id) references answer(response_id, item_id) on delete cascade,
      check ((segment_id is null) <> (response_id is null and item_id is null)),
      check ((response_id is null) = (item_id is null))
    );
    create unique index resolved_coding_segment on resolved_coding(theme_id, segment_id) where segment_id is not null;
    create unique index resolved_coding_answer on resolved_coding(theme_id, response_id, item_id) where response_id is not null;

    create table memo (
      id uuid primary key default gen_random_uuid(),
      study_id uuid not null references study(id) on delete cascade,
      theme_id uuid references theme(id) on delete cascade,
      coding_id uuid references coding(id) on delete cascade,
      author_id uuid references app_user(id) on delete set null,
      text text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (theme_id is null or coding_id is null)
    );
    create index memo_study on memo(study_id);

    create table redaction (
      id uuid primary key default gen_random_uuid(),
      study_id uuid not null references study(id) on delete cascade,
      segment_id uuid references transcript_segment(id) on delete cascade,
      response_id uuid,
      item_id text,
      start_cp integer not null check (start_cp >= 0),
      end_cp integer not null,
      kind text not null,
      status text not null check (status in ('suggested','confirmed','dismissed','added')),
      decided_by uuid references app_user(id) on delete set null,
      decided_at timestamptz,
      foreign key (response_id, item_id) references answer(response_id, item_id) on delete cascade,
      check (end_cp > start_cp),
      check ((segment_id is null) <> (response_id is null and item_id is null)),
      check ((response_id is null) = (item_id is null))
    );
    create index redaction_segment on redaction(segment_id) where segment_id is not null;
    create index redaction_answer on redaction(response_id, item_id) where response_id is not null;
  `,
  );
}
