import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { ParticipantPage, useParticipantPage } from "~/participants/components/ParticipantPage";
import { consentCopy, longDate, maskedCode } from "~/participants/consent-copy.server";
import { noStore, pageTitle, participantRequest } from "~/participants/page.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Tandem" }];
export const headers = () => noStore;

/** A record of what the person agreed to, to read or print (issue 17 part 3). */
export async function loader(args: LoaderFunctionArgs) {
  const { study, language, t, session } = await participantRequest(args);
  if (!session) throw redirect(`/s/${study.slug}/resume?to=consent`, { headers: noStore });
  const copy = await consentCopy(args.context.db, { studyId: study.id, participantId: session.participant.id, language });
  // The code is a key to someone's answers: printed whole only when they ask for it on this page.
  const showCode = new URL(args.request.url).searchParams.get("code") === "show";
  const code = session.code ? (showCode ? session.code : maskedCode(session.code)) : null;
  return {
    slug: study.slug,
    title: pageTitle(t, "participant.copy.title", study, language),
    studyTitle: study.titles[language] ?? study.titles.en ?? study.slug,
    code,
    codeShown: showCode && code !== null,
    copy: copy
      ? {
          ...copy,
          recordedOn: longDate(copy.recordedOn, language),
          withdrawnOn: copy.withdrawnOn ? longDate(copy.withdrawnOn, language) : null,
          statements: copy.statements.map((s) => ({ ...s, changedOn: s.changedOn ? longDate(s.changedOn, language) : null })),
          earlier: copy.earlier.map((e) => ({ ...e, recordedOn: longDate(e.recordedOn, language) })),
        }
      : null,
  };
}

export default function MyConsent() {
  const { data, t } = useParticipantPage<typeof loader>();
  const copy = data.copy;
  const choice = (agreed: boolean) => (agreed ? t("participant.consent.yes") : t("participant.consent.no"));
  return (
    <ParticipantPage slug={data.slug}>
      <h1>{t("participant.copy.title")}</h1>
      {copy === null ? (
        <p>{t("participant.copy.none")}</p>
      ) : (
        <>
          <dl className="summary-list consent-copy-facts">
            <div>
              <dt>{t("participant.copy.study")}</dt>
              <dd>{data.studyTitle}</dd>
            </div>
            <div>
              <dt>{t("participant.copy.form")}</dt>
              <dd>
                <span {...(copy.formTitle.lang ? { lang: copy.formTitle.lang } : {})}>{copy.formTitle.text}</span>
                {" · "}
                {t("participant.copy.version", { version: copy.formVersion })}
              </dd>
            </div>
            <div>
              <dt>{t("participant.copy.date")}</dt>
              <dd>
                {copy.recordedOn} ({t(`participant.copy.method.${copy.method}`)})
              </dd>
            </div>
            {data.code ? (
              <div>
                <dt>{t("participant.copy.code")}</dt>
                <dd>
                  <span className="code">{data.code}</span>
                </dd>
              </div>
            ) : null}
          </dl>
          {copy.withdrawnOn ? <p className="panel">{t("participant.copy.withdrawn", { date: copy.withdrawnOn })}</p> : null}
          <h2>{t("participant.copy.statements")}</h2>
          <ol className="consent-copy">
            {copy.statements.map((s) => (
              <li key={s.id}>
                <p {...(s.lang ? { lang: s.lang } : {})}>{s.text}</p>
                <p>
                  <strong>
                    {s.changedOn
                      ? t("participant.copy.changed", { then: choice(s.agreedThen), now: choice(s.agreedNow), date: s.changedOn })
                      : t("participant.copy.answer", { answer: choice(s.agreedNow) })}
                  </strong>
                  {s.required ? null : ` ${t("participant.copy.optional")}`}
                </p>
              </li>
            ))}
          </ol>
          {copy.earlier.map((e) => (
            <p key={`${e.formVersion}-${e.recordedOn}`}>{t("participant.copy.earlier", { version: e.formVersion, date: e.recordedOn })}</p>
          ))}
          <p>{t("participant.copy.noName")}</p>
          <div className="no-print">
            <p>{t("participant.code.print")}</p>
            {data.code && !data.codeShown ? (
              <p>
                <a href={`/s/${data.slug}/my-consent?code=show`}>{t("participant.copy.showCode")}</a>
              </p>
            ) : null}
            <p>
              <a href={`/s/${data.slug}/consent-choices`}>{t("participant.copy.change")}</a>
            </p>
            <p>
              <a href={`/s/${data.slug}/next`}>{t("participant.backToQuestions")}</a>
            </p>
          </div>
        </>
      )}
    </ParticipantPage>
  );
}
