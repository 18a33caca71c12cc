import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useParams } from "@remix-run/react";
import { z } from "zod";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { workspaceHeaders } from "~/auth/headers";
import { useT } from "~/i18n/react";
import { recordStaffConsentChange } from "~/fieldwork/paper-and-assisted.server";
import { FieldworkError } from "~/fieldwork/components/FieldworkError";
import { readFormBody } from "~/security/form-body.server";
import { requireStudyMember } from "~/workspace/request.server";

export const headers = workspaceHeaders;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireStudyMember(request, context, params, "fieldwork:record");
  return null;
}

const choice = z.enum(["", "yes", "no"]).default("");
const changeSchema = z.object({ code: z.string().trim().min(1).max(40), quotes: choice, audio_recording: choice });

/** A change of optional consent that reached staff by phone or in person: only what the person asked, nothing else. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const { member, study } = await requireStudyMember(request, context, params, "fieldwork:record");
  const parsed = changeSchema.safeParse(Object.fromEntries(await readFormBody(request)));
  if (!parsed.success) return json({ ok: false as const, error: "invalid_code" }, { status: 400 });
  const choices: { quotes?: boolean; audio_recording?: boolean } = {};
  if (parsed.data.quotes) choices.quotes = parsed.data.quotes === "yes";
  if (parsed.data.audio_recording) choices.audio_recording = parsed.data.audio_recording === "yes";
  if (Object.keys(choices).length === 0) return json({ ok: false as const, error: "nothing_chosen" }, { status: 400 });
  const result = await recordStaffConsentChange(member.db, {
    studyId: study.id,
    code: parsed.data.code,
    choices,
    codeHashKey: member.context.secrets.codeHashKey,
    actorUserId: member.session.userId,
  });
  if (!result.ok) return json({ ok: false as const, error: result.error }, { status: 400 });
  return json({ ok: true as const, changed: result.value.changed.length > 0, choices: result.value.choices });
}

export default function StaffConsentChoices() {
  const t = useT();
  const result = useActionData<typeof action>();
  const params = useParams();
  const options = ["", "yes", "no"] as const;
  return (
    <main id="main" className="ws-main">
      <h1>{t("workspace.consentChoices.title")}</h1>
      <p>{t("workspace.consentChoices.intro")}</p>
      <FieldworkError result={result} />
      {result?.ok ? (
        <div className="ws-panel" role="status">
          <p>{t(result.changed ? "workspace.consentChoices.done" : "workspace.consentChoices.unchanged")}</p>
          <ul>
            <li>
              {t("workspace.consentChoices.quotes")}:{" "}
              {t(result.choices.quotes ? "workspace.consentChoices.yes" : "workspace.consentChoices.no")}
            </li>
            <li>
              {t("workspace.consentChoices.audio")}:{" "}
              {t(result.choices.audio_recording ? "workspace.consentChoices.yes" : "workspace.consentChoices.no")}
            </li>
          </ul>
        </div>
      ) : null}
      <Form method="post" className="ws-form" key={result?.ok ? "done" : "form"}>
        <CsrfInput />
        <label htmlFor="code">{t("workspace.fieldwork.code")}</label>
        <input id="code" name="code" autoComplete="off" spellCheck={false} required className="ws-code-input" />
        {(["quotes", "audio_recording"] as const).map((flag) => (
          <fieldset key={flag}>
            <legend>{t(flag === "quotes" ? "workspace.consentChoices.quotes" : "workspace.consentChoices.audio")}</legend>
            {options.map((value) => (
              <div key={value || "keep"} className="ws-check">
                <input type="radio" id={`${flag}-${value || "keep"}`} name={flag} value={value} defaultChecked={value === ""} />
                <label htmlFor={`${flag}-${value || "keep"}`}>
                  {t(
                    value === ""
                      ? "workspace.consentChoices.keep"
                      : value === "yes"
                        ? "workspace.consentChoices.yes"
                        : "workspace.consentChoices.no",
                  )}
                </label>
              </div>
            ))}
          </fieldset>
        ))}
        <button type="submit">{t("workspace.consentChoices.submit")}</button>
      </Form>
      <p>
        <Link to={`/research/${params.org}/studies/${params.study}/withdrawal`}>{t("workspace.consentChoices.withdrawInstead")}</Link>
      </p>
    </main>
  );
}
