import type { LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { workspaceHeaders } from "~/auth/headers";
import { useI18n } from "~/i18n/react";
import { studyTitle } from "~/studies/titles";
import { studyMenu } from "~/workspace/navigation";
import { requireStudyMember } from "~/workspace/request.server";

export const headers = workspaceHeaders;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member, study } = await requireStudyMember(request, context, params, "organisation:read");
  return {
    titles: study.titles,
    status: study.status,
    menu: studyMenu(`/research/${member.organisation.slug}/studies/${study.slug}`, member.can),
  };
}

export default function StudyLayout() {
  const { t, language } = useI18n();
  const { titles, status, menu } = useLoaderData<typeof loader>();
  return (
    <div className="ws-study">
      <p className="ws-study-name">
        {studyTitle(titles, language)} <span className={`ws-status ws-status-${status}`}>{t(`workspace.status.${status}`)}</span>
      </p>
      <nav aria-label={t("workspace.nav.study")} className="ws-subnav">
        <ul>
          {menu.map((group) => (
            <li key={group.label} className="ws-subnav-group">
              <span className="ws-subnav-label">{t(group.label)}</span>
              <ul>
                {group.links.map((link) => (
                  <li key={link.href}>
                    <NavLink to={link.href} end>
                      {t(link.label)}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      </nav>
      <Outlet />
    </div>
  );
}
