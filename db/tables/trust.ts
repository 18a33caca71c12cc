import type { ColumnType, Generated } from "kysely";
import type { Role } from "./foundation";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

/** One attempt limit's count in its current window (docs/decisions/057-attempt-limits.md). */
export interface AttemptCounterTable {
  limit_key: string;
  window_started_at: Timestamp;
  attempts: number;
}

/** A browser that signed in to the account before; only the cookie's hash is kept. */
export interface TrustedDeviceTable {
  token_hash: string;
  user_id: string;
  created_at: CreatedAt;
  last_used_at: Timestamp;
}

/** An existing account asked to join another organisation; it joins when its owner accepts. */
export interface MembershipInvitationTable {
  id: Generated<string>;
  organisation_id: string;
  user_id: string;
  role: Role;
  invited_by: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

export interface TrustTables {
  attempt_counter: AttemptCounterTable;
  trusted_device: TrustedDeviceTable;
  membership_invitation: MembershipInvitationTable;
}
