import type { ColumnType, Generated, JSONColumnType } from "kysely";

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type SessionKind = "focus_group" | "interview";
export type InterpreterMode = "none" | "in_person" | "phone" | "video";
export type SpeakerRole = "participant" | "facilitator" | "interpreter";
export type ThemeStatus = "proposed" | "accepted" | "merged";
export type ThemeChangeKind = "created" | "proposed" | "accepted" | "renamed" | "edited" | "moved" | "merged" | "merged_from";
export type RedactionStatus = "suggested" | "confirmed" | "dismissed" | "added";

/** A unit of coding: a transcript segment, or a free-text answer (response + item). */
interface UnitColumns {
  segment_id: string | null;
  response_id: string | null;
  item_id: string | null;
}

export interface StudyCodingTable {
  study_id: string;
  blind: Generated<boolean>;
  redaction_names: Generated<string[]>;
}

/**
 * A gathering: one focus group or interview (app/fieldwork/). The table keeps its first name,
 * `study_session`, and its rows' references stay `session_id`: renaming live tables buys nothing a
 * reader needs, and "session" elsewhere in the code means sign-in (ADR 069).
 */
export interface StudySessionTable {
  id: Generated<string>;
  study_id: string;
  kind: SessionKind;
  label: string;
  held_on: string;
  languages: Generated<string[]>;
  facilitator_user_id: string | null;
  interpreter: Generated<InterpreterMode>;
  recorded: Generated<boolean>;
  notes: Generated<string>;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface SessionAttendeeTable {
  session_id: string;
  participant_id: string;
  position: number;
}

export interface TranscriptSegmentTable {
  id: Generated<string>;
  session_id: string;
  position: number;
  speaker_role: SpeakerRole;
  participant_id: string | null;
  /** The turn's own language (BCP 47), suggested from its script at upload and editable. */
  language: string;
  text: string;
  starts_ms: number | null;
  ends_ms: number | null;
  /** An interpreter turn: the turn (same session) it renders; its words are that turn's speaker's. */
  renders_segment_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** When the turn arrived: a coder's "finished" covers only turns that existed then (ADR 070). */
  created_at: CreatedAt;
}

export interface TranslationTable extends UnitColumns {
  id: Generated<string>;
  language: string;
  text: string;
  translated_by: string | null;
  updated_at: Timestamp;
}

export interface ThemeTable {
  id: Generated<string>;
  study_id: string;
  parent_id: string | null;
  name: string;
  definition: Generated<string>;
  use_when: Generated<string>;
  not_use_when: Generated<string>;
  colour: Generated<string>;
  status: ThemeStatus;
  merged_into: string | null;
  proposed_by: string | null;
  position: Generated<number>;
  created_at: CreatedAt;
}

export interface ThemeChangeTable {
  id: Generated<number>;
  theme_id: string;
  change: ThemeChangeKind;
  detail: JSONColumnType<Record<string, unknown>, string, string>;
  changed_by: string | null;
  changed_at: CreatedAt;
}

export interface CodingTable extends UnitColumns {
  id: Generated<string>;
  study_id: string;
  theme_id: string;
  coder_id: string;
  start_cp: number;
  end_cp: number;
  created_at: CreatedAt;
}

export interface CoderStatusTable {
  study_id: string;
  coder_id: string;
  finished_at: Date | null;
}

export interface ResolvedCodingTable extends UnitColumns {
  id: Generated<string>;
  study_id: string;
  theme_id: string;
  applied: boolean;
  resolved_by: string | null;
  resolved_at: Timestamp;
}

export interface MemoTable {
  id: Generated<string>;
  study_id: string;
  theme_id: string | null;
  coding_id: string | null;
  author_id: string | null;
  text: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface RedactionTable extends UnitColumns {
  id: Generated<string>;
  study_id: string;
  start_cp: number;
  end_cp: number;
  kind: string;
  status: RedactionStatus;
  decided_by: string | null;
  decided_at: Date | null;
}

export interface CodingTables {
  study_coding: StudyCodingTable;
  study_session: StudySessionTable;
  session_attendee: SessionAttendeeTable;
  transcript_segment: TranscriptSegmentTable;
  translation: TranslationTable;
  theme: ThemeTable;
  theme_change: ThemeChangeTable;
  coding: CodingTable;
  coder_status: CoderStatusTable;
  resolved_coding: ResolvedCodingTable;
  memo: MemoTable;
  redaction: RedactionTable;
}
