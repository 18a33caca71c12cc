/**
 * The participant's pause-and-return handle in this browser: a random token in an HttpOnly cookie,
 * stored only as a hash, with the code sealed under a key derived from the token (so the code can be
 * shown again on "Take a break", and nowhere else). A session cookie (no Max-Age) and 12 hours on the
 * server: on a shared or borrowed phone the next person must not land in someone else's answers; the
 * code is the way back after that. See docs/decisions/010-participant-code-and-session.md.
 */
import { createHash, randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { DB } from "../../db/index";
import { readCookie } from "../i18n/request.server";
import { formatParticipantCode, sealCode, unsealCode } from "./code";
import { CODE_ATTEMPT_KEEP_MINUTES } from "./rate-limit.server";

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

export function sessionCookie(token: string, secure: boolean): string {
  return `${sessionCookieName(secure)}=${token}; Path=/; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

export function clearSessionCookie(secure: boolean): string {
  return `${sessionCookieName(secure)}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure ? "; Secure" : ""}`;
}

/** Opens a session for a participant; `code` (when known) is sealed so this browser can see it again. */
export async function openParticipantSession(db: DB, input: { token: string; participantId: string; studyId: string; code?: string | null }) {
  await db
    .insertInto("participant_session")
    .values({
      id_hash: idHash(input.token),
      participant_id: input.participantId,
      sealed_code: input.code ? sealCode(input.code, input.token, input.studyId) : null,
      expires_at: new Date(Date.now() + SESSION_HOURS * 3600_000),
    })
    .onConflict((oc) => oc.column("id_hash").doNothing())
    .execute();
  await sweepExpired(db);
}

/**
 * Removes expired participant sessions (each holds a sealed code) and code attempts too old to count,
 * whenever a session is opened, so nothing about a visit is kept longer than it is useful. The
 * condition is in the database, so any number of app processes share it: rows are deleted only once
 * some row is SWEEP_MINUTES past its end, and a sweep removes every ended row, so a sweep that deletes
 * anything happens at most once per SWEEP_MINUTES. SKIP LOCKED: concurrent sweeps (one may run inside
 * an enrolment's transaction) never wait for each other. See docs/decisions/014-participant-housekeeping.md.
 */
export async function sweepExpired(db: DB): Promise<void> {
  await sql`
    delete from participant_session where id_hash in (
      select id_hash from participant_session
      where expires_at < now()
        and exists (select 1 from participant_session ended where ended.expires_at < now() - make_interval(mins => ${SWEEP_MINUTES}))
      for update skip locked)`.execute(db);
  await sql`
    delete from code_attempt where id in (
      select id from code_attempt
      where attempted_at < now() - make_interval(mins => ${CODE_ATTEMPT_KEEP_MINUTES})
        and exists (select 1 from code_attempt old where old.attempted_at < now() - make_interval(mins => ${CODE_ATTEMPT_KEEP_MINUTES + SWEEP_MINUTES}))
      for update skip locked)`.execute(db);
}

export interface ParticipantSession {
  token: string;
  participant: { id: string; language: string; withdrawn_on: string | null; withdrawal_mode: "erase" | "keep" | null };
  /** The formatted code, if this browser was given or typed it. */
  code: string | null;
}

export async function readParticipantSession(db: DB, request: Request, input: { studyId: string; secure: boolean }): Promise<ParticipantSession | null> {
  const token = readCookie(request, sessionCookieName(input.secure));
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const row = await db
    .selectFrom("participant_session")
    .innerJoin("participant", "participant.id", "participant_session.participant_id")
    .select(["participant.id", "participant.language", "participant.withdrawn_on", "participant.withdrawal_mode", "participant.study_id", "participant_session.sealed_code", "participant_session.expires_at"])
    .where("participant_session.id_hash", "=", idHash(token))
    .executeTakeFirst();
  if (!row || row.study_id !== input.studyId || row.expires_at.getTime() < Date.now()) return null;
  const canonical = row.sealed_code ? unsealCode(row.sealed_code, token, input.studyId) : null;
  return {
    token,
    participant: { id: row.id, language: row.language, withdrawn_on: row.withdrawn_on, withdrawal_mode: row.withdrawal_mode },
    code: canonical ? formatParticipantCode(canonical) : null,
  };
}

export async function endParticipantSession(db: DB, token: string) {
  await db.deleteFrom("participant_session").where("id_hash", "=", idHash(token)).execute();
}
