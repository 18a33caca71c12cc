import type { ColumnType, Generated, JSONColumnType } from "kysely";

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T extends object> = JSONColumnType<T, string, string>;

export type EntryState = "draft" | "in_review" | "approved" | "published" | "unpublished";
export type ActionStatus = "planned" | "in_progress" | "done" | "not_doing";
export type AskMethod = "survey" | "focus_group" | "interview" | "in_person";
export type TextReviewStatus = "draft" | "reviewed";
export type EntryChangeKind = "published" | "updated" | "unpublished" | "republished";
/** Text per language code. */
export type LanguageText = Record<string, string>;

/** Tables of db/migrations/0007_report_back.ts (and 0009_report_text_editor.ts). */
export interface ReportEntryTable {
  id: Generated<string>;
  organisation_id: string;
  study_id: string;
  slug: string;
  state: ColumnType<EntryState, EntryState | undefined, EntryState>;
  asked_on: string | null;
  asked_until: string | null;
  methods: ColumnType<AskMethod[], AskMethod[] | undefined, AskMethod[]>;
  action_status: ColumnType<ActionStatus, ActionStatus | undefined, ActionStatus>;
  progress: ColumnType<number, number | undefined, number>;
  next_review_on: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_by: string | null;
  updated_at: UpdatedAt;
  submitted_by: string | null;
  submitted_at: Date | null;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  published_by: string | null;
  first_published_at: Date | null;
  published_at: Date | null;
}

export interface ReportEntryTextTable {
  entry_id: string;
  language: string;
  title: ColumnType<string, string | undefined, string>;
  asked: ColumnType<string, string | undefined, string>;
  did: ColumnType<string, string | undefined, string>;
  not_doing_reason: ColumnType<string, string | undefined, string>;
  decided_by: ColumnType<string, string | undefined, string>;
  review_status: ColumnType<TextReviewStatus, TextReviewStatus | undefined, TextReviewStatus>;
  reviewed_by: string | null;
  /** Who last saved this language's text (0009); null for texts saved before it was recorded. */
  updated_by: ColumnType<string | null, string | null | undefined, string | null>;
  updated_at: UpdatedAt;
}

export interface ReportEntryThemeTable {
  entry_id: string;
  theme_id: string;
  position: ColumnType<number, number | undefined, number>;
  labels: Json<LanguageText>;
}

export interface ReportEntryQuoteTable {
  id: Generated<string>;
  entry_id: string;
  theme_id: string;
  coding_id: string | null;
  position: ColumnType<number, number | undefined, number>;
  added_by: string | null;
  added_at: CreatedAt;
}

export interface ReportMilestoneTable {
  id: Generated<string>;
  entry_id: string;
  due_on: string;
  done_on: string | null;
  labels: Json<LanguageText>;
  position: ColumnType<number, number | undefined, number>;
}

export interface ReportEntryChangeTable {
  /** bigint identity (0007); db/index.ts reads int8 as a number. */
  id: Generated<number>;
  entry_id: string;
  kind: EntryChangeKind;
  action_status: ActionStatus | null;
  progress: number | null;
  notes: Json<LanguageText>;
  changed_by: string | null;
  changed_at: CreatedAt;
}

export interface ReportBackTables {
  report_entry: ReportEntryTable;
  report_entry_text: ReportEntryTextTable;
  report_entry_theme: ReportEntryThemeTable;
  report_entry_quote: ReportEntryQuoteTable;
  report_milestone: ReportMilestoneTable;
  report_entry_change: ReportEntryChangeTable;
}
