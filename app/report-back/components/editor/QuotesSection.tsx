import type { Translate } from "~/i18n/intl";
import { getLanguage } from "~/i18n/languages";
import { useT } from "~/i18n/react";
import { day } from "~/report-back/components/EntryView";
import { MAX_QUOTES_PER_THEME } from "~/report-back/constants";
import { commandValue } from "~/report-back/entry-form";
import { Fold } from "./Fold";
import type { EditorPageData } from "./types";

interface QuoteOrigin {
  source: "focus_group" | "interview" | "answer" | null;
  speaker: string | null;
  interpreted: boolean;
  gathering: string | null;
  on: string | null;
}

/** Who said it (their pseudonym), in which gathering or questionnaire, on what day. */
export function quoteOrigin(t: Translate, q: QuoteOrigin): string {
  if (!q.source || !q.speaker) return "";
  const said = q.on
    ? t(`reportback.editor.saidIn.${q.source}`, { speaker: q.speaker, gathering: q.gathering ?? "", date: day(q.on) })
    : t("reportback.editor.saidBy", { speaker: q.speaker });
  return q.interpreted ? `${said} ${t("reportback.editor.throughInterpreter")}` : said;
}

/** Is there a quote to choose for a theme that has none shown yet? Work to do, so its section opens. */
export function quotesToChoose(data: EditorPageData): boolean {
  const lacking = new Set(
    data.linkedThemes.filter(({ themeId }) => !data.quotes.some((q) => q.themeId === themeId && q.state === "shown")).map((l) => l.themeId),
  );
  return data.candidates.some((c) => c.themes.some((th) => lacking.has(th.themeId)));
}

/**
 * The quotes the entry uses, under their themes (each removed with a button of the entry form), and
 * the quotes it may use: each passage once, with the themes it was coded with and a button for each
 * (the quote goes under the theme chosen). Only what the consent gate returned is here.
 */
export function QuotesSection({ data }: { data: EditorPageData }) {
  const t = useT();
  const themeName = new Map(data.themes.map((th) => [th.id, th.name]));
  const used = new Map<string, number>();
  for (const q of data.quotes) if (q.state !== "erased") used.set(q.themeId, (used.get(q.themeId) ?? 0) + 1);
  return (
    <section aria-labelledby="rb-quotes" className="rb-quotes">
      <h3 id="rb-quotes">{t("reportback.editor.quotesUsed")}</h3>
      {data.linkedThemes.length === 0 ? <p className="ws-muted">{t("reportback.editor.chooseThemesFirst")}</p> : null}
      {data.linkedThemes.map(({ themeId }) => {
        const quotes = data.quotes.filter((q) => q.themeId === themeId);
        return (
          <div key={themeId} className="rb-theme-quotes">
            <h4>{themeName.get(themeId)}</h4>
            {quotes.length === 0 ? <p className="ws-muted">{t("reportback.editor.noQuotesYet")}</p> : null}
            <ul className="ws-list">
              {quotes.map((q) => (
                <li key={q.id} className={`rb-quote-${q.state}`}>
                  {q.state === "shown" ? (
                    <>
                      <q lang={q.language ?? undefined}>{q.text}</q> <span className="ws-muted">{quoteOrigin(t, q)}</span>
                    </>
                  ) : (
                    <strong>{t(`reportback.editor.quoteGone.${q.state}`)}</strong>
                  )}{" "}
                  <button className="button button-secondary rb-small" name="intent" value={commandValue("quote-remove", q.id)}>
                    {t("reportback.editor.removeQuote")}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        );
      })}
      {data.linkedThemes.length > 0 ? (
        <Fold
          id="rb-candidates"
          level={3}
          title={t("reportback.editor.quotesAvailable")}
          status={t("reportback.editor.candidateCount", { count: data.candidates.length })}
          open={quotesToChoose(data)}
        >
          {data.candidates.length === 0 ? <p className="ws-muted">{t("reportback.editor.noCandidates")}</p> : null}
          <ul className="rb-candidates">
            {data.candidates.map((c) => (
              <li key={c.themes[0]!.codingId}>
                <div className="rb-candidate">
                  <blockquote lang={c.language} dir={getLanguage(c.language).dir}>
                    <p>{c.text}</p>
                  </blockquote>
                  <p className="rb-origin">
                    {quoteOrigin(t, c)} ·{" "}
                    {t("reportback.editor.candidateThemes", { themes: c.themes.map((th) => themeName.get(th.themeId) ?? "").join(", ") })}
                  </p>
                </div>
                <p className="rb-candidate-actions">
                  {c.themes.map((th) =>
                    (used.get(th.themeId) ?? 0) >= MAX_QUOTES_PER_THEME ? (
                      <span key={th.themeId} className="ws-muted">
                        {t("reportback.editor.themeFull", { theme: themeName.get(th.themeId) ?? "", max: MAX_QUOTES_PER_THEME })}{" "}
                      </span>
                    ) : (
                      <button
                        key={th.themeId}
                        className="button button-secondary rb-small"
                        name="intent"
                        value={commandValue("quote-add", th.codingId)}
                      >
                        {c.themes.length === 1
                          ? t("reportback.editor.useQuote")
                          : t("reportback.editor.useQuoteUnder", { theme: themeName.get(th.themeId) ?? "" })}
                      </button>
                    ),
                  )}
                </p>
              </li>
            ))}
          </ul>
        </Fold>
      ) : null}
    </section>
  );
}

/** A published entry's quotes, read only. */
export function UsedQuotes({ data }: { data: EditorPageData }) {
  const t = useT();
  const themeName = new Map(data.themes.map((th) => [th.id, th.name]));
  return (
    <section aria-labelledby="rb-used">
      <h2 id="rb-used">{t("reportback.editor.quotesUsed")}</h2>
      {data.linkedThemes.map(({ themeId }) => (
        <div key={themeId} className="ws-panel">
          <h3>{themeName.get(themeId)}</h3>
          <ul className="ws-list">
            {data.quotes
              .filter((q) => q.themeId === themeId)
              .map((q) => (
                <li key={q.id}>
                  {q.state === "shown" ? (
                    <>
                      <q lang={q.language ?? undefined}>{q.text}</q> <span className="ws-muted">{quoteOrigin(t, q)}</span>
                    </>
                  ) : (
                    <strong>{t(`reportback.editor.quoteGone.${q.state}`)}</strong>
                  )}
                </li>
              ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
