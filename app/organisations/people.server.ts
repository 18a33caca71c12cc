import { sql } from "kysely";
import { z } from "zod";
import type { DB } from "../../db/index";
import type { Role } from "../../db/tables/foundation";
import { recordAudit } from "../audit/log.server";
import { issueToken } from "../auth/invitations.server";
import { endUserSessions } from "../auth/sessions.server";

export const ROLE_VALUES = ["admin", "researcher", "peer_researcher", "facilitator", "publisher"] as const satisfies readonly Role[];

/** Slugs that are workspace paths, so no organisation may take them. */
const RESERVED_SLUGS = new Set(["sign-in", "sign-out", "totp", "invitation", "reset", "account", "new"]);

export const organisationSchema = z.object({
  slug: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
    .refine((slug) => !RESERVED_SLUGS.has(slug), "reserved"),
  name: z.string().trim().min(1).max(200),
});

export class DomainError extends Error {
  constructor(readonly code: string) {
    super(code);
    this.name = "DomainError";
  }
}

export async function createOrganisation(db: DB, input: { slug: string; name: string; actorUserId?: string | null }) {
  const { slug, name } = organisationSchema.parse(input);
  const existing = await db.selectFrom("organisation").select("id").where("slug", "=", slug).executeTakeFirst();
  if (existing) throw new DomainError("slug_taken");
  return db.transaction().execute(async (trx) => {
    const organisation = await trx.insertInto("organisation").values({ slug, name }).returning(["id", "slug"]).executeTakeFirstOrThrow();
    await recordAudit(trx, { actorUserId: input.actorUserId ?? null, organisationId: organisation.id, action: "organisation_created", subject: slug });
    return organisation;
  });
}

/** The organisations a user belongs to, with their role in each. */
export async function membershipsOf(db: DB, userId: string) {
  return db
    .selectFrom("membership")
    .innerJoin("organisation", "organisation.id", "membership.organisation_id")
    .select(["organisation.slug", "organisation.name", "membership.role"])
    .where("membership.user_id", "=", userId)
    .orderBy("organisation.name")
    .execute();
}

export const addPersonSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(320),
  role: z.enum(ROLE_VALUES),
  displayName: z.string().trim().max(200).default(""),
});

export type AddPersonResult = { userId: string; invitationToken: string | null; existingAccount: boolean };

/**
 * Adds a person to an organisation. A new e-mail gets an account and an invitation link; an existing
 * account that has never set a password gets a fresh link; an existing account with a password is
 * simply added (they sign in as they already do).
 */
export async function addPerson(
  db: DB,
  input: { organisationId: string; email: string; role: Role; displayName?: string; actorUserId: string | null },
): Promise<AddPersonResult> {
  const { email, role, displayName } = addPersonSchema.parse(input);
  const existing = await db.selectFrom("app_user").select(["id", "password_hash"]).where("email", "=", email).executeTakeFirst();
  if (existing) {
    const member = await db
      .selectFrom("membership")
      .select("role")
      .where("user_id", "=", existing.id)
      .where("organisation_id", "=", input.organisationId)
      .executeTakeFirst();
    if (member) throw new DomainError("already_member");
  }
  const userId = await db.transaction().execute(async (trx) => {
    const id =
      existing?.id ??
      (await trx.insertInto("app_user").values({ email, display_name: displayName, password_hash: null, totp_secret: null, disabled_at: null }).returning("id").executeTakeFirstOrThrow()).id;
    await trx.insertInto("membership").values({ user_id: id, organisation_id: input.organisationId, role }).execute();
    await recordAudit(trx, { actorUserId: input.actorUserId, organisationId: input.organisationId, action: "user_created", subject: id, detail: { role, existing_account: !!existing } });
    return id;
  });
  const needsLink = !existing || existing.password_hash === null;
  const invitationToken = needsLink ? await issueToken(db, { userId, purpose: "invitation", createdBy: input.actorUserId }) : null;
  if (invitationToken) {
    await recordAudit(db, { actorUserId: input.actorUserId, organisationId: input.organisationId, action: "invitation_issued", subject: userId });
  }
  return { userId, invitationToken, existingAccount: !!existing };
}

export async function listPeople(db: DB, organisationId: string) {
  return db
    .selectFrom("membership")
    .innerJoin("app_user", "app_user.id", "membership.user_id")
    .select([
      "app_user.id",
      "app_user.email",
      "app_user.display_name",
      "app_user.disabled_at",
      "app_user.totp_enabled",
      sql<boolean>`app_user.password_hash is not null`.as("has_password"),
      "membership.role",
    ])
    .where("membership.organisation_id", "=", organisationId)
    .orderBy("app_user.email")
    .execute();
}

/** A member of this organisation, or a DomainError: ids from elsewhere are treated as unknown. */
async function memberOf(db: DB, organisationId: string, userId: string) {
  if (!z.uuid().safeParse(userId).success) throw new DomainError("not_found");
  const row = await db
    .selectFrom("membership")
    .innerJoin("app_user", "app_user.id", "membership.user_id")
    .select(["membership.role", "app_user.disabled_at"])
    .where("membership.organisation_id", "=", organisationId)
    .where("membership.user_id", "=", userId)
    .executeTakeFirst();
  if (!row) throw new DomainError("not_found");
  return row;
}

async function adminCount(db: DB, organisationId: string) {
  const row = await db
    .selectFrom("membership")
    .innerJoin("app_user", "app_user.id", "membership.user_id")
    .select(sql<number>`count(*)::int`.as("n"))
    .where("membership.organisation_id", "=", organisationId)
    .where("membership.role", "=", "admin")
    .where("app_user.disabled_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function changeRole(db: DB, input: { organisationId: string; userId: string; role: Role; actorUserId: string }) {
  const role = z.enum(ROLE_VALUES).parse(input.role);
  const member = await memberOf(db, input.organisationId, input.userId);
  if (member.role === role) return;
  // An organisation never loses its last admin: nobody could then manage its people.
  if (member.role === "admin" && (await adminCount(db, input.organisationId)) <= 1) throw new DomainError("last_admin");
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("membership").set({ role }).where("organisation_id", "=", input.organisationId).where("user_id", "=", input.userId).execute();
    await recordAudit(trx, { actorUserId: input.actorUserId, organisationId: input.organisationId, action: "role_changed", subject: input.userId, detail: { from: member.role, to: role } });
  });
}

/**
 * Disables a member's account and ends their sessions at once. An admin can only disable an account
 * that belongs to no other organisation; for one that does, they are removed from this organisation
 * instead (one tenant's admin must not lock a person out of another tenant).
 */
export async function disableMember(db: DB, input: { organisationId: string; userId: string; actorUserId: string }) {
  const member = await memberOf(db, input.organisationId, input.userId);
  if (input.userId === input.actorUserId) throw new DomainError("cannot_disable_self");
  if (member.role === "admin" && (await adminCount(db, input.organisationId)) <= 1) throw new DomainError("last_admin");
  const others = await db.selectFrom("membership").select("organisation_id").where("user_id", "=", input.userId).where("organisation_id", "!=", input.organisationId).execute();
  await db.transaction().execute(async (trx) => {
    if (others.length === 0) {
      await trx.updateTable("app_user").set({ disabled_at: new Date() }).where("id", "=", input.userId).execute();
      await recordAudit(trx, { actorUserId: input.actorUserId, organisationId: input.organisationId, action: "user_disabled", subject: input.userId });
    } else {
      await trx.deleteFrom("membership").where("user_id", "=", input.userId).where("organisation_id", "=", input.organisationId).execute();
      await recordAudit(trx, { actorUserId: input.actorUserId, organisationId: input.organisationId, action: "membership_removed", subject: input.userId, detail: { role: member.role } });
    }
    await endUserSessions(trx, input.userId);
  });
}

export async function enableMember(db: DB, input: { organisationId: string; userId: string; actorUserId: string }) {
  await memberOf(db, input.organisationId, input.userId);
  // The mirror of disableMember: an account that belongs to another organisation too may have been
  // disabled for a reason this organisation cannot see (or by the CLI); only the CLI re-enables it.
  const others = await db.selectFrom("membership").select("organisation_id").where("user_id", "=", input.userId).where("organisation_id", "!=", input.organisationId).execute();
  if (others.length > 0) throw new DomainError("other_organisations");
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("app_user").set({ disabled_at: null }).where("id", "=", input.userId).execute();
    await recordAudit(trx, { actorUserId: input.actorUserId, organisationId: input.organisationId, action: "user_enabled", subject: input.userId });
  });
}

/** A new one-time link for a member: a reset if they have a password, otherwise a fresh invitation. */
export async function issuePasswordLink(db: DB, input: { organisationId: string; userId: string; actorUserId: string | null }) {
  await memberOf(db, input.organisationId, input.userId);
  const user = await db.selectFrom("app_user").select("password_hash").where("id", "=", input.userId).executeTakeFirstOrThrow();
  const purpose = user.password_hash ? ("password_reset" as const) : ("invitation" as const);
  const token = await issueToken(db, { userId: input.userId, purpose, createdBy: input.actorUserId });
  await recordAudit(db, {
    actorUserId: input.actorUserId,
    organisationId: input.organisationId,
    action: purpose === "invitation" ? "invitation_issued" : "password_reset_issued",
    subject: input.userId,
  });
  return { purpose, token };
}

export async function setRequireTotp(db: DB, input: { organisationId: string; required: boolean; actorUserId: string }) {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("organisation").set({ require_totp: input.required }).where("id", "=", input.organisationId).execute();
    await recordAudit(trx, { actorUserId: input.actorUserId, organisationId: input.organisationId, action: "organisation_settings_changed", detail: { require_totp: input.required } });
  });
}
