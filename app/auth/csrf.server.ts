import { randomBytes, timingSafeEqual } from "node:crypto";
import { readCookie } from "../i18n/request.server";
import { readFormBody } from "../security/form-body.server";

/**
 * Per-session CSRF tokens (docs/decisions/021-csrf-tokens.md). The server already refuses cross-site
 * POSTs by Origin and Sec-Fetch-Site and cookies are SameSite=Lax; the token is the third, independent
 * layer, and the one that still holds for an old browser that sends neither header.
 */
export const CSRF_FIELD = "csrf";
const ANONYMOUS_COOKIE = "tandem_form";

function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== "string" || given.length === 0) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function refuse(): never {
  throw new Response("This form has expired. Go back, reload the page and try again.", {
    status: 403,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}

async function formToken(request: Request): Promise<unknown> {
  const type = request.headers.get("Content-Type") ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded") && !type.startsWith("multipart/form-data")) return undefined;
  // A clone, so the action reads its own form untouched.
  const form = await readFormBody(request.clone());
  return form.get(CSRF_FIELD);
}

/** Throws 403 unless the request's form carries the session's token. */
export async function verifyCsrf(request: Request, expected: string) {
  if (!sameToken(await formToken(request), expected)) refuse();
}

/**
 * Before anyone is signed in (sign-in, invitation, reset forms) there is no session to bind to: a
 * random double-submit cookie takes its place. Returns the token and, when new, the cookie to set.
 */
export function anonymousFormToken(request: Request, secure: boolean): { token: string; setCookie?: string } {
  const existing = readCookie(request, ANONYMOUS_COOKIE);
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return { token: existing };
  const token = randomBytes(32).toString("base64url");
  return { token, setCookie: `${ANONYMOUS_COOKIE}=${token}; Path=/research; HttpOnly; SameSite=Strict${secure ? "; Secure" : ""}` };
}

export async function verifyAnonymousCsrf(request: Request) {
  const expected = readCookie(request, ANONYMOUS_COOKIE);
  if (!expected) refuse();
  if (!sameToken(await formToken(request), expected)) refuse();
}
