import type { ColumnType, Generated } from "kysely";

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

/** Tables of db/migrations/0006_wellbeing.ts. */
export interface CohortFacilitatorTable {
  cohort_id: string;
  user_id: string;
}

export interface CohortMembershipTable {
  id: Generated<string>;
  cohort_id: string;
  participant_id: string;
  joined_on: string;
  left_on: string | null;
  recorded_by: string | null;
}

export interface GroupSessionTable {
  id: Generated<string>;
  cohort_id: string;
  number: number;
  held_on: string;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface GroupAttendanceTable {
  group_session_id: string;
  participant_id: string;
  marked_by: string | null;
  marked_at: CreatedAt;
}

/**
 * db/migrations/0023_response_score.ts: a response's scores on every measure of its instrument, kept
 * once computed (0010's measure_score, one row per measure, is gone).
 */
export interface ResponseScoreTable {
  response_id: string;
  answers_revision: number;
  scoring_revision: number;
  /** {measure id: instrument version id whose definition scored it}. */
  scored_with: ColumnType<Record<string, string>, string, string>;
  /** In the order of scored_with's measure ids, sorted; null where the score is missing. */
  scores: (number | null)[];
  scored_at: CreatedAt;
}

export interface WellbeingTables {
  cohort_facilitator: CohortFacilitatorTable;
  cohort_membership: CohortMembershipTable;
  group_session: GroupSessionTable;
  group_attendance: GroupAttendanceTable;
  response_score: ResponseScoreTable;
}
