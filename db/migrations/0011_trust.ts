import type { Kysely } from "kysely";
import { runScript } from "./script";

// Issue 11 (trust): nothing stored that lets a copy of the database act as someone, atomic attempt
// limits that purge themselves, and memberships that an account's owner accepts.
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    -- A consent form's one-time token was kept in clear, and it was also the participant's cookie:
    -- a copy of the database gave live sessions and, through them, codes
    -- (docs/decisions/056-participant-tokens-stored-as-hashes.md). Keep only its SHA-256, and when it
    -- was claimed, so that it is swept once it can no longer be submitted.
    alter table form_submission rename column token to token_hash;
    update form_submission set token_hash = encode(sha256(convert_to(token_hash, 'UTF8')), 'hex');
    alter table form_submission add column claimed_at timestamptz not null default now();
    alter table form_submission drop column submitted_on;
    create index form_submission_claimed on form_submission(claimed_at);
    -- Tokens issued before this migration were cookies too: their sessions end now.
    delete from participant_session;

    -- Every attempt limit (sign-in, second factor, participant codes) is one counter row per key and
    -- window, raised atomically before the check (docs/decisions/057-attempt-limits.md). Rows whose
    -- window has ended are deleted: a keyed hash of an address is kept no longer than its limit needs.
    create table attempt_counter (
      limit_key text primary key,
      window_started_at timestamptz not null,
      attempts integer not null
    );
    create index attempt_counter_window on attempt_counter(window_started_at);
    drop table sign_in_attempt;
    drop table code_attempt;

    -- A browser that signed in to an account before: its attempts are counted on their own, so that
    -- strangers guessing at the account cannot lock its owner out. Only the cookie's hash is kept.
    create table trusted_device (
      token_hash text primary key,
      user_id uuid not null references app_user(id) on delete cascade,
      created_at timestamptz not null default now(),
      last_used_at timestamptz not null default now()
    );
    create index trusted_device_user on trusted_device(user_id);

    -- An existing account joins another organisation only when its owner, signed in, accepts
    -- (docs/decisions/055-accounts-across-organisations.md).
    create table membership_invitation (
      id uuid primary key default gen_random_uuid(),
      organisation_id uuid not null references organisation(id) on delete cascade,
      user_id uuid not null references app_user(id) on delete cascade,
      role text not null check (role in ('admin','researcher','peer_researcher','facilitator','publisher')),
      invited_by uuid references app_user(id) on delete set null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      unique (organisation_id, user_id)
    );
    create index membership_invitation_user on membership_invitation(user_id);
    `,
  );
}
