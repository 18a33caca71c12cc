import type { Kysely } from "kysely";
import { runScript } from "./script";

// Organisations, people, sessions, the audit log, instruments and studies.
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    create table organisation (
      id uuid primary key default gen_random_uuid(),
      slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
      name text not null,
      require_totp boolean not null default false,
      created_at timestamptz not null default now()
    );

    create table app_user (
      id uuid primary key default gen_random_uuid(),
      email text not null unique check (email = lower(email)),
      display_name text not null default '',
      password_hash text,
      totp_secret text,
      totp_enabled boolean not null default false,
      disabled_at timestamptz,
      created_at timestamptz not null default now()
    );

    create table membership (
      user_id uuid not null references app_user(id) on delete cascade,
      organisation_id uuid not null references organisation(id) on delete cascade,
      role text not null check (role in ('admin','researcher','peer_researcher','facilitator','publisher')),
      created_at timestamptz not null default now(),
      primary key (user_id, organisation_id)
    );

    -- One-time links handed over in person: invitations and password resets. Only a hash is kept.
    create table user_token (
      token_hash text primary key,
      user_id uuid not null references app_user(id) on delete cascade,
      purpose text not null check (purpose in ('invitation','password_reset')),
      expires_at timestamptz not null,
      used_at timestamptz,
      created_by uuid references app_user(id),
      created_at timestamptz not null default now()
    );

    create table user_session (
      id_hash text primary key,
      user_id uuid not null references app_user(id) on delete cascade,
      csrf_token text not null,
      -- a session waiting for its second factor is not yet signed in
      pending_totp boolean not null default false,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      expires_at timestamptz not null
    );
    create index user_session_user on user_session(user_id);

    -- Rate limits live in the database so that several app processes share one count.
    create table sign_in_attempt (
      id integer generated always as identity primary key,
      limit_key text not null,
      succeeded boolean not null,
      attempted_at timestamptz not null default now()
    );
    create index sign_in_attempt_key on sign_in_attempt(limit_key, attempted_at);

    create table audit_event (
      id bigint generated always as identity primary key,
      occurred_at timestamptz not null default now(),
      actor_user_id uuid references app_user(id),
      organisation_id uuid references organisation(id),
      action text not null,
      subject text,
      detail jsonb not null default '{}'::jsonb
    );
    create index audit_event_org on audit_event(organisation_id, occurred_at);

    create function audit_event_is_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_event is append-only';
    end $$;
    create trigger audit_event_append_only before update or delete on audit_event
      for each row execute function audit_event_is_append_only();

    create table instrument_version (
      id uuid primary key default gen_random_uuid(),
      instrument_id text not null,
      version integer not null check (version > 0),
      kind text not null,
      content_hash text not null,
      definition jsonb not null,
      translations jsonb not null default '{}'::jsonb,
      published_at timestamptz not null default now(),
      unique (instrument_id, version)
    );

    create table study (
      id uuid primary key default gen_random_uuid(),
      organisation_id uuid not null references organisation(id),
      slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
      titles jsonb not null,
      languages text[] not null,
      status text not null default 'draft' check (status in ('draft','open','closed')),
      settings jsonb not null default '{}'::jsonb,
      created_at timestamptz not null default now()
    );
    create index study_org on study(organisation_id);

    create table study_instrument (
      id uuid primary key default gen_random_uuid(),
      study_id uuid not null references study(id) on delete cascade,
      instrument_version_id uuid not null references instrument_version(id),
      role text not null check (role in ('information_sheet','consent_form','questionnaire','topic_guide')),
      timepoint text not null default 'once',
      position integer not null default 0,
      unique (study_id, instrument_version_id, timepoint)
    );

    create table cohort (
      id uuid primary key default gen_random_uuid(),
      study_id uuid not null references study(id) on delete cascade,
      name text not null,
      starts_on date,
      ends_on date,
      created_at timestamptz not null default now(),
      unique (study_id, name)
    );
  `,
  );
}
