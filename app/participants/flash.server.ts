/**
 * Post/redirect/get for participant forms (docs/decisions/065-post-redirect-get-for-participants.md).
 * Every participant POST answers with a redirect; what the next page must show once (the errors, what
 * was typed, what a withdrawal did) travels as a flash: a row sealed under a key derived from a random
 * token that only this browser holds, in an HttpOnly cookie. The page's next GET reads it and deletes
 * it, so Back, reload or a later visit never shows it again, and no POST is left in the history for
 * the browser to offer to resubmit ("Confirm Form Resubmission").
 *
 * On a shared phone the next person could open the page within minutes: the row lives at most
 * FLASH_SECONDS, holds item ids and values (never a participant id), and is bound to the page it was
 * written for (the sealed content's associated data), so it opens nowhere else. Secrets (a code
 * typed into "resume") are never put in a flash.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { DB } from "../../db/index";
import { readCookie } from "../i18n/request.server";

export const FLASH_SECONDS = 300;
const INFO = Buffer.from("tandem/participant-flash/v1", "utf8");

export interface FlashError {
  /** The id of the field the summary links to. */
  field: string;
  /** A catalogue key; the page words it in the reader's language. */
  key: string;
  /** What the message is about (an item or statement id), so the page can name it. */
  about?: string;
}

export interface FlashContent {
  errors?: FlashError[];
  /** What was typed or chosen, by field name, to show it again. */
  values?: Record<string, string | string[]>;
  /** Anything else a page shows once (a withdrawal's outcome, "saved"). */
  notice?: Record<string, string | number | boolean>;
}

export function flashCookieName(secure: boolean) {
  return secure ? "__Host-tandem_f" : "tandem_f";
}

function cookie(value: string, maxAge: number, secure: boolean) {
  return `${flashCookieName(secure)}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure ? "; Secure" : ""}`;
}

const idHash = (token: string) => createHash("sha256").update(`flash\u0000${token}`, "utf8").digest("hex");
const key = (token: string, salt: Buffer) => Buffer.from(hkdfSync("sha256", Buffer.from(token, "base64url"), salt, INFO, 32));

function seal(content: FlashContent, token: string, path: string): string {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(token, salt), iv);
  cipher.setAAD(Buffer.from(path, "utf8"));
  const body = Buffer.concat([cipher.update(JSON.stringify(content), "utf8"), cipher.final()]);
  return Buffer.concat([salt, iv, cipher.getAuthTag(), body]).toString("base64url");
}

function unseal(sealed: string, token: string, path: string): FlashContent | null {
  try {
    const bytes = Buffer.from(sealed, "base64url");
    const decipher = createDecipheriv("aes-256-gcm", key(token, bytes.subarray(0, 16)), bytes.subarray(16, 28), { authTagLength: 16 });
    decipher.setAAD(Buffer.from(path, "utf8"));
    decipher.setAuthTag(bytes.subarray(28, 44));
    const plain = Buffer.concat([decipher.update(bytes.subarray(44)), decipher.final()]).toString("utf8");
    const parsed = JSON.parse(plain) as unknown;
    return parsed && typeof parsed === "object" ? (parsed as FlashContent) : null;
  } catch {
    // Another page's flash (the associated data differs) or a damaged row: nothing to show.
    return null;
  }
}

/**
 * Stores what `path`'s next GET must show once; returns the Set-Cookie header for the redirect.
 * Expired flashes are deleted on the way (the table only ever holds the last few minutes).
 */
export async function putFlash(db: DB, input: { path: string; content: FlashContent; secure: boolean }): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await db
    .deleteFrom("participant_flash")
    .where("expires_at", "<", sql<Date>`now()`)
    .execute();
  await db
    .insertInto("participant_flash")
    .values({
      id_hash: idHash(token),
      sealed: seal(input.content, token, input.path),
      expires_at: sql<Date>`now() + make_interval(secs => ${FLASH_SECONDS})` as never,
    })
    .execute();
  return cookie(token, FLASH_SECONDS, input.secure);
}

/**
 * The flash for `path`, read once: the row is deleted whether or not it was written for this page,
 * and `setCookie` forgets the cookie. `content` is null when there is none (or it was for another page).
 */
export async function takeFlash(
  db: DB,
  request: Request,
  input: { path: string; secure: boolean },
): Promise<{ content: FlashContent | null; headers: Record<string, string> }> {
  const token = readCookie(request, flashCookieName(input.secure));
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return { content: null, headers: {} };
  const row = await db
    .deleteFrom("participant_flash")
    .where("id_hash", "=", idHash(token))
    .returning(["sealed", "expires_at"])
    .executeTakeFirst();
  const headers = { "Set-Cookie": cookie("", 0, input.secure) };
  if (!row || row.expires_at.getTime() < Date.now()) return { content: null, headers };
  return { content: unseal(row.sealed, token, input.path), headers };
}

/** The path a form's redirect returns to: the same page (with its query, e.g. ?to=withdraw). */
export function samePage(request: Request): string {
  const url = new URL(request.url);
  return url.pathname + url.search;
}

/** The path a flash is bound to: the page without its query (the GET may add or drop one). */
export function flashPath(request: Request | string): string {
  return new URL(typeof request === "string" ? request : request.url, "http://x").pathname;
}
