import type { DB } from "../../db/index";
import { recordAudit } from "../audit/log.server";
import { hashPassword, passwordProblems, type PasswordProblem } from "./password.server";
import { endUserSessions, hashToken, newToken } from "./sessions.server";

/**
 * One-time links for setting a password: invitations for new accounts and resets for forgotten
 * passwords. Nobody is e-mailed; the admin is shown the link once and hands it over
 * (docs/decisions/024-invitations-and-resets.md). Only the token's hash is stored.
 */
export type TokenPurpose = "invitation" | "password_reset";
export const TOKEN_LIFETIME_MS: Record<TokenPurpose, number> = {
  invitation: 7 * 24 * 60 * 60 * 1000,
  password_reset: 24 * 60 * 60 * 1000,
};

export function linkFor(baseUrl: string, purpose: TokenPurpose, token: string) {
  return `${baseUrl.replace(/\/+$/, "")}/research/${purpose === "invitation" ? "invitation" : "reset"}/${token}`;
}

/** Issues a new link; earlier unused links of the same kind for the user stop working. */
export async function issueToken(db: DB, input: { userId: string; purpose: TokenPurpose; createdBy: string | null }, now = new Date()) {
  const token = newToken();
  await db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom("user_token")
      .where("user_id", "=", input.userId)
      .where("purpose", "=", input.purpose)
      .where("used_at", "is", null)
      .execute();
    await trx
      .insertInto("user_token")
      .values({
        token_hash: hashToken(token),
        user_id: input.userId,
        purpose: input.purpose,
        expires_at: new Date(now.getTime() + TOKEN_LIFETIME_MS[input.purpose]),
        used_at: null,
        created_by: input.createdBy,
      })
      .execute();
  });
  return token;
}

/** The account a link is for, if the link is still good. Reading it changes nothing. */
export async function peekToken(db: DB, token: string, purpose: TokenPurpose, now = new Date()) {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const row = await db
    .selectFrom("user_token")
    .innerJoin("app_user", "app_user.id", "user_token.user_id")
    .select(["app_user.id as userId", "app_user.email", "app_user.display_name as displayName", "app_user.disabled_at"])
    .where("user_token.token_hash", "=", hashToken(token))
    .where("user_token.purpose", "=", purpose)
    .where("user_token.used_at", "is", null)
    .where("user_token.expires_at", ">", now)
    .executeTakeFirst();
  if (!row || row.disabled_at) return null;
  return { userId: row.userId, email: row.email, displayName: row.displayName };
}

export type RedeemResult =
  { ok: true; userId: string } | { ok: false; reason: "invalid_link" } | { ok: false; reason: "password"; problems: PasswordProblem[] };

/**
 * Sets a password through a link, once. The link is marked used in the same transaction that sets the
 * password, and any sessions the account had end, so a reset locks out whoever knew the old one.
 */
export async function redeemToken(
  db: DB,
  /** displayName: the name the person gives when accepting an invitation (already checked); absent keeps it. */
  input: { token: string; purpose: TokenPurpose; password: string; displayName?: string },
  now = new Date(),
): Promise<RedeemResult> {
  const account = await peekToken(db, input.token, input.purpose, now);
  if (!account) return { ok: false, reason: "invalid_link" };
  const problems = passwordProblems(input.password, { email: account.email });
  if (problems.length > 0) return { ok: false, reason: "password", problems };
  const passwordHash = await hashPassword(input.password);
  const used = await db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable("user_token")
      .set({ used_at: now })
      .where("token_hash", "=", hashToken(input.token))
      .where("used_at", "is", null)
      .where("expires_at", ">", now)
      .returning("user_id")
      .executeTakeFirst();
    if (!claimed) return false;
    await trx
      .updateTable("app_user")
      .set({ password_hash: passwordHash, ...(input.displayName ? { display_name: input.displayName } : {}) })
      .where("id", "=", claimed.user_id)
      .execute();
    await recordAudit(trx, {
      actorUserId: claimed.user_id,
      action: "password_set",
      subject: claimed.user_id,
      detail: { via: input.purpose },
    });
    return true;
  });
  if (!used) return { ok: false, reason: "invalid_link" };
  await endUserSessions(db, account.userId);
  return { ok: true, userId: account.userId };
}
