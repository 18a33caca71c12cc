/**
 * The one call at the top of every coding, session, theme and quote route: membership with the
 * permission (app/auth/permissions.server.ts), the study within that organisation, and the scope
 * every coding function takes.
 */
import type { AppLoadContext } from "@remix-run/node";
import type { Permission } from "../auth/permissions.server";
import { requireMembership } from "../auth/permissions.server";
import type { StudyScope } from "../consent/scope.server";
import { findStudy } from "../studies/studies.server";

export async function requireStudyMember(
  request: Request,
  context: AppLoadContext,
  params: { org?: string; study?: string },
  permission: Permission,
) {
  const member = await requireMembership(request, context, params.org, permission);
  const study = await findStudy(member.db, member.organisation.id, params.study ?? "");
  if (!study) throw new Response("Not found", { status: 404 });
  const scope: StudyScope = { organisationId: member.organisation.id, studyId: study.id };
  const base = `/research/${member.organisation.slug}/studies/${study.slug}`;
  return { member, db: member.db, study, scope, base, userId: member.session.userId };
}

/** A form field as a trimmed string ("" when absent or a file). */
export function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value.trim() : "";
}

export function intField(form: FormData, name: string): number {
  const text = field(form, name);
  return /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
}
