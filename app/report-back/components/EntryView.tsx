import type { ReactNode } from "react";
import type { Translate } from "../../i18n/intl";
import { getLanguage } from "../../i18n/languages";
import type { PublicEntry, PublicTheme } from "../public.server";
import type { LiveQuote } from "../quotes.server";

/** A date column ('YYYY-MM-DD' or 'YYYY-MM') as a Date at midday UTC, so no time zone moves its day. */
export function day(value: string): Date {
  return new Date(`${value.length === 7 ? `${value}-01` : value.slice(0, 10)}T12:00:00Z`);
}

export function inLanguage<T>(byLanguage: Record<string, T>, language: string): { language: string; value: T } | null {
  for (const code of [language, "en", ...Object.keys(byLanguage)]) {
    const value = byLanguage[code];
    if (value !== undefined && value !== "") return { language: code, value };
  }
  return null;
}

/** Text that may be in another language than the page: marked up with its own language and direction. */
export function Localised(props: { text: { language: string; value: string } | null; page: string; as?: "span" | "p" }) {
  if (!props.text) return null;
  const Tag = props.as ?? "span";
  if (props.text.language === props.page) return <Tag>{props.text.value}</Tag>;
  return (
    <Tag lang={props.text.language} dir={getLanguage(props.text.language).dir}>
      {props.text.value}
    </Tag>
  );
}

export function peopleText(t: Translate, theme: PublicTheme) {
  return "exact" in theme.people ? t("reportback.people", { count: theme.people.exact }) : t("reportback.peopleFewerThanFive");
}

export function QuoteView(props: { quote: LiveQuote; language: string; t: Translate }) {
  const { quote, language, t } = props;
  const translation = quote.language !== language ? quote.translations[language] : undefined;
  return (
    <figure className="rb-quote">
      <blockquote lang={quote.language} dir={getLanguage(quote.language).dir}>
        <p className="answer-text">{quote.text}</p>
      </blockquote>
      {translation ? (
        <p className="rb-translation">
          {t("reportback.translation")} <span className="answer-text">{translation}</span>
        </p>
      ) : null}
      {quote.month ? (
        <figcaption className="meta">{t(`reportback.quoteSource.${quote.source}`, { month: day(quote.month) })}</figcaption>
      ) : null}
    </figure>
  );
}

/** We asked, You said, We did: the body of an entry in one language, for the page and the preview. */
export function EntrySections(props: { entry: PublicEntry; language: string; t: Translate; level?: 2 | 3 }) {
  const { entry, language, t } = props;
  const H = `h${props.level ?? 2}` as "h2" | "h3";
  const Sub = `h${(props.level ?? 2) + 1}` as "h3" | "h4";
  const text = entry.texts[language] ?? Object.values(entry.texts)[0];
  const methods = new Intl.ListFormat(language, { type: "conjunction" }).format(entry.methods.map((m) => t(`reportback.method.${m}`)));
  const notDoing = entry.actionStatus === "not_doing";
  return (
    <>
      <section aria-labelledby="rb-asked">
        <H id="rb-asked">{t("reportback.weAsked")}</H>
        {text?.asked ? <p className="rb-prose">{text.asked}</p> : null}
        <ul className="rb-facts">
          {entry.askedOn ? (
            <li>
              {entry.askedUntil && entry.askedUntil !== entry.askedOn
                ? t("reportback.asked.when", { from: day(entry.askedOn), to: day(entry.askedUntil) })
                : t("reportback.asked.whenOne", { from: day(entry.askedOn) })}
            </li>
          ) : null}
          {methods ? <li>{t("reportback.asked.how", { methods })}</li> : null}
        </ul>
      </section>

      {entry.themes.length ? (
        <section aria-labelledby="rb-said">
          <H id="rb-said">{t("reportback.youSaid")}</H>
          {entry.themes.map((theme) => (
            <div className="rb-theme" key={theme.themeId}>
              <Sub>
                <Localised text={inLanguage(theme.labels, language)} page={language} />
              </Sub>
              <p className="rb-count">{peopleText(t, theme)}</p>
              {theme.quotes.map((q) => (
                <QuoteView key={q.codingId} quote={q} language={language} t={t} />
              ))}
            </div>
          ))}
        </section>
      ) : null}

      <section aria-labelledby="rb-did">
        <H id="rb-did">{notDoing ? t("reportback.weDidNot") : t("reportback.weDid")}</H>
        {notDoing ? (
          text?.notDoingReason || text?.did ? (
            <p className="rb-prose">{text.notDoingReason || text.did}</p>
          ) : null
        ) : text?.did ? (
          <p className="rb-prose">{text.did}</p>
        ) : null}
        <dl className="rb-status">
          <dt>{t("reportback.status.label")}</dt>
          <dd>
            <strong className={`rb-badge rb-badge-${entry.actionStatus}`}>{t(`reportback.status.${entry.actionStatus}`)}</strong>
            {entry.actionStatus === "in_progress" ? <> · {t("reportback.progress", { progress: entry.progress / 100 })}</> : null}
          </dd>
        </dl>
        {text?.decidedBy ? <p>{t("reportback.decidedBy", { who: text.decidedBy })}</p> : null}
        {entry.milestones.length ? (
          <>
            <Sub>{t("reportback.milestones")}</Sub>
            <ol className="rb-milestones">
              {entry.milestones.map((m) => (
                <li key={m.id} className={m.doneOn ? "rb-done" : undefined}>
                  <Localised text={inLanguage(m.labels, language)} page={language} />{" "}
                  <span className="meta">
                    {m.doneOn
                      ? t("reportback.milestone.done", { date: day(m.doneOn) })
                      : t("reportback.milestone.due", { date: day(m.dueOn) })}
                  </span>
                </li>
              ))}
            </ol>
          </>
        ) : null}
        {entry.nextReviewOn ? <p>{t("reportback.nextReview", { date: day(entry.nextReviewOn) })}</p> : null}
      </section>
    </>
  );
}

export function ChangeHistory(props: { entry: PublicEntry; language: string; t: Translate }) {
  const { entry, language, t } = props;
  if (entry.changes.length === 0) return null;
  return (
    <section aria-labelledby="rb-history">
      <h2 id="rb-history">{t("reportback.history")}</h2>
      <ol className="rb-history" reversed>
        {entry.changes.map((c, i) => (
          <li key={i}>
            <strong>{t(`reportback.change.${c.kind}`)}</strong> <time dateTime={c.changedAt}>{formatDate(t, c.changedAt)}</time>
            {c.actionStatus ? <> · {t(`reportback.status.${c.actionStatus}`)}</> : null}
            {c.actionStatus === "in_progress" && c.progress !== null ? (
              <> · {t("reportback.progress", { progress: c.progress / 100 })}</>
            ) : null}
            <Localised text={inLanguage(c.notes, language)} page={language} as="p" />
          </li>
        ))}
      </ol>
    </section>
  );
}

function formatDate(t: Translate, iso: string) {
  return t("reportback.date", { date: new Date(iso) });
}

export function LanguageChooser(props: {
  languages: { code: string; endonym: string; dir: string }[];
  current: string;
  hrefFor: (code: string) => string;
  label: string;
}): ReactNode {
  if (props.languages.length < 2) return null;
  return (
    <nav aria-label={props.label} className="rb-languages">
      <ul>
        {props.languages.map((l) => (
          <li key={l.code} lang={l.code} dir={l.dir}>
            {l.code === props.current ? (
              <span aria-current="page">{l.endonym}</span>
            ) : (
              <a href={props.hrefFor(l.code)} hrefLang={l.code}>
                {l.endonym}
              </a>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}
