import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { DB } from "../../db/index";

/**
 * Sign-in rate limits, counted in the database so that every app process sees the same count
 * (docs/decisions/023-sign-in-rate-limits.md). Failures count from the last success or the start of
 * the window, whichever is later.
 */
export const RATE_LIMIT_WINDOW_MS = 15 * 60 * 1000;
export const ACCOUNT_FAILURE_LIMIT = 5;
export const CLIENT_FAILURE_LIMIT = 20;

/** The account key is a hash of the e-mail as typed (normalised), so it exists for unknown addresses too. */
export function accountLimitKey(email: string) {
  return `account:${createHash("sha256").update(email).digest("hex").slice(0, 32)}`;
}

export function clientLimitKey(clientKey: string) {
  return `client:${clientKey}`;
}

async function failuresSince(db: DB, key: string, now: Date): Promise<number> {
  const windowStart = new Date(now.getTime() - RATE_LIMIT_WINDOW_MS);
  const row = await db
    .selectFrom("sign_in_attempt")
    .select(sql<number>`count(*)::int`.as("failures"))
    .where("limit_key", "=", key)
    .where("succeeded", "=", false)
    .where("attempted_at", ">", windowStart)
    .where((eb) =>
      eb(
        "attempted_at",
        ">",
        eb.fn.coalesce(
          eb
            .selectFrom("sign_in_attempt as s")
            .select((inner) => inner.fn.max("s.attempted_at").as("last_success"))
            .where("s.limit_key", "=", key)
            .where("s.succeeded", "=", true),
          sql<Date>`${windowStart}::timestamptz`,
        ),
      ),
    )
    .executeTakeFirstOrThrow();
  return Number(row.failures);
}

/** True when either the account or the client has had too many failures recently. */
export async function isSignInLimited(db: DB, keys: { account: string; client: string }, now = new Date()) {
  const [account, client] = await Promise.all([failuresSince(db, keys.account, now), failuresSince(db, keys.client, now)]);
  return account >= ACCOUNT_FAILURE_LIMIT || client >= CLIENT_FAILURE_LIMIT;
}

export async function recordSignInAttempt(db: DB, keys: { account: string; client: string }, succeeded: boolean, now = new Date()) {
  // A success clears the account's count, not the client's: one good password must not reset a
  // client that is guessing at many accounts.
  const rows = succeeded
    ? [{ limit_key: keys.account, succeeded: true, attempted_at: now }]
    : [keys.account, keys.client].map((limit_key) => ({ limit_key, succeeded: false, attempted_at: now }));
  await db.insertInto("sign_in_attempt").values(rows).execute();
}
