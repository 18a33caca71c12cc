import type { Kysely } from "kysely";
import { runScript } from "./script";

// When each coding unit arrived, so that a coder's "finished" covers only the units that existed
// when they finished (docs/decisions/070-agreement-figures.md): a turn imported or an answer given
// afterwards is "not coded" for them, not "not applied".
//
// Existing turns take their session's creation time, the best lower bound there is. Existing answers
// take the epoch: when they arrived was never recorded, and the epoch keeps what finishing meant for
// them until now (they count as there before anyone finished). Setting them by UPDATE would also bump
// every response's answers_revision through the trigger of 0010 and make every kept score stale.
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    alter table transcript_segment add column created_at timestamptz;
    update transcript_segment seg set created_at = ses.created_at from study_session ses where ses.id = seg.session_id;
    alter table transcript_segment alter column created_at set default now();
    alter table transcript_segment alter column created_at set not null;

    alter table answer add column created_at timestamptz not null default '1970-01-01T00:00:00Z';
    alter table answer alter column created_at set default now();
    `,
  );
}
