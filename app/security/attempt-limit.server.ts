/**
 * Attempt limits (sign-in, second factor, participant codes), counted in the database so that every
 * app process shares them (docs/decisions/057-attempt-limits.md).
 *
 * An attempt is counted before it is checked, in one statement that takes the counter row's lock:
 * twenty requests sent at once are counted one after another, so at most `limit` of them are ever
 * checked. A counter lives for one window; rows whose window has ended are deleted as new attempts
 * arrive, so a keyed hash of someone's address is kept no longer than the limit needs it.
 */
import { sql } from "kysely";
import type { DB } from "../../db/index";

/** Every limit's window. One length for all keys keeps the sweep a single indexed delete. */
export const ATTEMPT_WINDOW_MINUTES = 15;

/**
 * Counts one attempt against `key` and returns how many the key has made in its current window,
 * this one included. A window that has ended starts again at 1.
 */
export async function countAttempt(db: DB, key: string): Promise<number> {
  const { rows } = await sql<{ attempts: number }>`
    insert into attempt_counter as c (limit_key, window_started_at, attempts)
    values (${key}, now(), 1)
    on conflict (limit_key) do update set
      attempts = case when c.window_started_at <= now() - make_interval(mins => ${ATTEMPT_WINDOW_MINUTES}) then 1 else c.attempts + 1 end,
      window_started_at = case when c.window_started_at <= now() - make_interval(mins => ${ATTEMPT_WINDOW_MINUTES}) then now() else c.window_started_at end
    returning attempts`.execute(db);
  await sweepAttemptCounters(db);
  return Number(rows[0]!.attempts);
}

/** Counts one attempt against each key; true when any key is now over its limit. */
export async function countAttempts(db: DB, limits: readonly { key: string; limit: number }[]): Promise<boolean> {
  let over = false;
  // One after another, in a fixed order: concurrent requests then never wait on each other in a cycle.
  for (const { key, limit } of [...limits].sort((a, b) => a.key.localeCompare(b.key))) {
    if ((await countAttempt(db, key)) > limit) over = true;
  }
  return over;
}

/** How many attempts `key` has made in its current window (0 when the window has ended). */
export async function attemptsMade(db: DB, key: string): Promise<number> {
  const row = await db
    .selectFrom("attempt_counter")
    .select("attempts")
    .where("limit_key", "=", key)
    .where("window_started_at", ">", sql<Date>`now() - make_interval(mins => ${ATTEMPT_WINDOW_MINUTES})`)
    .executeTakeFirst();
  return row ? Number(row.attempts) : 0;
}

/** Takes back one counted attempt (it turned out to be a success that must not count against the key). */
export async function returnAttempt(db: DB, key: string): Promise<void> {
  await db
    .updateTable("attempt_counter")
    .set({ attempts: sql`greatest(attempts - 1, 0)` })
    .where("limit_key", "=", key)
    .execute();
}

/** Forgets a key's attempts (after a success that clears it). */
export async function forgetAttempts(db: DB, keys: readonly string[]): Promise<void> {
  if (keys.length > 0) await db.deleteFrom("attempt_counter").where("limit_key", "in", keys).execute();
}

/** Deletes every counter whose window has ended. Cheap (an index range); safe from any process. */
export async function sweepAttemptCounters(db: DB): Promise<void> {
  await sql`delete from attempt_counter where window_started_at <= now() - make_interval(mins => ${ATTEMPT_WINDOW_MINUTES})`.execute(db);
}
