import type { AppLoadContext } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import type { DB } from "../../db/index";
import type { Role } from "../../db/tables/foundation";
import type { TandemContext } from "../context";
import { verifyCsrf } from "./csrf.server";
import { readSession, workspaceContext, type StaffSession } from "./sessions.server";

/**
 * Who may do what, in one table (docs/decisions/022-roles-and-permissions.md). A role not listed
 * for a permission does not have it: there is no default grant, and a user with no membership in an
 * organisation cannot tell it exists.
 */
export const PERMISSIONS = [
  /** See the organisation's workspace and its list of studies (titles, status): every member. */
  "organisation:read",
  "people:manage",
  "audit:read",
  "study:create",
  "study:edit",
  "study:status",
  /** Keep a study's data past its retention date, with a reason (GDPR Art. 17(3)(d)): admins only. */
  "retention:hold",
  /** Aggregate counts of consents, answers and withdrawals. */
  "dashboard:read",
  /** Raw exports of answers. */
  "export:raw",
  /** Coding, memos and reading consented material. */
  "data:read",
  "coding:write",
  /** Paper consent, assisted entry, code cards, staff-recorded withdrawal. */
  "fieldwork:record",
  "publication:draft",
  "publication:publish",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES: readonly Role[] = ["admin", "researcher", "peer_researcher", "facilitator", "publisher"];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: [
    "organisation:read",
    "people:manage",
    "audit:read",
    "study:create",
    "study:edit",
    "study:status",
    "retention:hold",
    "dashboard:read",
    "export:raw",
    "data:read",
    "coding:write",
    "fieldwork:record",
    "publication:draft",
    "publication:publish",
  ],
  researcher: [
    "organisation:read",
    "study:create",
    "study:edit",
    "study:status",
    "dashboard:read",
    "export:raw",
    "data:read",
    "coding:write",
    "fieldwork:record",
    "publication:draft",
  ],
  peer_researcher: ["organisation:read", "dashboard:read", "data:read", "coding:write"],
  facilitator: ["organisation:read", "fieldwork:record"],
  publisher: ["organisation:read", "publication:draft"],
};

export function roleHas(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role]?.includes(permission) ?? false;
}

export interface Membership {
  db: DB;
  context: TandemContext;
  session: StaffSession;
  organisation: { id: string; slug: string; name: string; requireTotp: boolean };
  role: Role;
  can: (permission: Permission) => boolean;
}

/** Only a path inside the workspace is a place to come back to after signing in. */
export function safeNext(value: string | null | undefined): string {
  return value && /^\/research(\/[A-Za-z0-9._~\-/]*)?$/.test(value) && !value.includes("//") ? value : "/research";
}

function signInRedirect(request: Request) {
  const url = new URL(request.url);
  const next = request.method === "GET" ? safeNext(url.pathname) : "/research";
  return redirect(`/research/sign-in?next=${encodeURIComponent(next)}`);
}

/**
 * Every workspace request signs in through here (docs/decisions/022-roles-and-permissions.md):
 * fully signed-in user, or a redirect to sign in; a member of the organisation, or 404 (another
 * organisation's slug looks exactly like one that does not exist); the role holds the permission, or
 * 403; and a POST carries the session's CSRF token, or 403 before the action sees its form.
 */
export async function requireMembership(
  request: Request,
  appContext: AppLoadContext,
  orgSlug: string | undefined,
  permission: Permission,
): Promise<Membership> {
  const context = workspaceContext(appContext);
  const { db } = context;
  const session = await requireUser(request, appContext);
  const organisation = orgSlug
    ? await db
        .selectFrom("membership")
        .innerJoin("organisation", "organisation.id", "membership.organisation_id")
        .select(["organisation.id", "organisation.slug", "organisation.name", "organisation.require_totp", "membership.role"])
        .where("membership.user_id", "=", session.userId)
        .where("organisation.slug", "=", orgSlug)
        .executeTakeFirst()
    : undefined;
  if (!organisation) throw new Response("Not found", { status: 404 });
  if (organisation.require_totp && !session.totpEnabled) throw redirect("/research/totp");
  if (!roleHas(organisation.role, permission)) throw new Response("Forbidden", { status: 403 });
  const role = organisation.role;
  return {
    db,
    context,
    session,
    organisation: { id: organisation.id, slug: organisation.slug, name: organisation.name, requireTotp: organisation.require_totp },
    role,
    can: (p) => roleHas(role, p),
  };
}

/**
 * A fully signed-in user (second factor done), for pages outside any organisation. A POST must carry
 * the session's CSRF token.
 */
export async function requireUser(request: Request, appContext: AppLoadContext): Promise<StaffSession> {
  const { db, secureCookies } = workspaceContext(appContext);
  const session = await readSession(db, request, secureCookies);
  if (!session) throw signInRedirect(request);
  if (session.pendingTotp) throw redirect("/research/totp");
  if (request.method !== "GET" && request.method !== "HEAD") await verifyCsrf(request, session.csrfToken);
  return session;
}
