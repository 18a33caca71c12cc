import { createHash, randomBytes } from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";
import type { DB } from "../../db/index";
import type { TandemContext } from "../context";
import { readCookie } from "../i18n/request.server";

/**
 * Staff sessions live in the database (docs/decisions/020-workspace-sessions.md): the cookie holds a
 * random token, the table holds only its hash, so a copy of the database cannot be replayed as a cookie
 * and deleting a row ends the session at once, in every process.
 */
export const SESSION_IDLE_MS = 30 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
/** last_seen_at is written at most this often, so a page with several loaders is one write, not many. */
const RENEWAL_GRANULARITY_MS = 60 * 1000;

/** The load context with its types, whichever way the app's module augmentation resolves. */
export function workspaceContext(context: AppLoadContext): TandemContext {
  return context as unknown as TandemContext;
}

export function sessionCookieName(secure: boolean) {
  // The __Host- prefix makes the browser refuse the cookie unless it is Secure, host-only and Path=/.
  return secure ? "__Host-tandem_session" : "tandem_session";
}

export function hashToken(token: string) {
  return createHash("sha256").update(token).digest("hex");
}

export function newToken() {
  return randomBytes(32).toString("base64url");
}

export interface StaffSession {
  idHash: string;
  userId: string;
  email: string;
  displayName: string;
  csrfToken: string;
  pendingTotp: boolean;
  totpEnabled: boolean;
}

/** Starts a session: a fresh id every time, never one the browser brought with it. */
export async function createSession(db: DB, userId: string, options: { pendingTotp: boolean; now?: Date }) {
  const now = options.now ?? new Date();
  const token = newToken();
  const csrfToken = newToken();
  await db
    .insertInto("user_session")
    .values({
      id_hash: hashToken(token),
      user_id: userId,
      csrf_token: csrfToken,
      pending_totp: options.pendingTotp,
      created_at: now,
      last_seen_at: now,
      expires_at: new Date(now.getTime() + SESSION_ABSOLUTE_MS),
    })
    .execute();
  return { token, csrfToken };
}

export function sessionTokenFrom(request: Request, secure: boolean): string | undefined {
  const token = readCookie(request, sessionCookieName(secure));
  return token && /^[A-Za-z0-9_-]{43}$/.test(token) ? token : undefined;
}

/**
 * The session a request carries, or null when there is none, it has been idle too long, it has passed
 * its absolute lifetime, or its user is disabled. A live session's last_seen_at is renewed.
 */
export async function readSession(db: DB, request: Request, secure: boolean, now = new Date()): Promise<StaffSession | null> {
  const token = sessionTokenFrom(request, secure);
  if (!token) return null;
  const idHash = hashToken(token);
  const row = await db
    .selectFrom("user_session")
    .innerJoin("app_user", "app_user.id", "user_session.user_id")
    .select([
      "user_session.id_hash",
      "user_session.user_id",
      "user_session.csrf_token",
      "user_session.pending_totp",
      "user_session.last_seen_at",
      "user_session.expires_at",
      "app_user.email",
      "app_user.display_name",
      "app_user.disabled_at",
      "app_user.totp_enabled",
    ])
    .where("user_session.id_hash", "=", idHash)
    .executeTakeFirst();
  if (!row) return null;
  const lastSeen = new Date(row.last_seen_at).getTime();
  const expired =
    new Date(row.expires_at).getTime() <= now.getTime() || lastSeen + SESSION_IDLE_MS <= now.getTime() || row.disabled_at !== null;
  if (expired) {
    await db.deleteFrom("user_session").where("id_hash", "=", idHash).execute();
    return null;
  }
  if (now.getTime() - lastSeen >= RENEWAL_GRANULARITY_MS) {
    await db.updateTable("user_session").set({ last_seen_at: now }).where("id_hash", "=", idHash).execute();
  }
  return {
    idHash,
    userId: row.user_id,
    email: row.email,
    displayName: row.display_name,
    csrfToken: row.csrf_token,
    pendingTotp: row.pending_totp,
    totpEnabled: row.totp_enabled,
  };
}

export async function endSession(db: DB, idHash: string) {
  await db.deleteFrom("user_session").where("id_hash", "=", idHash).execute();
}

/** Ends every session a user has, everywhere: used on disabling and on a password change. */
export async function endUserSessions(db: DB, userId: string) {
  await db.deleteFrom("user_session").where("user_id", "=", userId).execute();
}

export function sessionCookie(token: string, secure: boolean) {
  // No Max-Age: the browser forgets it when closed; the server enforces idle and absolute limits.
  return `${sessionCookieName(secure)}=${token}; Path=/; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

export function clearSessionCookie(secure: boolean) {
  return `${sessionCookieName(secure)}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}
