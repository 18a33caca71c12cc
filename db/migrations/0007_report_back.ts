import type { Kysely } from "kysely";
import { runScript } from "./script";

// "You said, we did" (docs/decisions/050-report-back-model.md). An entry holds only what the
// organisation wrote: its words per language, its themes, its milestones, and *references* to coded
// spans for quotes. Participants' words and the counts of people are never stored here: they are
// read through the consent gate each time a page or feed is made, so a withdrawal takes effect at once.
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    create table report_entry (
      id uuid primary key default gen_random_uuid(),
      organisation_id uuid not null references organisation(id) on delete cascade,
      study_id uuid not null references study(id) on delete cascade,
      slug text not null check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
      -- draft → in_review (a second person reviews) → approved → published (admin only); unpublished
      -- entries go back to being edited and need a new review before they are published again
      state text not null default 'draft' check (state in ('draft','in_review','approved','published','unpublished')),
      asked_on date,
      asked_until date,
      methods text[] not null default '{}' check (methods <@ array['survey','focus_group','interview','in_person']::text[]),
      action_status text not null default 'planned' check (action_status in ('planned','in_progress','done','not_doing')),
      progress integer not null default 0 check (progress between 0 and 100),
      next_review_on date,
      created_by uuid references app_user(id) on delete set null,
      created_at timestamptz not null default now(),
      updated_by uuid references app_user(id) on delete set null,
      updated_at timestamptz not null default now(),
      submitted_by uuid references app_user(id) on delete set null,
      submitted_at timestamptz,
      reviewed_by uuid references app_user(id) on delete set null,
      reviewed_at timestamptz,
      published_by uuid references app_user(id) on delete set null,
      -- the date the public sees as "published on": the first publication, kept through unpublishing
      first_published_at timestamptz,
      published_at timestamptz,
      unique (organisation_id, slug)
    );
    create index report_entry_study on report_entry(study_id);

    -- The organisation's words in one language, with its own review status (like instrument translations).
    create table report_entry_text (
      entry_id uuid not null references report_entry(id) on delete cascade,
      language text not null,
      title text not null default '',
      asked text not null default '',
      did text not null default '',
      -- "we did not do this, because …"
      not_doing_reason text not null default '',
      decided_by text not null default '',
      review_status text not null default 'draft' check (review_status in ('draft','reviewed')),
      reviewed_by uuid references app_user(id) on delete set null,
      updated_at timestamptz not null default now(),
      primary key (entry_id, language)
    );

    create table report_entry_theme (
      entry_id uuid not null references report_entry(id) on delete cascade,
      theme_id uuid not null references theme(id) on delete cascade,
      position integer not null default 0,
      -- the theme's name as the public reads it, per language (the codebook is the researchers' English)
      labels jsonb not null default '{}'::jsonb,
      primary key (entry_id, theme_id)
    );

    -- A quote is a reference to one coding (a coded span), never a copy of its text. Erasure deletes
    -- the coding; the link stays with coding_id null so the editor can see that a quote has gone.
    create table report_entry_quote (
      id uuid primary key default gen_random_uuid(),
      entry_id uuid not null references report_entry(id) on delete cascade,
      theme_id uuid not null references theme(id) on delete cascade,
      coding_id uuid references coding(id) on delete set null,
      position integer not null default 0,
      added_by uuid references app_user(id) on delete set null,
      added_at timestamptz not null default now()
    );
    create index report_entry_quote_entry on report_entry_quote(entry_id);
    create unique index report_entry_quote_coding on report_entry_quote(entry_id, coding_id) where coding_id is not null;

    create table report_milestone (
      id uuid primary key default gen_random_uuid(),
      entry_id uuid not null references report_entry(id) on delete cascade,
      due_on date not null,
      done_on date,
      labels jsonb not null default '{}'::jsonb,
      position integer not null default 0
    );
    create index report_milestone_entry on report_milestone(entry_id);

    -- What changed after publication, shown on the public page. Append-only like the audit log.
    create table report_entry_change (
      id bigint generated always as identity primary key,
      entry_id uuid not null references report_entry(id) on delete cascade,
      kind text not null check (kind in ('published','updated','unpublished','republished')),
      action_status text,
      progress integer,
      notes jsonb not null default '{}'::jsonb,
      changed_by uuid references app_user(id) on delete set null,
      changed_at timestamptz not null default now()
    );
    create index report_entry_change_entry on report_entry_change(entry_id, changed_at);
  `,
  );
}
