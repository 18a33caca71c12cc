import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useMemo } from "react";
import { makeTranslate } from "~/i18n/intl";
import { I18nProvider } from "~/i18n/react";
import { LanguageChooser, Localised } from "~/report-back/components/EntryView";
import { entryPath, feedPath, listPath, pageLanguage, publicOrganisation, PUBLIC_HEADERS, withLang } from "~/report-back/page.server";
import { languageOptions, listPublishedEntries, textIn } from "~/report-back/public.server";

export const headers = () => PUBLIC_HEADERS;

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data
    ? [
        { title: `${data.heading} – ${data.organisation.name}` },
        { tagName: "link", rel: "alternate", type: "application/atom+xml", href: feedPath(data.organisation.slug), title: data.heading },
      ]
    : [{ title: "Tandem" }];

export async function loader(args: LoaderFunctionArgs) {
  const org = await publicOrganisation(args);
  const entries = await listPublishedEntries(args.context.db, org.id);
  const offered = languageOptions(["en", ...entries.flatMap((e) => Object.keys(e.texts))]);
  const page = pageLanguage(
    args.request,
    offered.map((l) => l.code),
  );
  return {
    ...page,
    organisation: { slug: org.slug, name: org.name },
    heading: makeTranslate(page.language, page.messages)("reportback.list.title"),
    offered,
    entries: entries.map((e) => ({
      slug: e.slug,
      title: textIn(Object.fromEntries(Object.entries(e.texts).map(([k, v]) => [k, v.title])), page.language),
      actionStatus: e.actionStatus,
      firstPublishedAt: e.firstPublishedAt,
    })),
  };
}

export default function ReportBackList() {
  const data = useLoaderData<typeof loader>();
  const { language, organisation } = data;
  const t = useMemo(() => makeTranslate(language, data.messages), [language, data.messages]);
  const lang = data.explicit ? language : null;
  return (
    <I18nProvider language={language} messages={data.messages}>
      <div className="rb" lang={language} dir={data.dir}>
        <a className="skip-link" href="#main">
          {t("common.skipToContent")}
        </a>
        <header className="top-bar">
          <span>{organisation.name}</span>
          <LanguageChooser
            languages={data.offered}
            current={language}
            label={t("reportback.language.label")}
            hrefFor={(code) => withLang(listPath(organisation.slug), code)}
          />
        </header>
        <main id="main" className="page">
          <p className="meta">{organisation.name}</p>
          <h1>{t("reportback.list.title")}</h1>
          <p>{t("reportback.list.intro")}</p>
          {data.entries.length === 0 ? (
            <p>{t("reportback.list.empty")}</p>
          ) : (
            <ul className="rb-list">
              {data.entries.map((e) => (
                <li key={e.slug}>
                  <h2>
                    <a href={withLang(entryPath(organisation.slug, e.slug), lang)}>
                      <Localised text={e.title} page={language} />
                    </a>
                  </h2>
                  <p className="meta">
                    <strong className={`rb-badge rb-badge-${e.actionStatus}`}>{t(`reportback.status.${e.actionStatus}`)}</strong>
                    {e.firstPublishedAt ? <> · {t("reportback.publishedOn", { date: new Date(e.firstPublishedAt) })}</> : null}
                  </p>
                </li>
              ))}
            </ul>
          )}
          <p>
            <a href={withLang(feedPath(organisation.slug), lang)}>{t("reportback.list.feed")}</a>
          </p>
        </main>
      </div>
    </I18nProvider>
  );
}
