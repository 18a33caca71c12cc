import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { workspaceHeaders } from "~/auth/headers";
import { useT } from "~/i18n/react";
import { requestLanguage } from "~/i18n/request.server";
import { consentStatements, recordPaperConsentForCode } from "~/fieldwork/paper-and-assisted.server";
import { FieldworkError } from "~/fieldwork/components/FieldworkError";
import { readFormBody } from "~/security/form-body.server";
import { requireStudyMember } from "~/workspace/request.server";

export const headers = workspaceHeaders;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member, study } = await requireStudyMember(request, context, params, "fieldwork:record");
  return { form: await consentStatements(member.db, study.id, requestLanguage(request)) };
}

/** A facilitator records what the person holding a code agreed to on the paper form. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const { member, study } = await requireStudyMember(request, context, params, "fieldwork:record");
  const form = await readFormBody(request);
  const result = await recordPaperConsentForCode(member.db, {
    studyId: study.id,
    code: String(form.get("code") ?? "").slice(0, 40),
    agreed: form.getAll("agreed").map(String),
    codeHashKey: member.context.secrets.codeHashKey,
    actorUserId: member.session.userId,
  });
  if (!result.ok) return json({ ok: false as const, error: result.error }, { status: 400 });
  return json({ ok: true as const, created: result.value.created });
}

export default function PaperConsent() {
  const t = useT();
  const { form } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  if (!form) {
    return (
      <main id="main" className="ws-main">
        <h1>{t("workspace.paperConsent.title")}</h1>
        <p>{t("workspace.codes.errors.no_consent_form")}</p>
      </main>
    );
  }
  return (
    <main id="main" className="ws-main">
      <h1>{t("workspace.paperConsent.title")}</h1>
      <FieldworkError result={result} />
      {result?.ok ? (
        <p className="ws-panel" role="status">
          {t(result.created ? "workspace.paperConsent.recordedNew" : "workspace.paperConsent.recorded")}
        </p>
      ) : null}
      <p>{t("workspace.paperConsent.intro", { version: form.version })}</p>
      <Form method="post" className="ws-form" key={result?.ok ? "done" : "form"}>
        <CsrfInput />
        <label htmlFor="code">{t("workspace.fieldwork.code")}</label>
        <input id="code" name="code" autoComplete="off" spellCheck={false} required className="ws-code-input" />
        <fieldset>
          <legend>{t("workspace.paperConsent.agreed")}</legend>
          {form.statements.map((s) => (
            <div key={s.id} className="ws-check">
              <input type="checkbox" id={`agreed-${s.id}`} name="agreed" value={s.id} />
              <label htmlFor={`agreed-${s.id}`} lang={s.lang}>
                {s.text} {s.required ? <strong>({t("workspace.paperConsent.required")})</strong> : null}
              </label>
            </div>
          ))}
        </fieldset>
        <button type="submit">{t("workspace.paperConsent.submit")}</button>
      </Form>
    </main>
  );
}
