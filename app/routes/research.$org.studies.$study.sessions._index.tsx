import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { workspaceHeaders } from "~/auth/headers";
import { field, requireStudyMember } from "~/coding/workspace.server";
import { useT } from "~/i18n/react";
import { createSession, listSessions, sessionInputSchema } from "~/sessions/sessions.server";

export const headers = workspaceHeaders;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member, db, scope, base } = await requireStudyMember(request, context, params, "organisation:read");
  if (!member.can("data:read") && !member.can("fieldwork:record")) throw new Response("Forbidden", { status: 403 });
  return { base, sessions: await listSessions(db, scope), canCreate: member.can("fieldwork:record") };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { db, scope, base, userId } = await requireStudyMember(request, context, params, "fieldwork:record");
  const form = await request.formData();
  const parsed = sessionInputSchema.safeParse({
    kind: field(form, "kind"),
    label: field(form, "label"),
    heldOn: field(form, "heldOn"),
    languages: field(form, "languages").split(/[\s,]+/).filter(Boolean),
    interpreter: field(form, "interpreter") || "none",
    notes: field(form, "notes"),
  });
  if (!parsed.success) return { error: "coding.sessions.errors.invalid" };
  try {
    const id = await createSession(db, scope, userId, parsed.data);
    return redirect(`${base}/sessions/${id}`);
  } catch {
    return { error: "coding.sessions.errors.duplicate" };
  }
}

export default function Sessions() {
  const t = useT();
  const { base, sessions, canCreate } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <main id="main" className="ws-main">
      <h1>{t("coding.sessions.title")}</h1>
      <p className="ws-noprint">
        <Link to={`${base}/coding`}>{t("coding.nav.coding")}</Link> · <Link to={`${base}/themes`}>{t("coding.nav.themes")}</Link> ·{" "}
        <Link to={`${base}/quotes`}>{t("coding.nav.quotes")}</Link>
      </p>
      {sessions.length === 0 ? (
        <p>{t("coding.sessions.none")}</p>
      ) : (
        <table className="ws-table">
          <thead>
            <tr>
              <th scope="col">{t("coding.sessions.label")}</th>
              <th scope="col">{t("coding.sessions.kind")}</th>
              <th scope="col">{t("coding.sessions.heldOn")}</th>
              <th scope="col">{t("coding.sessions.attendees")}</th>
              <th scope="col">{t("coding.sessions.segments")}</th>
              <th scope="col">{t("coding.sessions.recorded")}</th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link to={`${base}/sessions/${s.id}`}>{s.label}</Link>
                </td>
                <td>{t(`coding.sessions.kind_${s.kind}`)}</td>
                <td>{s.heldOn}</td>
                <td>{s.attendees}</td>
                <td>{s.segments}</td>
                <td>{t(s.recorded ? "coding.common.yes" : "coding.common.no")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canCreate ? (
        <Form method="post" className="ws-form ws-narrow">
          <CsrfInput />
          <h2>{t("coding.sessions.new")}</h2>
          {result?.error ? (
            <p className="ws-field-error" role="alert">
              {t(result.error)}
            </p>
          ) : null}
          <label htmlFor="kind">{t("coding.sessions.kind")}</label>
          <select id="kind" name="kind">
            <option value="focus_group">{t("coding.sessions.kind_focus_group")}</option>
            <option value="interview">{t("coding.sessions.kind_interview")}</option>
          </select>
          <label htmlFor="label">{t("coding.sessions.label")}</label>
          <p className="ws-hint">{t("coding.sessions.labelHint")}</p>
          <input id="label" name="label" required maxLength={80} />
          <label htmlFor="heldOn">{t("coding.sessions.heldOn")}</label>
          <input id="heldOn" name="heldOn" type="date" required />
          <label htmlFor="languages">{t("coding.sessions.languages")}</label>
          <p className="ws-hint">{t("coding.sessions.languagesHint")}</p>
          <input id="languages" name="languages" />
          <label htmlFor="interpreter">{t("coding.sessions.interpreter")}</label>
          <select id="interpreter" name="interpreter">
            {(["none", "in_person", "phone", "video"] as const).map((m) => (
              <option key={m} value={m}>
                {t(`coding.sessions.interpreter_${m}`)}
              </option>
            ))}
          </select>
          <button type="submit">{t("coding.sessions.create")}</button>
        </Form>
      ) : null}
    </main>
  );
}
