/**
 * How the workspace names a colleague, in one place (issue 14 item 3): the name they chose, or
 * their e-mail address until they have chosen one. Never "Coder", never blank: a coder column, an
 * agreement table or a REFI-QDA <User> must say who did the work.
 */
import type { DB } from "../../db/index";

export function personName(row: { display_name: string; email: string }): string {
  return row.display_name.trim() || row.email;
}

/** Names of these accounts, by id. */
export async function namesOf(db: DB, userIds: readonly string[]): Promise<Map<string, string>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("app_user")
    .select(["id", "display_name", "email"])
    .where("id", "in", [...new Set(userIds)])
    .execute();
  return new Map(rows.map((r) => [r.id, personName(r)]));
}
