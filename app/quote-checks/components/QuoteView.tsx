import { getLanguage, isLanguageCode } from "~/i18n/languages";
import { useI18n } from "~/i18n/react";
import type { Localised, QuoteView } from "../participant.server";

/** Text that may be in another language than the page (a fallback): marked with its language. */
export function InLanguage({ text }: { text: Localised }) {
  return text.lang ? (
    <span lang={text.lang} dir={getLanguage(text.lang).dir}>
      {text.text}
    </span>
  ) : (
    <>{text.text}</>
  );
}

/**
 * The quote in the words the person used (their language, whatever the page's), with words already
 * left out shown as […] and named for screen readers in the page's language.
 */
export function QuoteWords({ quote }: { quote: Pick<QuoteView, "pieces" | "language"> }) {
  const { t, language, dir } = useI18n();
  // Runs of words as one text, and one […] for each run of words left out (the spaces between them
  // inside it). Pieces alternate word and space, so a space's neighbours are words.
  const pieces = quote.pieces.filter((p, i, all) => !(p.space && all[i - 1]?.leftOut && all[i + 1]?.leftOut));
  const parts: { key: number; text: string; leftOut: boolean }[] = [];
  for (const piece of pieces) {
    const last = parts[parts.length - 1];
    if (last && last.leftOut === piece.leftOut) last.text += piece.leftOut ? "" : piece.text;
    else parts.push({ key: piece.index, text: piece.leftOut ? "" : piece.text, leftOut: piece.leftOut });
  }
  const wordsDir = isLanguageCode(quote.language) ? getLanguage(quote.language).dir : "auto";
  return (
    <blockquote className="my-quote" lang={quote.language} dir={wordsDir}>
      <p>
        {parts.map((part) =>
          part.leftOut ? (
            <span key={part.key}>
              <span aria-hidden="true">[…]</span>
              <span className="visually-hidden" lang={language} dir={dir}>
                {t("participant.quotes.leftOutMarker")}
              </span>
            </span>
          ) : (
            <span key={part.key}>{part.text}</span>
          ),
        )}
      </p>
    </blockquote>
  );
}

/** The theme, where the quote will appear, and a translation into the page's language if there is one. */
export function QuoteFacts({ quote }: { quote: QuoteView }) {
  const { t } = useI18n();
  return (
    <dl className="summary-list">
      {quote.translation ? (
        <div className="summary-row">
          <dt>{t("participant.quotes.translation")}</dt>
          <dd>
            <InLanguage text={quote.translation} />
          </dd>
        </div>
      ) : null}
      {quote.themes.length > 0 ? (
        <div className="summary-row">
          <dt>{t("participant.quotes.theme")}</dt>
          <dd>
            {quote.themes.map((theme, i) => (
              <span key={i}>
                {i > 0 ? "; " : null}
                <InLanguage text={theme} />
              </span>
            ))}
          </dd>
        </div>
      ) : null}
      <div className="summary-row">
        <dt>{t("participant.quotes.where")}</dt>
        <dd>
          <ul className="plain-list">
            {quote.places.map((place, i) => (
              <li key={i}>
                {place.kind === "export" ? (
                  t("participant.quotes.placeReport")
                ) : (
                  <>
                    {t("participant.quotes.placeEntry")}{" "}
                    {place.href ? (
                      <a href={place.href}>{place.title ? <InLanguage text={place.title} /> : null}</a>
                    ) : place.title ? (
                      <InLanguage text={place.title} />
                    ) : null}
                  </>
                )}
              </li>
            ))}
          </ul>
        </dd>
      </div>
    </dl>
  );
}

/** What the person's answer is, or what silence did or will do. */
export function QuoteStatus({ quote }: { quote: QuoteView }) {
  const { t } = useI18n();
  const due = new Date(`${quote.dueOn}T12:00:00Z`);
  if (quote.status === "approved") return <p>{t("participant.quotes.status.approved")}</p>;
  if (quote.status === "changed") return <p>{t("participant.quotes.status.changed")}</p>;
  if (quote.status === "refused") return <p>{t("participant.quotes.status.refused")}</p>;
  if (quote.outcome === "waiting")
    return <p>{t(quote.silence === "publish" ? "participant.quotes.dueUsed" : "participant.quotes.dueNotUsed", { date: due })}</p>;
  return (
    <p>
      {t(quote.outcome === "publish" ? "participant.quotes.status.silenceUsed" : "participant.quotes.status.silenceNotUsed", { date: due })}
    </p>
  );
}
