import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { flashPath, putFlash, takeFlash, type FlashError } from "~/participants/flash.server";
import { useT } from "~/i18n/react";
import { ErrorSummary, ParticipantPage } from "~/participants/components/ParticipantPage";
import { enrolOnline, recordRenewedConsent } from "~/participants/enrolment.server";
import { ParticipantError } from "~/participants/errors";
import { noStore, notFound, pageTitle, participantRequest, readForm } from "~/participants/page.server";
import { field } from "~/security/form-body.server";
import { textOf } from "~/participants/render.server";
import { issueConsentFormToken, sessionCookie, sessionTokenForConsent, verifyConsentFormToken } from "~/participants/session.server";
import { currentConsentForm, type ParticipantStudy } from "~/participants/study.server";
import { messageKeys } from "~/instruments/messages";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Tandem" }];
export const headers = () => noStore;

function consentView(study: ParticipantStudy, language: string) {
  const form = currentConsentForm(study);
  if (!form) notFound();
  const statements = (form.version.definition.statements ?? []).map((s) => ({
    id: s.id,
    required: s.required,
    ...textOf(form.version, language, messageKeys.statementText(s.id)),
  }));
  return { form, statements, formTitle: textOf(form.version, language, messageKeys.title) };
}

export async function loader(args: LoaderFunctionArgs) {
  const { study, language, t, session } = await participantRequest(args);
  // Consent is never asked twice; someone who already gave it comes here to change their optional
  // choices (the issue: "/consent lets them change their optional choices").
  if (session && !session.participant.withdrawn_on && session.participant.consented) {
    throw redirect(`/s/${study.slug}/consent-choices`, { headers: noStore });
  }
  const { statements, formTitle } = consentView(study, language);
  // Post/redirect/get (ADR 065): a submit with errors comes back here once, by redirect.
  const flash = await takeFlash(args.context.db, args.request, { path: flashPath(args.request), secure: args.context.secureCookies });
  const errors = (flash.content?.errors ?? []).map((e) => {
    const statement = statements.find((s) => s.id === e.about);
    const message = t(e.key);
    return { id: e.field, message, summary: statement ? t("participant.error.named", { message, subject: statement.text }) : message };
  });
  const title = pageTitle(t, "participant.consent.title", study, language);
  return json(
    {
      flash: { errors, values: (flash.content?.values ?? {}) as Record<string, string> },
      slug: study.slug,
      title: errors.length > 0 ? `${t("participant.q.errorPrefix")} ${title}` : title,
      formTitle,
      statements,
      renewal: session !== null,
      // One-time token, signed by the server: a second submit of this page (double tap, retry) finds the
      // first one's result. It is not the session cookie, which is derived from it under the server's key.
      token: issueConsentFormToken(args.context.secrets.participantFormKey),
      closed: study.status === "closed" && session === null,
    },
    { headers: { ...noStore, ...flash.headers } },
  );
}

export async function action(args: ActionFunctionArgs) {
  const { study, language, session } = await participantRequest(args);
  const { statements } = consentView(study, language);
  const body = await readForm(args.request);
  const agreed: string[] = [];
  const errors: FlashError[] = [];
  let declined = false;
  for (const s of statements) {
    const answer = field(body, s.id);
    if (answer === "yes") agreed.push(s.id);
    else if (answer === "no") declined ||= s.required;
    // Nothing but the required statements is required: an optional choice left blank is a no.
    else if (s.required) errors.push({ field: `f-${s.id}`, key: "participant.consent.missing", about: s.id });
  }
  // Declining a required statement ends here, kindly, and nothing at all is stored.
  if (declined) throw redirect(`/s/${study.slug}/declined`, { headers: noStore });
  const token = field(body, "_token");
  const formKey = args.context.secrets.participantFormKey;
  // A token this server did not issue (or one left open past its time) is never turned into a session.
  if (errors.length > 0 || !verifyConsentFormToken(token, formKey)) {
    const content = {
      errors: errors.length > 0 ? errors : [{ field: `f-${statements[0]!.id}`, key: "participant.error.form" }],
      values: Object.fromEntries(statements.map((s) => [s.id, field(body, s.id)])),
    };
    const cookie = await putFlash(args.context.db, { path: flashPath(args.request), content, secure: args.context.secureCookies });
    throw redirect(`/s/${study.slug}/consent`, { status: 303, headers: { ...noStore, "Set-Cookie": cookie } });
  }
  if (session && !session.participant.withdrawn_on) {
    await recordRenewedConsent(args.context.db, { study, participantId: session.participant.id, agreed });
    throw redirect(`/s/${study.slug}/next`, { headers: noStore });
  }
  if (study.status === "closed") throw redirect(`/s/${study.slug}/consent`, { headers: noStore });
  const sessionToken = sessionTokenForConsent(token, formKey);
  try {
    await enrolOnline(args.context.db, {
      study,
      language,
      agreed,
      codeHashKey: args.context.secrets.codeHashKey,
      submissionToken: token,
      session: { token: sessionToken },
    });
  } catch (error) {
    if (error instanceof ParticipantError && error.reason === "required_not_agreed")
      throw redirect(`/s/${study.slug}/declined`, { headers: noStore });
    throw error;
  }
  // Created now or by an earlier submit of this same page: either way this browser gets the session.
  throw redirect(`/s/${study.slug}/code`, {
    headers: { ...noStore, "Set-Cookie": sessionCookie(sessionToken, args.context.secureCookies) },
  });
}

export default function Consent() {
  const data = useLoaderData<typeof loader>();
  const result = data.flash;
  const t = useT();
  const errors = result.errors;
  const required = data.statements.filter((s) => s.required);
  const optional = data.statements.filter((s) => !s.required);
  const radio = (s: (typeof data.statements)[number], yes: string, no: string) => {
    const error = errors.find((e) => e.id === `f-${s.id}`);
    const value = result?.values?.[s.id];
    return (
      <div className={`field${error ? " field-error" : ""}`} key={s.id}>
        <fieldset aria-describedby={error ? `e-${s.id}` : undefined}>
          <legend {...(s.lang ? { lang: s.lang } : {})}>{s.text}</legend>
          {error ? (
            <p className="error-message" id={`e-${s.id}`}>
              {error.message}
            </p>
          ) : null}
          <div className="choice">
            <input type="radio" id={`f-${s.id}`} name={s.id} value="yes" defaultChecked={value === "yes"} />
            <label htmlFor={`f-${s.id}`}>{yes}</label>
          </div>
          <div className="choice">
            <input type="radio" id={`f-${s.id}-no`} name={s.id} value="no" defaultChecked={value === "no"} />
            <label htmlFor={`f-${s.id}-no`}>{no}</label>
          </div>
        </fieldset>
      </div>
    );
  };
  return (
    <ParticipantPage slug={data.slug}>
      <ErrorSummary errors={errors.map((e) => ({ id: e.id, message: e.summary }))} />
      <h1>{t("participant.consent.title")}</h1>
      {data.closed ? (
        <p>{t("participant.closed")}</p>
      ) : (
        <form method="post" noValidate>
          <input type="hidden" name="_token" value={data.token} />
          <p>{data.renewal ? t("participant.consent.renewal") : t("participant.consent.intro")}</p>
          <h2>{t("participant.consent.requiredHeading")}</h2>
          <p className="hint">{t("participant.consent.requiredHint")}</p>
          {required.map((s) => radio(s, t("participant.consent.agree"), t("participant.consent.notAgree")))}
          {optional.length > 0 ? (
            <div className="panel">
              <h2>{t("participant.consent.optionalHeading")}</h2>
              <p className="hint">{t("participant.consent.optionalHint")}</p>
              {optional.map((s) => radio(s, t("participant.consent.yes"), t("participant.consent.no")))}
            </div>
          ) : null}
          <div className="actions">
            <button className="button" type="submit">
              {t("participant.consent.submit")}
            </button>
          </div>
        </form>
      )}
    </ParticipantPage>
  );
}
