import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { workspaceHeaders } from "~/auth/headers";
import { getLanguage } from "~/i18n/languages";
import { useI18n } from "~/i18n/react";
import { issueCodeCards, issueCodesSchema, studyLink } from "~/fieldwork/paper-and-assisted.server";
import { studyTitle } from "~/studies/titles";
import { readFormBody } from "~/security/form-body.server";
import { requireStudyMember } from "~/workspace/request.server";
import { ErrorSummary } from "~/workspace/components/ErrorSummary";

export const headers = workspaceHeaders;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { study } = await requireStudyMember(request, context, params, "fieldwork:record");
  return { titles: study.titles, languages: study.languages, link: await studyLink(new URL(request.url).origin, study.slug) };
}

/** Issues paper codes and shows them once, as a printable sheet of cards: only their hashes are kept. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const { member, study } = await requireStudyMember(request, context, params, "fieldwork:record");
  const parsed = issueCodesSchema.safeParse(Object.fromEntries(await readFormBody(request)));
  if (!parsed.success) return json({ error: "count" as const, codes: null }, { status: 400 });
  try {
    const issued = await issueCodeCards(member.db, {
      studyId: study.id,
      ...parsed.data,
      codeHashKey: member.context.secrets.codeHashKey,
      actorUserId: member.session.userId,
    });
    return json({ error: null, codes: issued.codes });
  } catch {
    return json({ error: "no_consent_form" as const, codes: null }, { status: 400 });
  }
}

export default function CodeCards() {
  const { t, language } = useI18n();
  const { titles, languages, link } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const title = studyTitle(titles, language);
  if (result?.codes) {
    return (
      <main id="main" className="ws-main">
        <h1 className="ws-noprint">{t("workspace.codes.sheetTitle")}</h1>
        <p className="ws-noprint ws-panel">{t("workspace.codes.onceOnly")}</p>
        <ul className="ws-cards" aria-label={t("workspace.codes.sheetTitle")}>
          {result.codes.map((code) => (
            <li key={code} className="ws-card">
              <p className="ws-card-title">{title}</p>
              <p className="ws-card-code">{code}</p>
              <img src={link.qr} alt="" width={96} height={96} />
              <p className="ws-card-link">{link.url}</p>
            </li>
          ))}
        </ul>
      </main>
    );
  }
  return (
    <main id="main" className="ws-main">
      <h1>{t("workspace.codes.title")}</h1>
      <p>{t("workspace.codes.intro")}</p>
      {result?.error ? (
        <ErrorSummary
          errors={[{ field: result.error === "count" ? "count" : undefined, message: t(`workspace.codes.errors.${result.error}`) }]}
        />
      ) : null}
      <Form method="post" className="ws-form">
        <CsrfInput />
        <label htmlFor="count">{t("workspace.codes.count")}</label>
        <input id="count" name="count" type="number" min={1} max={200} defaultValue={20} required />
        <label htmlFor="language">{t("workspace.dashboard.language")}</label>
        <select id="language" name="language" defaultValue={languages[0]}>
          {languages.map((code) => (
            <option key={code} value={code}>
              {getLanguage(code).englishName}
            </option>
          ))}
        </select>
        <button type="submit">{t("workspace.codes.submit")}</button>
      </Form>
    </main>
  );
}
