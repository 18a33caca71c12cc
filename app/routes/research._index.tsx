import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { workspaceHeaders } from "~/auth/headers";
import { requireUser } from "~/auth/permissions.server";
import { workspaceContext } from "~/auth/sessions.server";
import { useT } from "~/i18n/react";
import { membershipsOf } from "~/organisations/people.server";

export const headers = workspaceHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const session = await requireUser(request, context);
  return { organisations: await membershipsOf(workspaceContext(context).db, session.userId) };
}

export default function OrganisationPicker() {
  const t = useT();
  const { organisations } = useLoaderData<typeof loader>();
  return (
    <main id="main" className="ws-main">
      <h1>{t("workspace.picker.title")}</h1>
      {organisations.length === 0 ? (
        <p>{t("workspace.picker.none")}</p>
      ) : (
        <ul className="ws-list">
          {organisations.map((o) => (
            <li key={o.slug}>
              <Link to={`/research/${o.slug}`}>{o.name}</Link> <span className="ws-muted">{t(`workspace.roles.${o.role}`)}</span>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
