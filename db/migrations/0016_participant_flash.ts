import type { Kysely } from "kysely";
import { runScript } from "./script";

// What a participant form's redirect carries to the page it redirects to (post/redirect/get): the
// errors and the values typed, read once by the next GET of that page and deleted then
// (docs/decisions/065-post-redirect-get-for-participants.md). The content is sealed under a key
// derived from the browser's cookie token, so a database dump alone cannot read a typed answer; the
// row is keyed by the token's hash, never by the participant, and lives minutes at most.
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    create table participant_flash (
      id_hash text primary key,
      sealed text not null,
      expires_at timestamptz not null
    );
    create index participant_flash_expires on participant_flash (expires_at);
    `,
  );
}
