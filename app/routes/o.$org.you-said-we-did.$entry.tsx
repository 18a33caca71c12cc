import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useMemo } from "react";
import { makeTranslate } from "~/i18n/intl";
import { getLanguage, type LanguageCode } from "~/i18n/languages";
import { I18nProvider } from "~/i18n/react";
import { messagesFor } from "~/i18n/catalogues.server";
import { ChangeHistory, EntrySections, LanguageChooser, peopleText, day, inLanguage, Localised } from "~/report-back/components/EntryView";
import { entryPath, feedPath, listPath, pageLanguage, publicOrganisation, PUBLIC_HEADERS, withLang } from "~/report-back/page.server";
import { loadEntry } from "~/report-back/public.server";
import { studyTitle } from "~/studies/titles";
import { publicUrl, qrSvg } from "~/report-back/qr.server";
import { fitPoster, posterLanguages, posterQuotes } from "~/report-back/poster.server";
import reportBackStyles from "~/report-back/report-back.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: reportBackStyles }];

export const headers = () => PUBLIC_HEADERS;

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data
    ? [
        { title: `${data.title} – ${data.organisation.name}` },
        { tagName: "link", rel: "alternate", type: "application/atom+xml", href: feedPath(data.organisation.slug), title: data.feedTitle },
      ]
    : [{ title: "Tandem" }];

export async function loader(args: LoaderFunctionArgs) {
  const org = await publicOrganisation(args);
  const entry = await loadEntry(args.context.db, org.id, args.params.entry ?? "");
  if (!entry || entry.languages.length === 0) throw new Response("Not found", { status: 404, headers: PUBLIC_HEADERS });
  const page = pageLanguage(
    args.request,
    entry.languages.map((l) => l.code),
  );
  const poster = posterLanguages(entry, page.language);
  const fit = fitPoster(entry, poster);
  const url = publicUrl(args.request, entryPath(org.slug, entry.slug));
  // People who took part go from here (and from the poster) to what happened to their own words.
  const heardPath = `/s/${entry.study.slug}/what-happened`;
  return {
    ...page,
    entry,
    organisation: { slug: org.slug, name: org.name },
    title: entry.texts[page.language]?.title ?? "",
    feedTitle: makeTranslate(page.language, page.messages)("reportback.feed.title", { organisation: org.name }),
    url,
    heard: { path: heardPath, url: publicUrl(args.request, heardPath) },
    qr: await qrSvg(url),
    // a printed poster outlives the page: it says when it was printed (pages are never cached, so
    // this is the day it was fetched to print) and sends readers to the current version
    printedOn: new Date().toISOString().slice(0, 10),
    poster: poster.map((code) => ({ code, messages: messagesFor(code as LanguageCode, ["common", "reportback"]) })),
    posterSize: fit.size,
    posterQuotes: posterQuotes(entry).slice(0, fit.quotes),
  };
}

export default function EntryPage() {
  const data = useLoaderData<typeof loader>();
  const { entry, language, organisation } = data;
  const t = useMemo(() => makeTranslate(language, data.messages), [language, data.messages]);
  const lang = data.explicit ? language : null;
  return (
    <I18nProvider language={language} messages={data.messages}>
      <div className="rb" lang={language} dir={data.dir}>
        <a className="skip-link" href="#main">
          {t("common.skipToContent")}
        </a>
        <header className="top-bar">
          <a href={withLang(listPath(organisation.slug), lang)}>
            {organisation.name}: {t("reportback.list.title")}
          </a>
          <LanguageChooser
            languages={entry.languages}
            current={language}
            label={t("reportback.language.label")}
            hrefFor={(code) => withLang(entryPath(organisation.slug, entry.slug), code)}
          />
        </header>
        <main id="main" className="page rb-screen">
          <p className="meta">{t("reportback.study", { title: studyTitle(entry.study.titles, language) })}</p>
          <h1>{data.title}</h1>
          {entry.firstPublishedAt ? (
            <p className="meta">
              <time dateTime={entry.firstPublishedAt}>{t("reportback.publishedOn", { date: new Date(entry.firstPublishedAt) })}</time>
            </p>
          ) : null}
          <EntrySections entry={entry} language={language} t={t} />
          <ChangeHistory entry={entry} language={language} t={t} />
          <aside className="rb-share panel">
            <div className="rb-qr" role="img" aria-label={t("reportback.qrLabel")} dangerouslySetInnerHTML={{ __html: data.qr }} />
            <p>{t("reportback.qr")}</p>
            <p className="meta">{t("reportback.printHint")}</p>
            <p>
              <a href={`${data.heard.path}?lang=${language}`}>{t("reportback.tookPart")}</a>
            </p>
            <p>
              <a href={withLang(listPath(organisation.slug), lang)}>{t("reportback.allReports")}</a>
            </p>
          </aside>
        </main>
        <Poster data={data} />
      </div>
    </I18nProvider>
  );
}

/**
 * The print view: one A4 page, large type, the study's languages side by side, and the QR code. The
 * loader chose how many quotes and which type size fit (poster.server.ts); nothing is clipped.
 */
function Poster({ data }: { data: ReturnType<typeof useLoaderData<typeof loader>> }) {
  const { entry } = data;
  return (
    <div className={`rb-poster rb-poster-size-${data.posterSize}`}>
      <div className="rb-poster-columns">
        {data.poster.map(({ code, messages }) => {
          const t = makeTranslate(code as LanguageCode, messages);
          const text = entry.texts[code]!;
          const quotes = data.posterQuotes;
          const notDoing = entry.actionStatus === "not_doing";
          return (
            <section key={code} lang={code} dir={getLanguage(code).dir} className="rb-poster-column">
              <p className="rb-poster-kicker">{t("reportback.list.title")}</p>
              <h2 className="rb-poster-title">{text.title}</h2>
              <h3>{t("reportback.weAsked")}</h3>
              <p>{text.asked}</p>
              {entry.themes.length ? (
                <>
                  <h3>{t("reportback.youSaid")}</h3>
                  <ul>
                    {entry.themes.map((th) => (
                      <li key={th.themeId}>
                        <strong>
                          <Localised text={inLanguage(th.labels, code)} page={code} />
                        </strong>{" "}
                        – {peopleText(t, th)}
                      </li>
                    ))}
                  </ul>
                  {quotes.map((q) => (
                    <blockquote key={q.codingId} className="rb-poster-quote" lang={q.language} dir={getLanguage(q.language).dir}>
                      {q.language !== code && q.translations[code] ? (
                        <span lang={code} dir={getLanguage(code).dir}>
                          “{q.translations[code]}”
                        </span>
                      ) : (
                        <>“{q.text}”</>
                      )}
                    </blockquote>
                  ))}
                </>
              ) : null}
              <h3>{notDoing ? t("reportback.weDidNot") : t("reportback.weDid")}</h3>
              <p>{notDoing ? text.notDoingReason || text.did : text.did}</p>
              <p>
                <strong>{t(`reportback.status.${entry.actionStatus}`)}</strong>
                {entry.actionStatus === "in_progress" ? <> · {t("reportback.progress", { progress: entry.progress / 100 })}</> : null}
                {entry.nextReviewOn ? <> · {t("reportback.nextReview", { date: day(entry.nextReviewOn) })}</> : null}
              </p>
            </section>
          );
        })}
      </div>
      <footer className="rb-poster-footer">
        <div className="rb-poster-qr" dangerouslySetInnerHTML={{ __html: data.qr }} />
        <div>
          {data.poster.map(({ code, messages }) => {
            const t = makeTranslate(code as LanguageCode, messages);
            return (
              <p key={code} lang={code} dir={getLanguage(code).dir} className="rb-poster-stale">
                <strong>{t("reportback.poster.scanCurrent")}</strong> · {t("reportback.poster.printedOn", { date: day(data.printedOn) })}
              </p>
            );
          })}
          <p className="rb-poster-url" dir="ltr">
            {data.url}
          </p>
          {data.poster.map(({ code, messages }) => (
            <p key={code} lang={code} dir={getLanguage(code).dir}>
              {makeTranslate(code as LanguageCode, messages)("reportback.poster.tookPart")}
            </p>
          ))}
          <p className="rb-poster-url" dir="ltr">
            {data.heard.url}
          </p>
          <p>{data.organisation.name}</p>
        </div>
      </footer>
    </div>
  );
}
