import type { Kysely } from "kysely";
import { runScript } from "./script";

// The audit log refused UPDATE and DELETE row by row (0001), but TRUNCATE fires no row triggers:
// one statement could still empty it. A statement-level trigger closes that too.
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    create trigger audit_event_no_truncate before truncate on audit_event
      for each statement execute function audit_event_is_append_only();
    `,
  );
}
