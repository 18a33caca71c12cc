import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { workspaceHeaders } from "~/auth/headers";
import { useT } from "~/i18n/react";
import { AUDIT_ACTIONS, AUDIT_PAGE_SIZE, auditFilterSchema, byCommandLine, listAuditEvents } from "~/organisations/audit.server";
import { requireOrganisationMember } from "~/workspace/request.server";
import { DataTable } from "~/workspace/components/DataTable";

export const headers = workspaceHeaders;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member } = await requireOrganisationMember(request, context, params, "audit:read");
  const filter = auditFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const events = await listAuditEvents(member.db, member.organisation.id, filter);
  return {
    filter,
    events: events.map((e) => ({
      id: String(e.id),
      at: new Date(e.occurred_at).toISOString().replace("T", " ").slice(0, 19),
      action: e.action,
      actor: e.actor_email,
      cli: byCommandLine(e),
      subject: e.subject_email ?? e.subject,
      detail: Object.keys(e.detail ?? {}).length > 0 ? JSON.stringify(e.detail) : "",
    })),
  };
}

export default function AuditLog() {
  const t = useT();
  const { filter, events } = useLoaderData<typeof loader>();
  return (
    <main id="main" className="ws-main">
      <h1>{t("workspace.audit.title")}</h1>
      <p className="ws-muted">{t("workspace.audit.intro", { count: AUDIT_PAGE_SIZE })}</p>
      <Form method="get" className="ws-form ws-filter">
        <label htmlFor="action">{t("workspace.audit.action")}</label>
        <select id="action" name="action" defaultValue={filter.action ?? ""}>
          <option value="">{t("workspace.audit.anyAction")}</option>
          {AUDIT_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
        <label htmlFor="actor">{t("workspace.audit.actor")}</label>
        <input id="actor" name="actor" type="search" defaultValue={filter.actor ?? ""} spellCheck={false} />
        <label htmlFor="by">{t("coding.audit.by")}</label>
        <select id="by" name="by" defaultValue={filter.by ?? ""}>
          <option value="">{t("coding.audit.byAnyone")}</option>
          <option value="cli">{t("coding.audit.byCommandLine")}</option>
        </select>
        <label htmlFor="from">{t("workspace.audit.from")}</label>
        <input id="from" name="from" type="date" defaultValue={filter.from ?? ""} />
        <label htmlFor="to">{t("workspace.audit.to")}</label>
        <input id="to" name="to" type="date" defaultValue={filter.to ?? ""} />
        <button type="submit">{t("workspace.audit.filter")}</button>
      </Form>
      {events.length === 0 ? (
        <p>{t("workspace.audit.none")}</p>
      ) : (
        <DataTable
          columns={[
            "workspace.audit.when",
            "workspace.audit.action",
            "workspace.audit.actor",
            "workspace.audit.subject",
            "workspace.audit.detail",
          ]}
          className="ws-audit"
        >
          {events.map((e) => (
            <tr key={e.id}>
              <td>{e.at}</td>
              <td>
                <code>{e.action}</code>
              </td>
              <td>{e.actor ?? (e.cli ? t("coding.audit.commandLine") : "—")}</td>
              <td>{e.subject ?? ""}</td>
              <td>
                <code>{e.detail}</code>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </main>
  );
}
