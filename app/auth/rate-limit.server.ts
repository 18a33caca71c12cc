import { createHash, randomBytes } from "node:crypto";
import type { DB } from "../../db/index";
import { countAttempts, forgetAttempts, returnAttempt } from "../security/attempt-limit.server";

/**
 * Sign-in limits (docs/decisions/057-attempt-limits.md, which replaces 023's counting). Every attempt
 * is counted before the password is checked, atomically, so a burst is counted one by one.
 *
 * Who is limited, and why a stranger cannot lock the owner out:
 * - `pair`: an account from one address, 5 in 15 minutes: a person's own typos, or one guesser.
 * - `account`: an account from everywhere, 100 in 15 minutes: a guesser spread over many addresses.
 *   Passwords are at least 12 characters and not on the common-password list, so 9,600 guesses a
 *   day find nothing; the cap only stops a flood.
 * - `client`: one address at any accounts, 50 in 15 minutes: spraying one password at many accounts.
 * - `device`: a browser that signed in to this account before carries a device cookie (its hash is
 *   kept in trusted_device). Its attempts count only against itself (5 in 15 minutes), never against
 *   `account` or `client`: the owner's own browser gets in even while strangers hammer the account or
 *   share the owner's network.
 */
export const PAIR_LIMIT = 5;
export const ACCOUNT_LIMIT = 100;
export const CLIENT_LIMIT = 50;
export const DEVICE_LIMIT = 5;
/** A device cookie is remembered this long after its last successful sign-in. */
export const DEVICE_DAYS = 90;

const sha = (value: string) => createHash("sha256").update(value).digest("hex");

/** The account key is a hash of the e-mail as typed (normalised), so it exists for unknown addresses too. */
export function accountLimitKey(email: string) {
  return `account:${sha(email).slice(0, 32)}`;
}

export function clientLimitKey(clientKey: string) {
  return `client:${clientKey}`;
}

export interface AttemptKeys {
  /** The limits that apply to this attempt, each counted before the check. */
  limits: { key: string; limit: number }[];
  /** Cleared by a success (the person proved who they are). */
  clearedBySuccess: string[];
  /** Counted, but handed back on success (a success must not use up a shared allowance). */
  returnedOnSuccess: string[];
}

/** The keys for one attempt at `subject` (an account key, or `totp:<user>`), from a client, maybe on a known device. */
export function attemptKeys(subject: string, clientKey: string, trustedDevice: string | null): AttemptKeys {
  if (trustedDevice) {
    const device = `device:${trustedDevice}:${subject}`;
    return { limits: [{ key: device, limit: DEVICE_LIMIT }], clearedBySuccess: [device], returnedOnSuccess: [] };
  }
  const pair = `pair:${subject}:${clientKey}`;
  const wide = subject.startsWith("totp:") ? [] : [{ key: subject, limit: ACCOUNT_LIMIT }];
  const client = { key: clientLimitKey(clientKey), limit: CLIENT_LIMIT };
  return {
    limits: [{ key: pair, limit: PAIR_LIMIT }, ...wide, client],
    clearedBySuccess: [pair],
    returnedOnSuccess: [...wide.map((w) => w.key), client.key],
  };
}

/** Counts the attempt; true when it is over a limit and must not be checked. */
export async function countSignInAttempt(db: DB, keys: AttemptKeys): Promise<boolean> {
  return countAttempts(db, keys.limits);
}

export async function settleSuccessfulAttempt(db: DB, keys: AttemptKeys): Promise<void> {
  await forgetAttempts(db, keys.clearedBySuccess);
  for (const key of keys.returnedOnSuccess) await returnAttempt(db, key);
}

export const DEVICE_COOKIE = "tandem_device";

export function deviceCookieName(secure: boolean) {
  return secure ? `__Host-${DEVICE_COOKIE}` : DEVICE_COOKIE;
}

export function deviceCookie(token: string, secure: boolean) {
  // A __Host- cookie must have Path=/; without the prefix it goes only to the workspace.
  const path = secure ? "/" : "/research";
  return `${deviceCookieName(secure)}=${token}; Path=${path}; HttpOnly; SameSite=Lax; Max-Age=${DEVICE_DAYS * 86400}${secure ? "; Secure" : ""}`;
}

/**
 * The device's hash if this browser's device cookie belongs to `userId` and is still remembered.
 * Only the hash is stored: a copy of the database cannot make a device cookie.
 */
export async function trustedDeviceOf(db: DB, token: string | undefined, userId: string | undefined): Promise<string | null> {
  if (!token || !userId || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const hash = sha(`device:${token}`);
  const row = await db
    .selectFrom("trusted_device")
    .select("token_hash")
    .where("token_hash", "=", hash)
    .where("user_id", "=", userId)
    .where("last_used_at", ">", new Date(Date.now() - DEVICE_DAYS * 86400_000))
    .executeTakeFirst();
  return row ? hash : null;
}

/** Remembers this browser for `userId` after a successful sign-in; returns the cookie value to set. */
export async function rememberDevice(db: DB, userId: string, existing: string | undefined): Promise<string> {
  const token = existing && /^[A-Za-z0-9_-]{43}$/.test(existing) ? existing : randomBytes(32).toString("base64url");
  const hash = sha(`device:${token}`);
  await db
    .insertInto("trusted_device")
    .values({ token_hash: hash, user_id: userId })
    .onConflict((oc) => oc.column("token_hash").doUpdateSet({ last_used_at: new Date() }).where("trusted_device.user_id", "=", userId))
    .execute();
  // A cookie value already remembered for someone else is not reused: one browser, one account's device.
  const owner = await db.selectFrom("trusted_device").select("user_id").where("token_hash", "=", hash).executeTakeFirst();
  if (owner && owner.user_id !== userId) return rememberDevice(db, userId, undefined);
  await db
    .deleteFrom("trusted_device")
    .where("last_used_at", "<", new Date(Date.now() - DEVICE_DAYS * 86400_000))
    .execute();
  return token;
}
