import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { workspaceHeaders } from "~/auth/headers";
import { requireStudyMember } from "~/workspace/request.server";
import { useT } from "~/i18n/react";
import { createGathering, facilitatorChoices, listGatherings, GatheringError, gatheringInputSchema } from "~/fieldwork/gatherings.server";
import { field, readFormBody } from "~/security/form-body.server";
import { DataTable } from "~/workspace/components/DataTable";
import { ErrorSummary } from "~/workspace/components/ErrorSummary";

export const headers = workspaceHeaders;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member, db, scope, base, userId } = await requireStudyMember(request, context, params, "organisation:read");
  if (!member.can("data:read") && !member.can("fieldwork:record")) throw new Response("Forbidden", { status: 403 });
  // A facilitator sees only what they entered: sessions they created or facilitate.
  const sessions = await listGatherings(db, scope, member.can("data:read") ? {} : { visibleTo: userId });
  const staff = await facilitatorChoices(db, scope);
  const names = new Map(staff.map((s) => [s.userId, s.name]));
  return {
    base,
    userId,
    sessions: sessions.map((s) => ({ ...s, facilitator: s.facilitatorUserId ? (names.get(s.facilitatorUserId) ?? "") : "" })),
    canCreate: member.can("fieldwork:record"),
    staff: member.can("fieldwork:record") ? staff : [],
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { db, scope, base, userId } = await requireStudyMember(request, context, params, "fieldwork:record");
  const form = await readFormBody(request);
  const parsed = gatheringInputSchema.safeParse({
    kind: field(form, "kind"),
    label: field(form, "label"),
    heldOn: field(form, "heldOn"),
    languages: field(form, "languages")
      .split(/[\s,]+/)
      .filter(Boolean),
    facilitatorUserId: field(form, "facilitator") || null,
    interpreter: field(form, "interpreter") || "none",
    notes: field(form, "notes"),
  });
  if (!parsed.success) {
    // One message per field that is wrong, each linked to its control.
    const fields = [...new Set(parsed.error.issues.map((issue) => FORM_FIELDS[String(issue.path[0])] ?? "kind"))];
    return {
      errors: fields.map((f) => ({
        field: f,
        message: `coding.sessions.errors.${f === "kind" || f === "interpreter" || f === "notes" ? "invalid" : f}`,
      })),
    };
  }
  try {
    const id = await createGathering(db, scope, userId, parsed.data);
    return redirect(`${base}/fieldwork/${id}`);
  } catch (error) {
    if (error instanceof GatheringError) return { errors: [{ field: "facilitator", message: "coding.sessions.errors.facilitator" }] };
    return { errors: [{ field: "label", message: "coding.sessions.errors.duplicate" }] };
  }
}

/** The form control behind each field of gatheringInputSchema. */
const FORM_FIELDS: Record<string, string> = {
  kind: "kind",
  label: "label",
  heldOn: "heldOn",
  languages: "languages",
  facilitatorUserId: "facilitator",
  interpreter: "interpreter",
  notes: "notes",
};

export default function Sessions() {
  const t = useT();
  const { base, sessions, canCreate, staff, userId } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <main id="main" className="ws-main">
      <h1>{t("coding.sessions.title")}</h1>
      {sessions.length === 0 ? (
        <div className="ws-panel" data-testid="empty-state">
          {canCreate ? (
            <p>
              <Link to="#new-session">{t("coding.sessions.noneNext")}</Link>
            </p>
          ) : (
            <p>{t("coding.sessions.none")}</p>
          )}
        </div>
      ) : (
        <DataTable
          columns={[
            "coding.sessions.label",
            "coding.sessions.kind",
            "coding.sessions.heldOn",
            "coding.sessions.facilitator",
            "coding.sessions.attendees",
            "coding.sessions.segments",
            "coding.sessions.recorded",
          ]}
        >
          {sessions.map((s) => (
            <tr key={s.id}>
              <td>
                <Link to={`${base}/fieldwork/${s.id}`}>{s.label}</Link>
              </td>
              <td>{t(`coding.sessions.kind_${s.kind}`)}</td>
              <td>{s.heldOn}</td>
              <td>{s.facilitator}</td>
              <td>{s.attendees}</td>
              <td>{s.segments}</td>
              <td>{t(s.recorded ? "coding.common.yes" : "coding.common.no")}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {canCreate ? (
        <Form method="post" className="ws-form ws-narrow">
          <CsrfInput />
          <h2 id="new-session">{t("coding.sessions.new")}</h2>
          <ErrorSummary errors={(result?.errors ?? []).map((e) => ({ field: e.field, message: t(e.message) }))} />
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
          <label htmlFor="facilitator">{t("coding.sessions.facilitator")}</label>
          <select id="facilitator" name="facilitator" defaultValue={staff.some((s) => s.userId === userId) ? userId : ""}>
            <option value="">{t("coding.sessions.facilitator_none")}</option>
            {staff.map((s) => (
              <option key={s.userId} value={s.userId}>
                {s.name}
              </option>
            ))}
          </select>
          <label htmlFor="interpreter">{t("coding.sessions.interpreter")}</label>
          <select id="interpreter" name="interpreter">
            {(["none", "in_person", "phone", "video"] as const).map((m) => (
              <option key={m} value={m}>
                {t(`coding.sessions.interpreter_${m}`)}
              </option>
            ))}
          </select>
          <label htmlFor="notes">{t("coding.sessions.notes")}</label>
          <p className="ws-hint" id="notes-hint">
            {t("coding.sessions.notesHint")}
          </p>
          <textarea id="notes" name="notes" rows={4} maxLength={10_000} aria-describedby="notes-hint" dir="auto" />
          <button type="submit">{t("coding.sessions.create")}</button>
        </Form>
      ) : null}
    </main>
  );
}
