import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { flashPath, putFlash, takeFlash } from "~/participants/flash.server";
import { messageKeys } from "~/instruments/messages";
import { useT } from "~/i18n/react";
import { ErrorSummary, ParticipantPage } from "~/participants/components/ParticipantPage";
import { ParticipantError } from "~/participants/errors";
import { noStore, notFound, pageTitle, participantRequest, readForm } from "~/participants/page.server";
import { field } from "~/security/form-body.server";
import { textOf } from "~/participants/render.server";
import { currentConsentForm, type ParticipantStudy } from "~/participants/study.server";
import { changeConsentChoices, currentConsentChoices, type ConsentChoices } from "~/participants/withdrawal.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Tandem" }];
export const headers = () => noStore;

function optionalStatements(study: ParticipantStudy, language: string) {
  const form = currentConsentForm(study);
  if (!form) notFound();
  return (form.version.definition.statements ?? [])
    .filter((s) => s.flag)
    .map((s) => ({ flag: s.flag!, ...textOf(form.version, language, messageKeys.statementText(s.id)) }));
}

export async function loader(args: LoaderFunctionArgs) {
  const { study, language, t, session } = await participantRequest(args);
  if (!session) throw redirect(`/s/${study.slug}/resume?to=choices`, { headers: noStore });
  const choices = await currentConsentChoices(args.context.db, session.participant.id);
  // Post/redirect/get (ADR 065): "saved" or an error is shown once, after the redirect.
  const flash = await takeFlash(args.context.db, args.request, { path: flashPath(args.request), secure: args.context.secureCookies });
  const errors = (flash.content?.errors ?? []).map((e) => ({ id: e.field, message: t(e.key) }));
  const title = pageTitle(t, "participant.choices.title", study, language);
  return json(
    {
      slug: study.slug,
      title: errors.length > 0 ? `${t("participant.q.errorPrefix")} ${title}` : title,
      statements: optionalStatements(study, language),
      choices: choices ?? { audio_recording: false, quotes: false },
      withdrawn: session.participant.withdrawn_on !== null,
      result: { errors, saved: flash.content?.notice?.saved === true },
    },
    { headers: { ...noStore, ...flash.headers } },
  );
}

export async function action(args: ActionFunctionArgs) {
  const { study, language, session } = await participantRequest(args);
  if (!session) throw redirect(`/s/${study.slug}/resume?to=choices`, { headers: noStore });
  const body = await readForm(args.request);
  const choices: Partial<ConsentChoices> = {};
  // As on the consent page, a choice left blank is a no (it only ever narrows what is used).
  for (const s of optionalStatements(study, language)) choices[s.flag] = field(body, s.flag) === "yes";
  let content;
  try {
    await changeConsentChoices(args.context.db, { studyId: study.id, participantId: session.participant.id, choices });
    content = { notice: { saved: true } };
  } catch (error) {
    if (!(error instanceof ParticipantError)) throw error;
    content = { errors: [{ field: "f-quotes", key: "participant.error.form" }] };
  }
  const cookie = await putFlash(args.context.db, { path: flashPath(args.request), content, secure: args.context.secureCookies });
  throw redirect(`/s/${study.slug}/consent-choices`, { status: 303, headers: { ...noStore, "Set-Cookie": cookie } });
}

export default function ConsentChoicesPage() {
  const data = useLoaderData<typeof loader>();
  const result = data.result;
  const t = useT();
  const errors = result.errors;
  return (
    <ParticipantPage slug={data.slug}>
      <ErrorSummary errors={errors} />
      {result?.saved ? (
        <div className="panel panel-success" role="status">
          {t("participant.choices.saved")}
        </div>
      ) : null}
      <h1>{t("participant.choices.title")}</h1>
      <p>{t("participant.choices.intro")}</p>
      <form method="post" noValidate>
        {data.statements.map((s) => {
          const error = errors.find((e) => e.id === `f-${s.flag}`);
          return (
            <div className={`field${error ? " field-error" : ""}`} key={s.flag}>
              <fieldset>
                <legend {...(s.lang ? { lang: s.lang } : {})}>{s.text}</legend>
                {error ? <p className="error-message">{error.message}</p> : null}
                <div className="choice">
                  <input
                    type="radio"
                    id={`f-${s.flag}`}
                    name={s.flag}
                    value="yes"
                    defaultChecked={data.choices[s.flag]}
                    disabled={data.withdrawn && !data.choices[s.flag]}
                  />
                  <label htmlFor={`f-${s.flag}`}>{t("participant.consent.yes")}</label>
                </div>
                <div className="choice">
                  <input type="radio" id={`f-${s.flag}-no`} name={s.flag} value="no" defaultChecked={!data.choices[s.flag]} />
                  <label htmlFor={`f-${s.flag}-no`}>{t("participant.consent.no")}</label>
                </div>
              </fieldset>
            </div>
          );
        })}
        <button className="button" type="submit">
          {t("participant.choices.save")}
        </button>
      </form>
      <p>
        <a href={`/s/${data.slug}/my-consent`}>{t("participant.choices.copyLink")}</a>
      </p>
      <p>
        <a href={`/s/${data.slug}/next`}>{t("participant.backToQuestions")}</a>
      </p>
    </ParticipantPage>
  );
}
