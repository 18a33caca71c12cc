import type { ColumnType } from "kysely";

/** Columns the workspace migration (0004) adds to foundation tables. */
export interface WorkspaceUserColumns {
  totp_last_step: ColumnType<number | null, number | null | undefined, number | null>;
}
