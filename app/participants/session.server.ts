/**
 * The participant's pause-and-return handle in this browser: a token in an HttpOnly cookie, stored
 * only as a hash, with the code sealed under a key derived from the token (so the code can be shown
 * again on "Take a break", and nowhere else). The token is always made by the server: random when a
 * person comes back with their code, and derived under the server's secret from the consent form's
 * signed one-time token when they consent (so a double submit of that form gets the same session),
 * never a value the client chose and never a value that appears in a page
 * (docs/decisions/056-participant-tokens-stored-as-hashes.md). A session cookie (no Max-Age) and 12 hours on the
 * server: on a shared or borrowed phone the next person must not land in someone else's answers; the
 * code is the way back after that. See docs/decisions/010-participant-code-and-session.md.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { sql } from "kysely";
import type { DB } from "../../db/index";
import { readCookie } from "../i18n/request.server";
import { formatParticipantCode, sealCode, unsealCode } from "./code";
import { ATTEMPT_WINDOW_MINUTES } from "../security/attempt-limit.server";
import type { WithdrawalMode } from "../../db/tables/participants";

const SESSION_HOURS = 12;
/** Expired sessions and stale code attempts are cleared at most this often (see sweepExpired). */
export const SWEEP_MINUTES = 15;

export function sessionCookieName(secure: boolean) {
  return secure ? "__Host-tandem_p" : "tandem_p";
}

export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

function idHash(token: string) {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** What participant_session.id_hash holds for a session token (enrolment opens one in its own statement). */
export const sessionIdHash = idHash;

/** When a session opened now ends on the server. */
export function sessionExpiry(now = Date.now()): Date {
  return new Date(now + SESSION_HOURS * 3600_000);
}

/** How long a consent page may be left open before its form must be loaded again. */
export const CONSENT_FORM_HOURS = 24;

/**
 * A one-time token for the consent form: 16 random bytes and the time it was issued, signed with
 * the server's key, so the server accepts back only tokens it issued, and only for CONSENT_FORM_HOURS.
 */
export function issueConsentFormToken(formKey: Buffer, now = Date.now()): string {
  const payload = Buffer.alloc(22);
  randomBytes(16).copy(payload, 0);
  payload.writeUIntBE(Math.floor(now / 1000), 16, 6);
  const mac = createHmac("sha256", formKey).update(payload).digest().subarray(0, 16);
  return `${payload.toString("base64url")}.${mac.toString("base64url")}`;
}

/** True for a token this server issued that has not expired. */
export function verifyConsentFormToken(token: string, formKey: Buffer, now = Date.now()): boolean {
  const [body, mac, ...rest] = token.split(".");
  if (!body || !mac || rest.length > 0 || !/^[A-Za-z0-9_-]{30}$/.test(body) || !/^[A-Za-z0-9_-]{22}$/.test(mac)) return false;
  const payload = Buffer.from(body, "base64url");
  const expected = createHmac("sha256", formKey).update(payload).digest().subarray(0, 16);
  if (!timingSafeEqual(expected, Buffer.from(mac, "base64url"))) return false;
  const issuedMs = payload.readUIntBE(16, 6) * 1000;
  return issuedMs <= now + 60_000 && now - issuedMs < CONSENT_FORM_HOURS * 3600_000;
}

/** The hash a consent form's token is claimed by (form_submission.token_hash). */
export function consentFormTokenHash(token: string): string {
  return createHash("sha256").update(`consent-form:${token}`, "utf8").digest("hex");
}

/**
 * The session cookie value for a consent given with `formToken`: derived under the server's key, so
 * it is the same for a retry of the same form, appears in no page, and a copy of the database
 * (which holds only hashes) cannot produce it.
 */
export function sessionTokenForConsent(formToken: string, formKey: Buffer): string {
  return createHmac("sha256", formKey).update(`participant-session:${formToken}`).digest("base64url");
}

export function sessionCookie(token: string, secure: boolean): string {
  return `${sessionCookieName(secure)}=${token}; Path=/; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

export function clearSessionCookie(secure: boolean): string {
  return `${sessionCookieName(secure)}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure ? "; Secure" : ""}`;
}

/** Opens a session for a participant; `code` (when known) is sealed so this browser can see it again. */
export async function openParticipantSession(
  db: DB,
  input: { token: string; participantId: string; studyId: string; code?: string | null },
) {
  await db
    .insertInto("participant_session")
    .values({
      id_hash: idHash(input.token),
      participant_id: input.participantId,
      sealed_code: input.code ? sealCode(input.code, input.token, input.studyId) : null,
      expires_at: sessionExpiry(),
    })
    .onConflict((oc) => oc.column("id_hash").doNothing())
    .execute();
  await sweepExpired(db);
}

/**
 * Removes expired participant sessions (each holds a sealed code), consent-form claims whose token
 * can no longer be submitted, and attempt counters whose window has ended, whenever a session is opened, so nothing about a visit is kept longer than it is useful. The
 * condition is in the database, so any number of app processes share it: rows are deleted only once
 * some row is SWEEP_MINUTES past its end, and a sweep removes every ended row, so a sweep that deletes
 * anything happens at most once per SWEEP_MINUTES. SKIP LOCKED: concurrent sweeps (one may run inside
 * an enrolment's transaction) never wait for each other. The housekeeping is ADR 014's
 * (docs/decisions/014-participant-journey-without-javascript.md); the claims and counters it clears, ADR 056
 * (docs/decisions/056-participant-tokens-stored-as-hashes.md).
 */
export async function sweepExpired(db: DB): Promise<void> {
  // One statement for the three tables (it used to be three, a tenth of a participant's journey):
  // each part deletes its own rows, as before (ADR 073).
  await sql`
    with sessions as (
      delete from participant_session where id_hash in (
        select id_hash from participant_session
        where expires_at < now()
          and exists (select 1 from participant_session ended where ended.expires_at < now() - make_interval(mins => ${SWEEP_MINUTES}))
        for update skip locked)),
    -- A consent form's claim is needed only while its token could still be submitted.
    claims as (
      delete from form_submission where token_hash in (
        select token_hash from form_submission
        where claimed_at < now() - make_interval(hours => ${CONSENT_FORM_HOURS})
        for update skip locked))
    delete from attempt_counter where window_started_at <= now() - make_interval(mins => ${ATTEMPT_WINDOW_MINUTES})`.execute(db);
}

export interface ParticipantSession {
  token: string;
  participant: {
    id: string;
    language: string;
    withdrawn_on: string | null;
    withdrawal_mode: WithdrawalMode | null;
    /**
     * Whether they have consented to the consent form asked about (the study's current one), read in
     * the same statement as the session on every request, never kept (ADR 073). True when none was asked about.
     */
    consented: boolean;
  };
  /** The formatted code, if this browser was given or typed it. */
  readonly code: string | null;
}

export async function readParticipantSession(
  db: DB,
  request: Request,
  input: { studyId: string; secure: boolean; consentFormVersionId?: string | null },
): Promise<ParticipantSession | null> {
  const token = readCookie(request, sessionCookieName(input.secure));
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const formId = input.consentFormVersionId ?? null;
  const row = await db
    .selectFrom("participant_session")
    .innerJoin("participant", "participant.id", "participant_session.participant_id")
    .select((eb) => [
      "participant.id",
      "participant.language",
      "participant.withdrawn_on",
      "participant.withdrawal_mode",
      "participant.study_id",
      "participant_session.sealed_code",
      "participant_session.expires_at",
      // The same question as hasCurrentConsent (enrolment.server.ts), in the same round trip.
      formId === null
        ? sql<boolean>`true`.as("consented")
        : eb
            .exists(
              eb
                .selectFrom("consent_record")
                .select("consent_record.id")
                .whereRef("consent_record.participant_id", "=", "participant.id")
                .where("consent_record.instrument_version_id", "=", formId),
            )
            .as("consented"),
    ])
    .where("participant_session.id_hash", "=", idHash(token))
    .executeTakeFirst();
  if (!row || row.study_id !== input.studyId || row.expires_at.getTime() < Date.now()) return null;
  const sealed = row.sealed_code;
  let code: string | null | undefined;
  return {
    token,
    participant: {
      id: row.id,
      language: row.language,
      withdrawn_on: row.withdrawn_on,
      withdrawal_mode: row.withdrawal_mode,
      consented: Boolean(row.consented),
    },
    // Opened only by the few pages that show the code: a key derivation and a decryption on every
    // request were a few per cent of a questionnaire page's CPU (issue 15).
    get code() {
      if (code === undefined) {
        const canonical = sealed ? unsealCode(sealed, token, input.studyId) : null;
        code = canonical ? formatParticipantCode(canonical) : null;
      }
      return code;
    },
  };
}

export async function endParticipantSession(db: DB, token: string) {
  await db.deleteFrom("participant_session").where("id_hash", "=", idHash(token)).execute();
}
