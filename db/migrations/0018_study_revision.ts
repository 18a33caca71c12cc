import type { Kysely } from "kysely";
import { runScript } from "./script";

// Participant pages keep a published study's settings and instrument uses in process memory
// (app/participants/study-cache.server.ts, ADR 073). Every process must learn of a change, whichever
// process, command or hand-written statement made it: a trigger on each table the cache reads counts
// every write statement in one row, and a process that sees the count move forgets what it kept.
// Statement-level, so a bulk change is one step; studies change rarely, so the row is never hot.
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    create table study_revision (
      id smallint primary key check (id = 1),
      revision bigint not null
    );
    insert into study_revision (id, revision) values (1, 0);

    create function study_revision_bump() returns trigger language plpgsql as $$
    begin
      update study_revision set revision = revision + 1 where id = 1;
      return null;
    end
    $$;

    create trigger study_revision_on_study after insert or update or delete or truncate on study
      for each statement execute function study_revision_bump();
    create trigger study_revision_on_use after insert or update or delete or truncate on study_instrument
      for each statement execute function study_revision_bump();
    `,
  );
}
