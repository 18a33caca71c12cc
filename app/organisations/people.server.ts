import { sql } from "kysely";
import { z } from "zod";
import type { DB } from "../../db/index";
import type { Role } from "../../db/tables/foundation";
import { recordAudit } from "../audit/log.server";
import { issueToken } from "../auth/invitations.server";
import { endUserSessions } from "../auth/sessions.server";
import { userText } from "../security/user-text";

export const ROLE_VALUES = ["admin", "researcher", "peer_researcher", "facilitator", "publisher"] as const satisfies readonly Role[];

/** Slugs that are workspace paths, so no organisation may take them. */
const RESERVED_SLUGS = new Set(["sign-in", "sign-out", "totp", "invitation", "reset", "account", "new"]);

export const organisationSchema = z.object({
  slug: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
    .refine((slug) => !RESERVED_SLUGS.has(slug), "reserved"),
  name: userText().trim().min(1).max(200),
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
    await recordAudit(trx, {
      actorUserId: input.actorUserId ?? null,
      organisationId: organisation.id,
      action: "organisation_created",
      subject: slug,
    });
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
  displayName: userText().trim().max(200).default(""),
});

export type AddPersonResult = { userId: string; invitationToken: string | null; existingAccount: boolean; awaitingAcceptance: boolean };

/** How long an existing account's owner has to accept joining another organisation. */
export const MEMBERSHIP_INVITATION_DAYS = 14;

/**
 * Adds a person to an organisation. A new e-mail gets an account that belongs to this organisation
 * alone, and an invitation link. An existing account is only *invited*: it joins when its owner,
 * signed in, accepts (docs/decisions/055-accounts-across-organisations.md). Adding someone else's
 * account at once, and then handing oneself a password link for it, was a way to take it over.
 */
export async function addPerson(
  db: DB,
  input: { organisationId: string; email: string; role: Role; displayName?: string; actorUserId: string | null },
): Promise<AddPersonResult> {
  const { email, role, displayName } = addPersonSchema.parse(input);
  const existing = await db.selectFrom("app_user").select(["id"]).where("email", "=", email).executeTakeFirst();
  if (existing) {
    const member = await db
      .selectFrom("membership")
      .select("role")
      .where("user_id", "=", existing.id)
      .where("organisation_id", "=", input.organisationId)
      .executeTakeFirst();
    if (member) throw new DomainError("already_member");
    await db.transaction().execute(async (trx) => {
      const expires = new Date(Date.now() + MEMBERSHIP_INVITATION_DAYS * 86400_000);
      await trx
        .insertInto("membership_invitation")
        .values({ organisation_id: input.organisationId, user_id: existing.id, role, invited_by: input.actorUserId, expires_at: expires })
        .onConflict((oc) =>
          oc.columns(["organisation_id", "user_id"]).doUpdateSet({ role, invited_by: input.actorUserId, expires_at: expires }),
        )
        .execute();
      await recordAudit(trx, {
        actorUserId: input.actorUserId,
        organisationId: input.organisationId,
        action: "membership_invited",
        subject: existing.id,
        detail: { role },
      });
    });
    return { userId: existing.id, invitationToken: null, existingAccount: true, awaitingAcceptance: true };
  }
  const userId = await db.transaction().execute(async (trx) => {
    const id = (
      await trx
        .insertInto("app_user")
        .values({ email, display_name: displayName, password_hash: null, totp_secret: null, disabled_at: null })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    await trx.insertInto("membership").values({ user_id: id, organisation_id: input.organisationId, role }).execute();
    await recordAudit(trx, {
      actorUserId: input.actorUserId,
      organisationId: input.organisationId,
      action: "user_created",
      subject: id,
      detail: { role, existing_account: false },
    });
    return id;
  });
  const invitationToken = await issueToken(db, { userId, purpose: "invitation", createdBy: input.actorUserId });
  await recordAudit(db, {
    actorUserId: input.actorUserId,
    organisationId: input.organisationId,
    action: "invitation_issued",
    subject: userId,
  });
  return { userId, invitationToken, existingAccount: false, awaitingAcceptance: false };
}

/** Invitations an organisation has sent to existing accounts that have not answered yet. */
export async function listPendingInvitations(db: DB, organisationId: string) {
  return db
    .selectFrom("membership_invitation")
    .innerJoin("app_user", "app_user.id", "membership_invitation.user_id")
    .select(["membership_invitation.id", "app_user.email", "membership_invitation.role", "membership_invitation.expires_at"])
    .where("membership_invitation.organisation_id", "=", organisationId)
    .where("membership_invitation.expires_at", ">", new Date())
    .orderBy("app_user.email")
    .execute();
}

/** The invitations waiting for this signed-in person to answer. */
export async function invitationsFor(db: DB, userId: string) {
  return db
    .selectFrom("membership_invitation")
    .innerJoin("organisation", "organisation.id", "membership_invitation.organisation_id")
    .leftJoin("app_user as inviter", "inviter.id", "membership_invitation.invited_by")
    .select([
      "membership_invitation.id",
      "organisation.name as organisationName",
      "membership_invitation.role",
      "inviter.email as invitedBy",
    ])
    .where("membership_invitation.user_id", "=", userId)
    .where("membership_invitation.expires_at", ">", new Date())
    .orderBy("membership_invitation.created_at")
    .execute();
}

/**
 * The owner of an account answers an invitation to join an organisation. Only an invitation addressed
 * to `userId` can be answered by them: any other id answers as if it did not exist.
 */
export async function answerInvitation(db: DB, input: { invitationId: string; userId: string; accept: boolean }) {
  if (!z.uuid().safeParse(input.invitationId).success) throw new DomainError("not_found");
  return db.transaction().execute(async (trx) => {
    const invitation = await trx
      .deleteFrom("membership_invitation")
      .where("id", "=", input.invitationId)
      .where("user_id", "=", input.userId)
      .where("expires_at", ">", new Date())
      .returning(["organisation_id", "role"])
      .executeTakeFirst();
    if (!invitation) throw new DomainError("not_found");
    if (input.accept) {
      await trx
        .insertInto("membership")
        .values({ user_id: input.userId, organisation_id: invitation.organisation_id, role: invitation.role })
        .onConflict((oc) => oc.columns(["user_id", "organisation_id"]).doNothing())
        .execute();
    }
    await recordAudit(trx, {
      actorUserId: input.userId,
      organisationId: invitation.organisation_id,
      action: input.accept ? "membership_accepted" : "membership_declined",
      subject: input.userId,
      detail: { role: invitation.role },
    });
    return { organisationId: invitation.organisation_id };
  });
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
    await trx
      .updateTable("membership")
      .set({ role })
      .where("organisation_id", "=", input.organisationId)
      .where("user_id", "=", input.userId)
      .execute();
    await recordAudit(trx, {
      actorUserId: input.actorUserId,
      organisationId: input.organisationId,
      action: "role_changed",
      subject: input.userId,
      detail: { from: member.role, to: role },
    });
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
  const others = await db
    .selectFrom("membership")
    .select("organisation_id")
    .where("user_id", "=", input.userId)
    .where("organisation_id", "!=", input.organisationId)
    .execute();
  await db.transaction().execute(async (trx) => {
    if (others.length === 0) {
      await trx.updateTable("app_user").set({ disabled_at: new Date() }).where("id", "=", input.userId).execute();
      await recordAudit(trx, {
        actorUserId: input.actorUserId,
        organisationId: input.organisationId,
        action: "user_disabled",
        subject: input.userId,
      });
    } else {
      await trx.deleteFrom("membership").where("user_id", "=", input.userId).where("organisation_id", "=", input.organisationId).execute();
      await recordAudit(trx, {
        actorUserId: input.actorUserId,
        organisationId: input.organisationId,
        action: "membership_removed",
        subject: input.userId,
        detail: { role: member.role },
      });
    }
    await endUserSessions(trx, input.userId);
  });
}

export async function enableMember(db: DB, input: { organisationId: string; userId: string; actorUserId: string }) {
  await memberOf(db, input.organisationId, input.userId);
  // The mirror of disableMember: an account that belongs to another organisation too may have been
  // disabled for a reason this organisation cannot see (or by the CLI); only the CLI re-enables it.
  const others = await db
    .selectFrom("membership")
    .select("organisation_id")
    .where("user_id", "=", input.userId)
    .where("organisation_id", "!=", input.organisationId)
    .execute();
  if (others.length > 0) throw new DomainError("other_organisations");
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("app_user").set({ disabled_at: null }).where("id", "=", input.userId).execute();
    await recordAudit(trx, {
      actorUserId: input.actorUserId,
      organisationId: input.organisationId,
      action: "user_enabled",
      subject: input.userId,
    });
  });
}

/** Every organisation an account belongs to. */
async function organisationsOf(db: DB, userId: string) {
  return (await db.selectFrom("membership").select("organisation_id").where("user_id", "=", userId).execute()).map(
    (m) => m.organisation_id,
  );
}

/**
 * A new one-time link for a member: a reset if they have a password, otherwise a fresh invitation.
 * Only for an account that belongs to this organisation alone: a link sets the password of the whole
 * account, so an admin of one organisation must not hold one for a person another organisation
 * trusts. Any other reset is for whoever runs the server (`cli user reset-password`). Asked for or
 * refused, the request is written to the audit log of every organisation the account belongs to.
 */
export async function issuePasswordLink(db: DB, input: { organisationId: string; userId: string; actorUserId: string | null }) {
  await memberOf(db, input.organisationId, input.userId);
  const organisations = await organisationsOf(db, input.userId);
  const user = await db.selectFrom("app_user").select("password_hash").where("id", "=", input.userId).executeTakeFirstOrThrow();
  const purpose = user.password_hash ? ("password_reset" as const) : ("invitation" as const);
  if (organisations.some((id) => id !== input.organisationId)) {
    for (const organisationId of organisations) {
      await recordAudit(db, {
        actorUserId: input.actorUserId,
        organisationId,
        action: "password_link_refused",
        subject: input.userId,
        detail: { asked_by_organisation: input.organisationId, purpose },
      });
    }
    throw new DomainError("other_organisations_link");
  }
  const token = await issueToken(db, { userId: input.userId, purpose, createdBy: input.actorUserId });
  await recordAudit(db, {
    actorUserId: input.actorUserId,
    organisationId: input.organisationId,
    action: purpose === "invitation" ? "invitation_issued" : "password_reset_issued",
    subject: input.userId,
  });
  return { purpose, token };
}

/**
 * A link issued by whoever runs the server (the command line), recorded in the audit log of every
 * organisation the account belongs to, so each of them can see it was asked for.
 */
export async function issuePasswordLinkByOperator(db: DB, userId: string) {
  const user = await db.selectFrom("app_user").select("password_hash").where("id", "=", userId).executeTakeFirstOrThrow();
  const purpose = user.password_hash ? ("password_reset" as const) : ("invitation" as const);
  const token = await issueToken(db, { userId, purpose, createdBy: null });
  const organisations = await organisationsOf(db, userId);
  for (const organisationId of organisations.length > 0 ? organisations : [null]) {
    await recordAudit(db, {
      actorUserId: null,
      organisationId,
      action: purpose === "invitation" ? "invitation_issued" : "password_reset_issued",
      subject: userId,
      detail: { via: "cli" },
    });
  }
  return { purpose, token };
}

export async function setRequireTotp(db: DB, input: { organisationId: string; required: boolean; actorUserId: string }) {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("organisation").set({ require_totp: input.required }).where("id", "=", input.organisationId).execute();
    await recordAudit(trx, {
      actorUserId: input.actorUserId,
      organisationId: input.organisationId,
      action: "organisation_settings_changed",
      detail: { require_totp: input.required },
    });
  });
}
