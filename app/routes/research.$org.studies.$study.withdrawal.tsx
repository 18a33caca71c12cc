import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useParams } from "@remix-run/react";
import { z } from "zod";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { workspaceHeaders } from "~/auth/headers";
import { useT } from "~/i18n/react";
import { recordStaffWithdrawal, withdrawalModes } from "~/fieldwork/paper-and-assisted.server";
import { FieldworkError } from "~/fieldwork/components/FieldworkError";
import { readFormBody } from "~/security/form-body.server";
import { requireStudyMember } from "~/workspace/request.server";
import { WITHDRAWAL_MODES } from "~/participants/withdrawal-modes";

export const headers = workspaceHeaders;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member, study } = await requireStudyMember(request, context, params, "fieldwork:record");
  return { modes: await withdrawalModes(member.db, study.id) };
}

const withdrawalSchema = z.object({ code: z.string().trim().min(1).max(40), mode: z.enum(WITHDRAWAL_MODES) });

/** A withdrawal that reached staff by phone or in person. No reason is asked or stored. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const { member, study } = await requireStudyMember(request, context, params, "fieldwork:record");
  const parsed = withdrawalSchema.safeParse(Object.fromEntries(await readFormBody(request)));
  if (!parsed.success) return json({ ok: false as const, error: "invalid_code" }, { status: 400 });
  const result = await recordStaffWithdrawal(member.db, {
    studyId: study.id,
    ...parsed.data,
    codeHashKey: member.context.secrets.codeHashKey,
    actorUserId: member.session.userId,
  });
  if (!result.ok) return json({ ok: false as const, error: result.error }, { status: 400 });
  return json({ ok: true as const, mode: result.value.mode });
}

export default function StaffWithdrawal() {
  const t = useT();
  const { modes } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const params = useParams();
  return (
    <main id="main" className="ws-main">
      <h1>{t("workspace.withdrawal.title")}</h1>
      <p>{t("workspace.withdrawal.intro")}</p>
      <FieldworkError result={result} />
      {result?.ok ? (
        <p className="ws-panel" role="status">
          {t(result.mode === "erase" ? "workspace.withdrawal.doneErase" : "workspace.withdrawal.doneKeep")}
        </p>
      ) : null}
      {modes.length === 0 ? (
        <p>{t("workspace.fieldwork.errors.mode_not_offered")}</p>
      ) : (
        <Form method="post" className="ws-form" key={result?.ok ? "done" : "form"}>
          <CsrfInput />
          <label htmlFor="code">{t("workspace.fieldwork.code")}</label>
          <input id="code" name="code" autoComplete="off" spellCheck={false} required className="ws-code-input" />
          <fieldset>
            <legend>{t("workspace.withdrawal.mode")}</legend>
            {modes.map((mode, i) => (
              <div key={mode} className="ws-check">
                <input type="radio" id={`mode-${mode}`} name="mode" value={mode} defaultChecked={i === 0} />
                <label htmlFor={`mode-${mode}`}>{t(`workspace.withdrawal.mode_${mode}`)}</label>
              </div>
            ))}
          </fieldset>
          <button type="submit">{t("workspace.withdrawal.submit")}</button>
        </Form>
      )}
      <p>
        <Link to={`/research/${params.org}/studies/${params.study}/consent-choices`}>{t("workspace.consentChoices.link")}</Link>
      </p>
    </main>
  );
}
