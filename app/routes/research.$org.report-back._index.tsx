import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { workspaceHeaders } from "~/auth/headers";
import { useT } from "~/i18n/react";
import { listEntries, studiesOf } from "~/report-back/editor.server";
import { createEntry, ReportBackError } from "~/report-back/entries.server";
import { studyTitle } from "~/studies/titles";
import { readFormBody } from "~/security/form-body.server";
import { requireOrganisationMember } from "~/workspace/request.server";
import { ErrorSummary } from "~/workspace/components/ErrorSummary";
import { DataTable } from "~/workspace/components/DataTable";

export const headers = workspaceHeaders;

// Drafting is for publisher, researcher and admin: `publication:draft` in app/auth/permissions.server.ts.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member } = await requireOrganisationMember(request, context, params, "publication:draft");
  return {
    org: member.organisation.slug,
    entries: await listEntries(member.db, member.organisation.id),
    studies: (await studiesOf(member.db, member.organisation.id)).map((s) => ({ id: s.id, title: studyTitle(s.titles, "en") })),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { member } = await requireOrganisationMember(request, context, params, "publication:draft");
  const form = await readFormBody(request);
  try {
    await createEntry(
      member.db,
      member.organisation.id,
      { userId: member.session.userId },
      { studyId: String(form.get("studyId") ?? ""), slug: String(form.get("slug") ?? "") },
    );
  } catch (error) {
    if (error instanceof ReportBackError) return json({ error: error.reason }, { status: 400 });
    if (error instanceof Error && error.name === "ZodError") return json({ error: "invalid" as const }, { status: 400 });
    throw error;
  }
  return redirect(`/research/${member.organisation.slug}/report-back/${String(form.get("slug")).trim().toLowerCase()}`);
}

export default function ReportBackEntries() {
  const t = useT();
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <main id="main" className="ws-main">
      <h1>{t("reportback.list.title")}</h1>
      <p>
        <a href={`/o/${data.org}/you-said-we-did`}>{t("reportback.editor.publicPage")}</a>
      </p>
      {data.entries.length ? (
        <DataTable columns={["reportback.editor.entry", "reportback.editor.state", "reportback.status.label"]}>
          {data.entries.map((e) => (
            <tr key={e.id}>
              <td>
                <Link to={e.slug}>{e.title || e.slug}</Link>
              </td>
              <td>{t(`reportback.editor.states.${e.state}`)}</td>
              <td>{t(`reportback.status.${e.action_status}`)}</td>
            </tr>
          ))}
        </DataTable>
      ) : (
        <div className="ws-panel" data-testid="empty-state">
          <p>
            <Link to="#new-entry">{t("reportback.list.emptyNext")}</Link>
          </p>
        </div>
      )}
      <h2 id="new-entry">{t("reportback.editor.new")}</h2>
      {result && "error" in result ? (
        <ErrorSummary
          errors={[
            { field: result.error === "study_not_found" ? "rb-study" : "rb-slug", message: t(`reportback.editor.errors.${result.error}`) },
          ]}
        />
      ) : null}
      <Form method="post" className="ws-form">
        <CsrfInput />
        <label htmlFor="rb-study">{t("reportback.editor.study")}</label>
        <select id="rb-study" name="studyId" required>
          {data.studies.map((s) => (
            <option key={s.id} value={s.id}>
              {s.title}
            </option>
          ))}
        </select>
        <label htmlFor="rb-slug">{t("reportback.editor.slug")}</label>
        <p className="ws-hint" id="rb-slug-hint">
          {t("reportback.editor.slugHint")}
        </p>
        <input id="rb-slug" name="slug" type="text" required pattern="[a-z0-9][a-z0-9\-]{0,62}" aria-describedby="rb-slug-hint" />
        <button type="submit" className="button">
          {t("reportback.editor.create")}
        </button>
      </Form>
    </main>
  );
}
