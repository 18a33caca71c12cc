import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { workspaceHeaders } from "~/auth/headers";
import { getLanguage } from "~/i18n/languages";
import { useT } from "~/i18n/react";
import { Blocks } from "~/participants/components/Blocks";
import { QuestionField } from "~/participants/components/QuestionField";
import type { RawAnswers } from "~/participants/answers.server";
import type { QuestionView } from "~/participants/question-view.server";
import { assistedForm, assistedQuestionnaires, INTERPRETER_VALUES, saveAssistedAnswers } from "~/fieldwork/paper-and-assisted.server";
import { FieldworkError } from "~/fieldwork/components/FieldworkError";
import { readFormBody } from "~/security/form-body.server";
import { requireStudyMember } from "~/workspace/request.server";

export const headers = workspaceHeaders;

/**
 * Assisted entry: a facilitator fills in a questionnaire with a participant (reading it out, with an
 * interpreter or not). The questions show in the participant's language; the whole questionnaire is
 * one page, and nothing is saved unless every answer is valid.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member, study } = await requireStudyMember(request, context, params, "fieldwork:record");
  const url = new URL(request.url);
  const useKey = url.searchParams.get("use");
  const found = await assistedQuestionnaires(member.db, study.id);
  const form = useKey
    ? await assistedForm(member.db, { studyId: study.id, useKey, language: url.searchParams.get("language") ?? "" })
    : null;
  return { uses: found?.uses ?? [], languages: study.languages, useKey, form };
}

const controlSchema = z.object({
  _code: z.string().trim().min(1).max(40),
  _use: z.string().max(100),
  _language: z.string().max(10),
  _interpreter: z.enum(INTERPRETER_VALUES),
});

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { member, study } = await requireStudyMember(request, context, params, "fieldwork:record");
  const body = await readFormBody(request);
  const control = controlSchema.safeParse(Object.fromEntries([...body].filter(([k]) => k.startsWith("_"))));
  if (!control.success)
    return json(
      { ok: false as const, error: "invalid_code", itemErrors: {} as Record<string, string>, values: {} as RawAnswers },
      { status: 400 },
    );
  const raw: RawAnswers = {};
  for (const name of new Set(body.keys())) {
    if (name.startsWith("_") || name === "csrf") continue;
    const values = body.getAll(name).filter((v): v is string => typeof v === "string" && v !== "");
    if (values.length > 0) raw[name] = values.length === 1 ? values[0] : values;
  }
  const result = await saveAssistedAnswers(member.db, {
    studyId: study.id,
    code: control.data._code,
    useKey: control.data._use,
    language: control.data._language,
    interpreter: control.data._interpreter,
    raw,
    codeHashKey: member.context.secrets.codeHashKey,
    actorUserId: member.session.userId,
  });
  if (!result.ok)
    return json({ ok: false as const, error: result.error, itemErrors: {} as Record<string, string>, values: raw }, { status: 400 });
  if (!result.value.ok)
    return json(
      { ok: false as const, error: "invalid_answer", itemErrors: result.value.errors as Record<string, string>, values: raw },
      { status: 400 },
    );
  return json({ ok: true as const, error: null, itemErrors: {} as Record<string, string>, values: {} as RawAnswers });
}

export default function AssistedEntry() {
  const t = useT();
  const { uses, languages, useKey, form } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const itemErrors: Record<string, string> = result && !result.ok ? (result.itemErrors as Record<string, string>) : {};
  return (
    <main id="main" className="ws-main">
      <h1>{t("workspace.assisted.title")}</h1>
      <p>{t("workspace.assisted.intro")}</p>
      <Form method="get" className="ws-form ws-filter">
        <label htmlFor="use">{t("workspace.dashboard.instrument")}</label>
        <select id="use" name="use" defaultValue={useKey ?? undefined}>
          {uses.map((u) => (
            <option key={u.key} value={u.key}>
              {u.instrumentId} v{u.version} · {u.timepoint}
            </option>
          ))}
        </select>
        <label htmlFor="language">{t("workspace.dashboard.language")}</label>
        <select id="language" name="language" defaultValue={form?.language}>
          {languages.map((code) => (
            <option key={code} value={code}>
              {getLanguage(code).englishName}
            </option>
          ))}
        </select>
        <button type="submit">{t("workspace.assisted.choose")}</button>
      </Form>
      {result?.ok ? (
        <p className="ws-panel" role="status">
          {t("workspace.assisted.saved")}
        </p>
      ) : null}
      <FieldworkError result={result} field="_code" />
      {form ? (
        <Form method="post" className="ws-form ws-assisted" key={result?.ok ? "saved" : "form"}>
          <CsrfInput />
          <input type="hidden" name="_use" value={`${form.instrumentId}:${form.timepoint}`} />
          <input type="hidden" name="_language" value={form.language} />
          <label htmlFor="_code">{t("workspace.fieldwork.code")}</label>
          <input id="_code" name="_code" autoComplete="off" spellCheck={false} required className="ws-code-input" />
          <label htmlFor="_interpreter">{t("workspace.assisted.interpreter")}</label>
          <select id="_interpreter" name="_interpreter" defaultValue="none">
            {INTERPRETER_VALUES.map((v) => (
              <option key={v} value={v}>
                {t(`workspace.assisted.interpreter_${v}`)}
              </option>
            ))}
          </select>
          <div lang={form.language} dir={getLanguage(form.language).dir} className="ws-questionnaire">
            {form.pages.map((page, index) => (
              <section key={index} aria-label={page.heading.text}>
                <h2 {...(page.heading.lang ? { lang: page.heading.lang } : {})}>{page.heading.text}</h2>
                <Blocks blocks={page.intro} />
                {page.items.map((item) =>
                  item.kind === "block" ? (
                    <Blocks key={item.id} blocks={[item.block]} />
                  ) : (
                    <QuestionField
                      key={item.id}
                      question={item as unknown as QuestionView}
                      error={itemErrors[item.id] ? t(`participant.error.${itemErrors[item.id]}`) : undefined}
                      submitted={result && !result.ok ? result.values[item.id] : undefined}
                    />
                  ),
                )}
                {page.attributions.map((a) => (
                  <p key={a.text} className="attribution" {...(a.lang ? { lang: a.lang } : {})}>
                    {a.text}
                  </p>
                ))}
              </section>
            ))}
          </div>
          <button type="submit">{t("workspace.assisted.submit")}</button>
        </Form>
      ) : null}
    </main>
  );
}
