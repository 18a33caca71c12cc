import type { Kysely } from "kysely";
import { runScript } from "./script";

// The researcher workspace: replay protection for second-factor codes.
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    -- The last TOTP time step accepted for a user: a code seen once is not accepted again (RFC 6238 §5.2).
    alter table app_user add column totp_last_step bigint;
  `,
  );
}
