import type { LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { workspaceHeaders } from "~/auth/headers";
import { useI18n } from "~/i18n/react";
import { studyTitle } from "~/studies/titles";
import { requireStudyMember } from "~/workspace/request.server";

export const headers = workspaceHeaders;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member, study } = await requireStudyMember(request, context, params, "organisation:read");
  return {
    base: `/research/${member.organisation.slug}/studies/${study.slug}`,
    titles: study.titles,
    status: study.status,
    nav: {
      edit: member.can("study:edit"),
      dashboard: member.can("dashboard:read"),
      fieldwork: member.can("fieldwork:record"),
      exports: member.can("export:raw"),
    },
  };
}

export default function StudyLayout() {
  const { t, language } = useI18n();
  const { base, titles, status, nav } = useLoaderData<typeof loader>();
  return (
    <div className="ws-study">
      <p className="ws-study-name">
        {studyTitle(titles, language)} <span className={`ws-status ws-status-${status}`}>{t(`workspace.status.${status}`)}</span>
      </p>
      <nav aria-label={t("workspace.nav.study")} className="ws-subnav">
        <ul>
          <li>
            <NavLink to={base} end>
              {t("workspace.nav.overview")}
            </NavLink>
          </li>
          {nav.edit ? (
            <li>
              <NavLink to={`${base}/edit`}>{t("workspace.nav.edit")}</NavLink>
            </li>
          ) : null}
          {nav.dashboard ? (
            <li>
              <NavLink to={`${base}/dashboard`}>{t("workspace.nav.dashboard")}</NavLink>
            </li>
          ) : null}
          {nav.fieldwork ? (
            <>
              <li>
                <NavLink to={`${base}/codes`}>{t("workspace.nav.codes")}</NavLink>
              </li>
              <li>
                <NavLink to={`${base}/paper-consent`}>{t("workspace.nav.paperConsent")}</NavLink>
              </li>
              <li>
                <NavLink to={`${base}/assisted`}>{t("workspace.nav.assisted")}</NavLink>
              </li>
              <li>
                <NavLink to={`${base}/withdrawal`}>{t("workspace.nav.withdrawal")}</NavLink>
              </li>
            </>
          ) : null}
          {nav.exports ? (
            <li>
              <NavLink to={`${base}/exports`}>{t("coding.nav.exports")}</NavLink>
            </li>
          ) : null}
        </ul>
      </nav>
      <Outlet />
    </div>
  );
}
