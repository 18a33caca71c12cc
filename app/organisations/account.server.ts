/**
 * A person's own account: the name colleagues see beside their coding, memos, agreement figures and
 * exports (issue 14 item 3). Everyone chooses their own; an account without one is asked for it
 * when it next signs in, before anything else.
 */
import { z } from "zod";
import type { DB } from "../../db/index";
import { userText } from "../security/user-text";

export const displayNameSchema = userText().trim().min(1).max(80);

export async function accountOf(db: DB, userId: string) {
  return db.selectFrom("app_user").select(["email", "display_name"]).where("id", "=", userId).executeTakeFirstOrThrow();
}

/** Saves the person's own name; refuses an empty or over-long one, changing nothing. */
export async function setDisplayName(db: DB, userId: string, name: unknown): Promise<{ ok: true } | { ok: false }> {
  const parsed = displayNameSchema.safeParse(z.string().parse(typeof name === "string" ? name : ""));
  if (!parsed.success) return { ok: false };
  await db.updateTable("app_user").set({ display_name: parsed.data }).where("id", "=", userId).execute();
  return { ok: true };
}

/** Where a person goes once signed in: to name themselves first if colleagues cannot yet tell who they are. */
export async function afterSignIn(db: DB, userId: string, next: string): Promise<string> {
  const { display_name } = await accountOf(db, userId);
  return display_name.trim() ? next : `/research/account?next=${encodeURIComponent(next)}`;
}
