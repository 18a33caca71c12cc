import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";

/** Every kind of event the audit log records: the one list the log, its filter and its tests use. */
export const AUDIT_ACTIONS = [
  "sign_in",
  "sign_in_failed",
  "sign_out",
  "user_created",
  "invitation_issued",
  "password_reset_issued",
  "password_link_refused",
  "password_set",
  "totp_enabled",
  "user_disabled",
  "user_enabled",
  "membership_invited",
  "membership_accepted",
  "membership_declined",
  "membership_removed",
  "role_changed",
  "organisation_created",
  "organisation_settings_changed",
  "study_created",
  "study_updated",
  "study_status_changed",
  "codes_issued",
  "paper_consent_recorded",
  "withdrawal_recorded",
  "retention_hold_recorded",
  "retention_erased",
  "consent_changed_by_staff",
  "responses_imported",
  "codebook_imported",
  "export",
  "coding_settings_changed",
  "publication",
  "demo_seeded",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  actorUserId?: string | null;
  organisationId?: string | null;
  action: AuditAction;
  /** What was acted on, by id or slug: never a participant code or answer text. */
  subject?: string | null;
  /** Filters, counts and similar. Never answer text or participant codes. */
  detail?: Record<string, unknown>;
}

/** Appends to the audit log (the table refuses updates and deletes). Pass the transaction when inside one. */
export async function recordAudit(db: Kysely<Database>, entry: AuditEntry): Promise<void> {
  await db
    .insertInto("audit_event")
    .values({
      actor_user_id: entry.actorUserId ?? null,
      organisation_id: entry.organisationId ?? null,
      action: entry.action,
      subject: entry.subject ?? null,
      detail: JSON.stringify(entry.detail ?? {}),
    })
    .execute();
}
