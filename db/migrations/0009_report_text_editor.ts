import type { Kysely } from "kysely";
import { runScript } from "./script";

// A translation of a "you said, we did" entry is checked by someone other than the person who last
// wrote it (docs/decisions/052-translation-review.md), so each language's text records who last saved
// it. Texts saved before this migration have no recorded editor and may be checked by anyone.
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    alter table report_entry_text add column updated_by uuid references app_user(id) on delete set null;
    `,
  );
}
