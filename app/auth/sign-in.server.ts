import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { DB } from "../../db/index";
import { recordAudit } from "../audit/log.server";
import { hashPassword, passwordNeedsRehash, verifyPassword } from "./password.server";
import {
  accountLimitKey,
  attemptKeys,
  countSignInAttempt,
  rememberDevice,
  settleSuccessfulAttempt,
  trustedDeviceOf,
} from "./rate-limit.server";
import { createSession, endSession } from "./sessions.server";
import { matchTotpStep } from "./totp";
import { isSealed, openTotpSecret, sealTotpSecret } from "./totp-seal.server";

export const signInSchema = z.object({
  email: z.string().trim().toLowerCase().max(320),
  // Exactly as typed: no trimming, no normalisation (a space may be part of it).
  password: z.string().max(1024),
});

export function normaliseEmail(email: string) {
  return email.trim().toLowerCase();
}

export type SignInResult =
  | { ok: true; userId: string; token: string; pendingTotp: boolean; deviceToken: string }
  | { ok: false; reason: "invalid" | "rate_limited" };

let dummyHash: Promise<string> | undefined;
/**
 * A hash to verify against when the e-mail is unknown, so that an unknown address takes as long to
 * refuse as a wrong password (OWASP ASVS 5 V6.3).
 */
function dummyPasswordHash() {
  return (dummyHash ??= hashPassword(randomBytes(18).toString("base64")));
}
// Made when the module loads, so the first unknown address is not slower than the rest.
void dummyPasswordHash();

/**
 * Checks an e-mail and password. Unknown e-mail, disabled account, account without a password yet
 * and wrong password all give the same answer. On success a new session starts, waiting for the
 * second factor if the user has one or an organisation of theirs requires one.
 */
export async function signIn(
  db: DB,
  input: { email: string; password: string; clientKey: string; previousSessionHash?: string; deviceToken?: string },
  now = new Date(),
): Promise<SignInResult> {
  const email = normaliseEmail(input.email);
  const user = await db
    .selectFrom("app_user")
    .select(["id", "password_hash", "disabled_at", "totp_enabled"])
    .where("email", "=", email)
    .executeTakeFirst();
  const device = await trustedDeviceOf(db, input.deviceToken, user?.id);
  const keys = attemptKeys(accountLimitKey(email), input.clientKey, device);

  // Counted before the password is checked, so a burst sent at once is limited too.
  if (await countSignInAttempt(db, keys)) {
    await recordAudit(db, { actorUserId: user?.id ?? null, action: "sign_in_failed", detail: { reason: "rate_limited" } });
    return { ok: false, reason: "rate_limited" };
  }

  const hash = user?.password_hash ?? (await dummyPasswordHash());
  const passwordMatches = await verifyPassword(hash, input.password);
  const ok = passwordMatches && !!user && !!user.password_hash && user.disabled_at === null;
  if (!ok || !user) {
    // An unknown address is recorded without the address: people type passwords into the e-mail box.
    await recordAudit(db, {
      actorUserId: user?.id ?? null,
      action: "sign_in_failed",
      detail: { reason: user ? "credentials" : "unknown_account" },
    });
    return { ok: false, reason: "invalid" };
  }
  await settleSuccessfulAttempt(db, keys);

  if (passwordNeedsRehash(user.password_hash!)) {
    await db
      .updateTable("app_user")
      .set({ password_hash: await hashPassword(input.password) })
      .where("id", "=", user.id)
      .execute();
  }
  if (input.previousSessionHash) await endSession(db, input.previousSessionHash);
  const totpRequired = user.totp_enabled || (await organisationRequiresTotp(db, user.id));
  const { token } = await createSession(db, user.id, { pendingTotp: totpRequired, now });
  const deviceToken = await rememberDevice(db, user.id, input.deviceToken);
  if (!totpRequired) await recordAudit(db, { actorUserId: user.id, action: "sign_in", detail: { second_factor: false } });
  return { ok: true, userId: user.id, token, pendingTotp: totpRequired, deviceToken };
}

async function organisationRequiresTotp(db: DB, userId: string) {
  const row = await db
    .selectFrom("membership")
    .innerJoin("organisation", "organisation.id", "membership.organisation_id")
    .select("organisation.id")
    .where("membership.user_id", "=", userId)
    .where("organisation.require_totp", "=", true)
    .executeTakeFirst();
  return !!row;
}

/**
 * Checks a TOTP code for a user, refusing a code from a step already used (replay). Wrong codes
 * count against the same rate limits as passwords. On success the step is remembered, and a secret
 * being enrolled is stored and switched on in the same write.
 */
async function acceptTotpCode(
  db: DB,
  input: { userId: string; secret: string; enrolling: boolean; code: string; clientKey: string; totpKey: Buffer; reseal?: boolean },
  now: Date,
): Promise<boolean | "rate_limited"> {
  const keys = attemptKeys(`totp:${input.userId}`, input.clientKey, null);
  if (await countSignInAttempt(db, keys)) return "rate_limited";
  // An empty secret (one that could not be unsealed) must match nothing: HMAC with an empty key is public.
  const step = input.secret ? matchTotpStep(input.secret, input.code, now.getTime()) : null;
  const user = await db.selectFrom("app_user").select("totp_last_step").where("id", "=", input.userId).executeTakeFirstOrThrow();
  const ok = step !== null && (input.enrolling || user.totp_last_step === null || step > Number(user.totp_last_step));
  if (!ok) return false;
  await settleSuccessfulAttempt(db, keys);
  await db
    .updateTable("app_user")
    .set(
      input.enrolling || input.reseal
        ? { totp_last_step: step, totp_secret: sealTotpSecret(input.secret, input.totpKey), totp_enabled: true }
        : { totp_last_step: step },
    )
    .where("id", "=", input.userId)
    .execute();
  if (input.enrolling) await recordAudit(db, { actorUserId: input.userId, action: "totp_enabled", subject: input.userId });
  return true;
}

/** A base32 TOTP secret as generateTotpSecret makes them (160 bits). */
export const enrolSecretSchema = z.string().regex(/^[A-Z2-7]{32}$/);

/**
 * The code check behind both second-factor forms. A user who has TOTP is checked against their
 * stored secret. A user setting it up was shown a fresh secret (not stored: reading a page changes
 * nothing) which comes back with the form; it is stored only once a code proves their app has it.
 */
async function checkSecondFactor(
  db: DB,
  input: { userId: string; code: string; clientKey: string; totpKey: Buffer; enrolSecret?: string },
  now: Date,
) {
  const user = await db
    .selectFrom("app_user")
    .select(["totp_secret", "totp_enabled"])
    .where("id", "=", input.userId)
    .executeTakeFirstOrThrow();
  if (user.totp_enabled && user.totp_secret) {
    // A secret sealed under another master secret cannot be read: no code can match it.
    const secret = openTotpSecret(user.totp_secret, input.totpKey) ?? "";
    const reseal = !isSealed(user.totp_secret);
    return acceptTotpCode(
      db,
      { userId: input.userId, secret, enrolling: false, reseal, code: input.code, clientKey: input.clientKey, totpKey: input.totpKey },
      now,
    );
  }
  const secret = enrolSecretSchema.safeParse(input.enrolSecret);
  if (!secret.success) return false;
  return acceptTotpCode(
    db,
    { userId: input.userId, secret: secret.data, enrolling: true, code: input.code, clientKey: input.clientKey, totpKey: input.totpKey },
    now,
  );
}

export type TotpResult = { ok: true; token: string } | { ok: false; reason: "invalid" | "rate_limited" };

/**
 * Completes a sign-in waiting for its second factor (enrolling first when an organisation requires
 * TOTP of a user who has none). The waiting session is replaced by a new one.
 */
export async function completeSecondFactor(
  db: DB,
  input: { sessionHash: string; userId: string; code: string; clientKey: string; totpKey: Buffer; enrolSecret?: string },
  now = new Date(),
): Promise<TotpResult> {
  const accepted = await checkSecondFactor(db, input, now);
  if (accepted !== true) {
    await recordAudit(db, {
      actorUserId: input.userId,
      action: "sign_in_failed",
      detail: { reason: accepted === "rate_limited" ? "rate_limited" : "second_factor" },
    });
    return { ok: false, reason: accepted === "rate_limited" ? "rate_limited" : "invalid" };
  }
  await endSession(db, input.sessionHash);
  const { token } = await createSession(db, input.userId, { pendingTotp: false, now });
  await recordAudit(db, { actorUserId: input.userId, action: "sign_in", detail: { second_factor: true } });
  return { ok: true, token };
}

export async function signOut(db: DB, session: { idHash: string; userId: string }) {
  await endSession(db, session.idHash);
  await recordAudit(db, { actorUserId: session.userId, action: "sign_out" });
}

/** A signed-in user turning on TOTP of their own accord: the code proves their app has the secret. */
export async function enableTotp(
  db: DB,
  input: { userId: string; code: string; clientKey: string; totpKey: Buffer; enrolSecret?: string },
  now = new Date(),
) {
  const accepted = await checkSecondFactor(db, input, now);
  if (accepted === true) return { ok: true as const };
  return { ok: false as const, reason: accepted === "rate_limited" ? ("rate_limited" as const) : ("invalid" as const) };
}
