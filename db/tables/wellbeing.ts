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
 * db/migrations/0024_kept_scores_on_response.ts: each distinct set of rules kept scores were computed
 * under, so that a response row names them by a small id.
 */
export interface ScoreRulesTable {
  id: Generated<number>;
  /** {measure id: instrument version id whose definition scored it}. */
  scored_with: ColumnType<Record<string, string>, string, string>;
}

export interface WellbeingTables {
  cohort_facilitator: CohortFacilitatorTable;
  cohort_membership: CohortMembershipTable;
  group_session: GroupSessionTable;
  group_attendance: GroupAttendanceTable;
  score_rules: ScoreRulesTable;
}
