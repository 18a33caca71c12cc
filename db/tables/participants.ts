import type { ColumnType, Generated, JSONColumnType } from "kysely";

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** How a participant may withdraw: their content erased, or kept for analysis (never quoted). */
export const WITHDRAWAL_MODES = ["erase", "keep"] as const;
export type WithdrawalMode = (typeof WITHDRAWAL_MODES)[number];
export type ConsentMethod = "online" | "paper" | "assisted";
export type ConsentFlag = "audio_recording" | "quotes";

export interface ParticipantTable {
  id: Generated<string>;
  study_id: string;
  code_hash: string;
  language: string;
  source: "online" | "paper" | "assisted";
  enrolled_on: string;
  enrolled_at: Date | null;
  cohort_id: string | null;
  withdrawn_on: string | null;
  withdrawal_mode: WithdrawalMode | null;
}

export interface ParticipantSessionTable {
  id_hash: string;
  participant_id: string;
  sealed_code: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

export interface ConsentRecordTable {
  id: Generated<string>;
  participant_id: string;
  instrument_version_id: string;
  statements: JSONColumnType<Record<string, boolean>, string, string>;
  audio_recording: Generated<boolean>;
  quotes: Generated<boolean>;
  method: ConsentMethod;
  recorded_by: string | null;
  recorded_on: string;
  updated_on: string;
}

export interface ConsentChangeTable {
  id: Generated<number>;
  consent_record_id: string;
  flag: ConsentFlag;
  value: boolean;
  changed_on: string;
  changed_by: string | null;
}

export interface ResponseTable {
  id: Generated<string>;
  participant_id: string;
  study_id: string;
  instrument_version_id: string;
  timepoint: Generated<string>;
  language: string;
  mode: Generated<"self" | "assisted" | "paper">;
  interpreter: "none" | "in_person" | "phone" | "video" | null;
  entered_by: string | null;
  sections_done: Generated<string[]>;
  started_on: string;
  completed_on: string | null;
  /** Counts changes to the response's answers (a trigger keeps it); a kept score names the count it saw. */
  answers_revision: Generated<number>;
  /**
   * Kept scores (db/migrations/0024_kept_scores_on_response.ts): every measure's score in the order of
   * its rules' measure ids, sorted; null where a score is missing. Good only while the three below match
   * what applies now (app/consent/wellbeing.server.ts decides; app/wellbeing/score-store.server.ts writes).
   */
  kept_scores: (number | null)[] | null;
  /** answers_revision when the kept scores were computed. */
  kept_answers_revision: number | null;
  /** SCORING_REVISION of app/wellbeing/scoring.ts when they were computed. */
  kept_scoring_revision: number | null;
  /** score_rules.id: the definitions they were computed under. */
  kept_rules: number | null;
}

export interface AnswerTable {
  response_id: string;
  item_id: string;
  value: ColumnType<unknown, string, string>;
  answered_on: string;
  /** When the answer was first given (kept when it is changed): for coders' "finished" (ADR 070). */
  created_at: CreatedAt;
}

export interface FormSubmissionTable {
  /** SHA-256 (hex) of the consent form's one-time token; the token itself is never stored. */
  token_hash: string;
  participant_id: string | null;
  claimed_at: CreatedAt;
}

export interface ParticipantTables {
  participant: ParticipantTable;
  participant_session: ParticipantSessionTable;
  consent_record: ConsentRecordTable;
  consent_change: ConsentChangeTable;
  response: ResponseTable;
  answer: AnswerTable;
  form_submission: FormSubmissionTable;
}
