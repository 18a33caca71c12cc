import type { Kysely } from "kysely";
import { runScript } from "./script";

// Retention that happens by itself (issue 17 part 4, docs/decisions/079-retention.md).
// - study.closed_on: when a study last closed, so "a period after the study closes" has a date. A study
//   closed before this migration takes the day its closing was audited (or today when none was).
// - retention_hold: an admin's reason to keep a study's data past its date (GDPR Art. 17(3)(d)); one
//   row per decision, never updated, the newest deciding.
// - retention_erasure: the one record of a study's data erased on schedule: when, under which date,
//   and how much, so counts survive the words.
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    alter table study add column closed_on date;
    update study set closed_on = coalesce(
      (select max(a.occurred_at)::date from audit_event a
        where a.action = 'study_status_changed' and a.organisation_id = study.organisation_id
          and a.subject = study.slug and a.detail->>'to' = 'closed'),
      current_date)
    where status = 'closed';

    create table retention_hold (
      id uuid primary key default gen_random_uuid(),
      study_id uuid not null references study(id) on delete cascade,
      keep_until date not null,
      reason text not null check (length(reason) between 1 and 2000),
      recorded_by uuid references app_user(id) on delete set null,
      recorded_at timestamptz not null default now()
    );
    create index retention_hold_study on retention_hold (study_id, recorded_at);

    create table retention_erasure (
      study_id uuid primary key references study(id) on delete cascade,
      due_on date not null,
      erased_at timestamptz not null default now(),
      run_by uuid references app_user(id) on delete set null,
      participants integer not null,
      responses integer not null,
      answers integer not null,
      segments integer not null
    );
    `,
  );
}
