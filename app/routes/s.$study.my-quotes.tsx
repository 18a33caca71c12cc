import { json, redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { flashPath, takeFlash } from "~/participants/flash.server";
import { ParticipantPage, useParticipantPage } from "~/participants/components/ParticipantPage";
import { noStore, pageTitle, participantRequest } from "~/participants/page.server";
import { currentConsentChoices } from "~/participants/withdrawal.server";
import { myQuotes, participantScope, toCheck } from "~/quote-checks/participant.server";
import { QuoteFacts, QuoteStatus, QuoteWords } from "~/quote-checks/components/QuoteView";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Tandem" }];
export const headers = () => noStore;

/**
 * "Your quotes": each quote of the person's chosen for a report, to check or already checked
 * (docs/decisions/078-quote-checks.md). Only with their code: the session the code opened.
 */
export async function loader(args: LoaderFunctionArgs) {
  const { study, language, t, session } = await participantRequest(args);
  if (!session) throw redirect(`/s/${study.slug}/resume?to=quotes`, { headers: noStore });
  const db = args.context.db;
  const quotes = await myQuotes(db, await participantScope(db, study), session.participant.id, language);
  const choices = await currentConsentChoices(db, session.participant.id);
  const flash = await takeFlash(db, args.request, { path: flashPath(args.request), secure: args.context.secureCookies });
  return json(
    {
      slug: study.slug,
      title: pageTitle(t, "participant.quotes.title", study, language),
      toCheck: quotes.filter((q) => toCheck(q) && q.places.length > 0),
      checked: quotes.filter((q) => !toCheck(q)),
      noQuotes: session.participant.withdrawn_on !== null || choices?.quotes !== true,
      saved: typeof flash.content?.notice?.saved === "string" ? flash.content.notice.saved : null,
    },
    { headers: { ...noStore, ...flash.headers } },
  );
}

export default function MyQuotes() {
  const { data, t } = useParticipantPage<typeof loader>();
  const base = `/s/${data.slug}`;
  return (
    <ParticipantPage slug={data.slug}>
      {data.saved ? (
        <div className="panel panel-success" role="status">
          {t(`participant.quotes.saved.${data.saved}`)}
        </div>
      ) : null}
      <h1>{t("participant.quotes.title")}</h1>
      <p>{t("participant.quotes.intro")}</p>
      {data.noQuotes ? (
        <p className="panel">
          {t("participant.quotes.noConsent")} <a href={`${base}/consent-choices`}>{t("participant.footer.choices")}</a>
        </p>
      ) : data.toCheck.length + data.checked.length === 0 ? (
        <p className="panel">{t("participant.quotes.none")}</p>
      ) : null}
      {data.toCheck.length > 0 ? (
        <>
          <h2>{t("participant.quotes.toCheck", { count: data.toCheck.length })}</h2>
          {data.toCheck.map((quote) => (
            <section key={quote.id} className="my-quote-item" aria-label={t("participant.quotes.one")}>
              <QuoteWords quote={quote} />
              <QuoteStatus quote={quote} />
              <p>
                <a className="button" href={`${base}/my-quotes/${quote.id}`}>
                  {t("participant.quotes.check")}
                </a>
              </p>
            </section>
          ))}
        </>
      ) : null}
      {data.checked.length > 0 ? (
        <>
          <h2>{t("participant.quotes.checked")}</h2>
          {data.checked.map((quote) => (
            <section key={quote.id} className="my-quote-item" aria-label={t("participant.quotes.one")}>
              <QuoteWords quote={quote} />
              <QuoteFacts quote={quote} />
              <QuoteStatus quote={quote} />
              {quote.status === "refused" ? null : (
                <p>
                  <a href={`${base}/my-quotes/${quote.id}`}>{t("participant.quotes.change")}</a>
                </p>
              )}
            </section>
          ))}
        </>
      ) : null}
      <ul className="plain-list">
        <li>
          <a href={`${base}/what-happened`}>{t("participant.heard.title")}</a>
        </li>
        <li>
          <a href={`${base}/next`}>{t("participant.backToQuestions")}</a>
        </li>
      </ul>
    </ParticipantPage>
  );
}
