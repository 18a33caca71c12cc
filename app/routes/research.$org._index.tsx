import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { workspaceHeaders } from "~/auth/headers";
import { useI18n } from "~/i18n/react";
import { listStudies } from "~/studies/studies.server";
import { studyTitle } from "~/studies/titles";
import { requireOrganisationMember } from "~/workspace/request.server";
import { DataTable } from "~/workspace/components/DataTable";

export const headers = workspaceHeaders;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member } = await requireOrganisationMember(request, context, params, "organisation:read");
  const studies = await listStudies(member.db, member.organisation.id);
  return {
    org: member.organisation.slug,
    canCreate: member.can("study:create"),
    studies: studies.map((s) => ({ slug: s.slug, titles: s.titles, status: s.status, languages: s.languages })),
  };
}

export default function Studies() {
  const { t, language } = useI18n();
  const { org, canCreate, studies } = useLoaderData<typeof loader>();
  return (
    <main id="main" className="ws-main">
      <h1>{t("workspace.studies.title")}</h1>
      {canCreate ? (
        <p>
          <Link to={`/research/${org}/studies/new`} className="ws-button">
            {t("workspace.studies.new")}
          </Link>
        </p>
      ) : null}
      {studies.length === 0 ? (
        <p>{t("workspace.studies.none")}</p>
      ) : (
        <DataTable columns={["workspace.study.titleColumn", "workspace.field.slug", "workspace.study.statusColumn"]}>
          {studies.map((s) => (
            <tr key={s.slug}>
              <td>
                <Link to={`/research/${org}/studies/${s.slug}`}>{studyTitle(s.titles, language)}</Link>
              </td>
              <td>
                <code>{s.slug}</code>
              </td>
              <td>{t(`workspace.status.${s.status}`)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </main>
  );
}
