import type { Kysely } from "kysely";
import { runScript } from "./script";

// Peer-support cohorts: who facilitates them, who joined when, the group sessions and who came
// (docs/decisions/040-wellbeing-cohorts.md).
//
// participant.cohort_id (0002) stays the cohort a participant is analysed in: the one they are in
// now. cohort_membership keeps the history behind it, so a move between groups is not lost.
// Erasure: everything that points at a participant cascades, so a withdrawal with erasure removes
// their memberships and attendance with them; sessions and facilitators are not participant data.
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    create table cohort_facilitator (
      cohort_id uuid not null references cohort(id) on delete cascade,
      user_id uuid not null references app_user(id) on delete cascade,
      primary key (cohort_id, user_id)
    );
    create index cohort_facilitator_user on cohort_facilitator(user_id);

    create table cohort_membership (
      id uuid primary key default gen_random_uuid(),
      cohort_id uuid not null references cohort(id) on delete cascade,
      participant_id uuid not null references participant(id) on delete cascade,
      joined_on date not null,
      left_on date,
      recorded_by uuid references app_user(id) on delete set null,
      check (left_on is null or left_on >= joined_on)
    );
    -- At most one open membership per participant: it is the one participant.cohort_id names.
    create unique index cohort_membership_open on cohort_membership(participant_id) where left_on is null;
    create index cohort_membership_cohort on cohort_membership(cohort_id);

    create table group_session (
      id uuid primary key default gen_random_uuid(),
      cohort_id uuid not null references cohort(id) on delete cascade,
      -- "Session 3": the order within the cohort, shown instead of anything descriptive
      number integer not null check (number > 0),
      held_on date not null,
      created_by uuid references app_user(id) on delete set null,
      created_at timestamptz not null default now(),
      unique (cohort_id, number)
    );

    create table group_attendance (
      group_session_id uuid not null references group_session(id) on delete cascade,
      participant_id uuid not null references participant(id) on delete cascade,
      marked_by uuid references app_user(id) on delete set null,
      marked_at timestamptz not null default now(),
      primary key (group_session_id, participant_id)
    );
    create index group_attendance_participant on group_attendance(participant_id);
  `,
  );
}
