import type { LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { workspaceHeaders } from "~/auth/headers";
import { useT } from "~/i18n/react";
import { requireOrganisationMember } from "~/workspace/request.server";

export const headers = workspaceHeaders;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member } = await requireOrganisationMember(request, context, params, "organisation:read");
  return {
    organisation: { slug: member.organisation.slug, name: member.organisation.name },
    role: member.role,
    nav: {
      people: member.can("people:manage"),
      audit: member.can("audit:read"),
      reportBack: member.can("publication:draft"),
      createStudy: member.can("study:create"),
    },
  };
}

export default function OrganisationLayout() {
  const t = useT();
  const { organisation, role, nav } = useLoaderData<typeof loader>();
  const base = `/research/${organisation.slug}`;
  return (
    <>
      <nav className="ws-nav" aria-label={t("workspace.nav.organisation")}>
        <p className="ws-org">
          {organisation.name} <span className="ws-muted">{t(`workspace.roles.${role}`)}</span>
        </p>
        <ul>
          <li>
            <NavLink to={base} end>
              {t("workspace.nav.studies")}
            </NavLink>
          </li>
          {nav.people ? (
            <li>
              <NavLink to={`${base}/people`}>{t("workspace.nav.people")}</NavLink>
            </li>
          ) : null}
          {nav.audit ? (
            <li>
              <NavLink to={`${base}/audit`}>{t("workspace.nav.audit")}</NavLink>
            </li>
          ) : null}
          {nav.reportBack ? (
            <li>
              <NavLink to={`${base}/report-back`}>{t("workspace.nav.reportBack")}</NavLink>
            </li>
          ) : null}
        </ul>
      </nav>
      <Outlet />
    </>
  );
}
