/**
 * The one call at the top of every workspace loader and action (docs/decisions/069-workspace-layer.md):
 * membership with the permission (app/auth/permissions.server.ts: sign-in, organisation, role, CSRF),
 * then, for a study's pages, the study within that organisation or 404, and the scope every gated
 * read takes. A route never repeats membership + findStudy + 404 inline.
 */
import type { AppLoadContext } from "@remix-run/node";
import type { Permission } from "../auth/permissions.server";
import { requireMembership } from "../auth/permissions.server";
import type { StudyScope } from "../consent/scope.server";
import { findStudy } from "../studies/studies.server";

export interface WorkspaceParams {
  org?: string;
  study?: string;
}

/** A member of the organisation in the address who holds `permission`. */
export async function requireOrganisationMember(
  request: Request,
  context: AppLoadContext,
  params: WorkspaceParams,
  permission: Permission,
) {
  const member = await requireMembership(request, context, params.org, permission);
  return { member, db: member.db, base: `/research/${member.organisation.slug}`, userId: member.session.userId };
}

/** A member holding `permission`, and the study in the address within that organisation (404 otherwise). */
export async function requireStudyMember(request: Request, context: AppLoadContext, params: WorkspaceParams, permission: Permission) {
  const member = await requireMembership(request, context, params.org, permission);
  const study = await findStudy(member.db, member.organisation.id, params.study ?? "");
  if (!study) throw new Response("Not found", { status: 404 });
  const scope: StudyScope = { organisationId: member.organisation.id, studyId: study.id };
  const base = `/research/${member.organisation.slug}/studies/${study.slug}`;
  return { member, db: member.db, study, scope, base, userId: member.session.userId };
}

export type StudyMember = Awaited<ReturnType<typeof requireStudyMember>>;
