import type { ColumnType, Generated, JSONColumnType } from "kysely";

export type Role = "admin" | "researcher" | "peer_researcher" | "facilitator" | "publisher";
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T extends object | null> = JSONColumnType<T, string, string>;

export interface OrganisationTable {
  id: Generated<string>;
  slug: string;
  name: string;
  require_totp: Generated<boolean>;
  created_at: CreatedAt;
}

export interface AppUserTable {
  id: Generated<string>;
  email: string;
  display_name: Generated<string>;
  password_hash: string | null;
  totp_secret: string | null;
  totp_enabled: Generated<boolean>;
  disabled_at: Date | null;
  created_at: CreatedAt;
}

export interface MembershipTable {
  user_id: string;
  organisation_id: string;
  role: Role;
  created_at: CreatedAt;
}

export interface UserTokenTable {
  token_hash: string;
  user_id: string;
  purpose: "invitation" | "password_reset";
  expires_at: Timestamp;
  used_at: Date | null;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface UserSessionTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  pending_totp: Generated<boolean>;
  created_at: CreatedAt;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
}

export interface AuditEventTable {
  id: Generated<number>;
  occurred_at: CreatedAt;
  actor_user_id: string | null;
  organisation_id: string | null;
  action: string;
  subject: string | null;
  detail: Json<Record<string, unknown>>;
}

export interface InstrumentVersionTable {
  id: Generated<string>;
  instrument_id: string;
  version: number;
  kind: string;
  content_hash: string;
  definition: ColumnType<unknown, string, string>;
  translations: Json<Record<string, unknown>>;
  published_at: CreatedAt;
}

export interface StudyTable {
  id: Generated<string>;
  organisation_id: string;
  slug: string;
  titles: Json<Record<string, string>>;
  languages: string[];
  status: Generated<"draft" | "open" | "closed">;
  settings: Json<Record<string, unknown>>;
  created_at: CreatedAt;
  /** When the study last closed (null while draft or open): retention periods count from it. */
  closed_on: ColumnType<string | null, string | null | undefined, string | null>;
}

/** An admin's decision to keep a study's data past its retention date, with the reason (audited). */
export interface RetentionHoldTable {
  id: Generated<string>;
  study_id: string;
  keep_until: string;
  reason: string;
  recorded_by: string | null;
  recorded_at: CreatedAt;
}

/** The record of a study's data erased on schedule: the counts outlive the words. */
export interface RetentionErasureTable {
  study_id: string;
  due_on: string;
  erased_at: CreatedAt;
  run_by: string | null;
  participants: number;
  responses: number;
  answers: number;
  segments: number;
}

/** db/migrations/0018_study_revision.ts: one row, counted up by a trigger on every write to study or study_instrument (ADR 073). */
export interface StudyRevisionTable {
  id: number;
  revision: number;
}

export type StudyInstrumentRole = "information_sheet" | "consent_form" | "questionnaire" | "topic_guide";

export interface StudyInstrumentTable {
  id: Generated<string>;
  study_id: string;
  instrument_version_id: string;
  role: StudyInstrumentRole;
  timepoint: Generated<string>;
  position: Generated<number>;
}

export interface CohortTable {
  id: Generated<string>;
  study_id: string;
  name: string;
  starts_on: string | null;
  ends_on: string | null;
  created_at: CreatedAt;
}

export interface FoundationTables {
  organisation: OrganisationTable;
  app_user: AppUserTable;
  membership: MembershipTable;
  user_token: UserTokenTable;
  user_session: UserSessionTable;
  audit_event: AuditEventTable;
  instrument_version: InstrumentVersionTable;
  study: StudyTable;
  study_instrument: StudyInstrumentTable;
  study_revision: StudyRevisionTable;
  cohort: CohortTable;
  retention_hold: RetentionHoldTable;
  retention_erasure: RetentionErasureTable;
}
