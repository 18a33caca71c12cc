import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { ParticipantPage, useParticipantPage } from "~/participants/components/ParticipantPage";
import { noStore, pageTitle, participantRequest } from "~/participants/page.server";
import { whatHappened } from "~/report-back/what-happened.server";
import { InLanguage } from "~/quote-checks/components/QuoteView";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Tandem" }];
export const headers = () => noStore;

/**
 * What happened to what I said: the study's published "you said, we did" entries, their status and
 * milestones, and where the person's own words are quoted. With the code only (no account).
 */
export async function loader(args: LoaderFunctionArgs) {
  const { study, language, t, session } = await participantRequest(args);
  if (!session) throw redirect(`/s/${study.slug}/resume?to=heard`, { headers: noStore });
  const scope = { organisationId: study.organisationId, studyId: study.id };
  return {
    slug: study.slug,
    title: pageTitle(t, "participant.heard.title", study, language),
    entries: await whatHappened(args.context.db, scope, session.participant.id, language),
  };
}

const day = (value: string) => new Date(`${value}T12:00:00Z`);

export default function WhatHappened() {
  const { data, t } = useParticipantPage<typeof loader>();
  const base = `/s/${data.slug}`;
  return (
    <ParticipantPage slug={data.slug} title={t("participant.heard.title")}>
      <p>{t("participant.heard.intro")}</p>
      {data.entries.length === 0 ? <p className="panel">{t("participant.heard.none")}</p> : null}
      {data.entries.map((entry) => (
        <section key={entry.slug} className="heard-entry" aria-labelledby={`e-${entry.slug}`}>
          <h2 id={`e-${entry.slug}`}>
            <InLanguage text={entry.title} />
          </h2>
          <p>
            <strong>{t(`participant.heard.status.${entry.actionStatus}`)}</strong>
            {entry.actionStatus === "in_progress" ? <> · {t("participant.heard.progress", { progress: entry.progress / 100 })}</> : null}
          </p>
          {entry.milestones.length > 0 ? (
            <>
              <h3>{t("participant.heard.milestones")}</h3>
              <ul>
                {entry.milestones.map((m, i) => (
                  <li key={i}>
                    {m.label ? <InLanguage text={m.label} /> : null}
                    {" – "}
                    {m.doneOn
                      ? t("participant.heard.milestoneDone", { date: day(m.doneOn) })
                      : t("participant.heard.milestoneDue", { date: day(m.dueOn) })}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {entry.ownQuotes.length > 0 ? (
            <div className="panel heard-yours">
              <h3>{t("participant.heard.yourWords", { count: entry.ownQuotes.length })}</h3>
              {entry.ownQuotes.map((q, i) => (
                <figure key={i} className="rb-quote">
                  <blockquote lang={q.language} dir="auto">
                    <p>{q.text}</p>
                  </blockquote>
                  {q.theme ? (
                    <figcaption>
                      <InLanguage text={q.theme} />
                    </figcaption>
                  ) : null}
                </figure>
              ))}
            </div>
          ) : null}
          <p>
            <a href={entry.href}>{t("participant.heard.read")}</a>
          </p>
        </section>
      ))}
      <ul className="plain-list">
        <li>
          <a href={`${base}/my-quotes`}>{t("participant.quotes.title")}</a>
        </li>
        <li>
          <a href={`${base}/next`}>{t("participant.backToQuestions")}</a>
        </li>
      </ul>
    </ParticipantPage>
  );
}
