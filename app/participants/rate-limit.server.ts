/**
 * Slows participant-code guessing per client (context.clientKey, a keyed hash of the address; the
 * address itself is never stored). Codes carry 75 bits, so guessing is hopeless anyway; the limit
 * mostly stops a script from filling logs and the database. Only wrong codes count, so a person who
 * mistypes a few times is never locked out of their own answers for long.
 */
import { sql } from "kysely";
import type { DB } from "../../db/index";

export const CODE_ATTEMPT_LIMIT = 10;
export const CODE_ATTEMPT_WINDOW_MINUTES = 15;
/** Attempts older than this say nothing useful and are deleted (here and by sweepExpired). */
export const CODE_ATTEMPT_KEEP_MINUTES = 24 * 60;

export async function codeAttemptsAllowed(db: DB, clientKey: string): Promise<boolean> {
  const row = await db
    .selectFrom("code_attempt")
    .select(sql<number>`count(*)`.as("n"))
    .where("limit_key", "=", clientKey)
    .where("attempted_at", ">", sql<Date>`now() - make_interval(mins => ${CODE_ATTEMPT_WINDOW_MINUTES})`)
    .executeTakeFirstOrThrow();
  return Number(row.n) < CODE_ATTEMPT_LIMIT;
}

export async function recordWrongCode(db: DB, clientKey: string): Promise<void> {
  await db.insertInto("code_attempt").values({ limit_key: clientKey }).execute();
  // Old attempts say nothing useful; keep the table small.
  await db.deleteFrom("code_attempt").where("attempted_at", "<", sql<Date>`now() - make_interval(mins => ${CODE_ATTEMPT_KEEP_MINUTES})`).execute();
}
