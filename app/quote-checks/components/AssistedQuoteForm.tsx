import { Form } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { useT } from "~/i18n/react";
import type { QuoteView } from "../participant.server";
import { QuoteFacts, QuoteStatus, QuoteWords } from "./QuoteView";

/**
 * One quote, read out to the person, and their answer as the facilitator records it: one form, no
 * script — the words ticked count only when the answer is "leave out some words".
 */
export function AssistedQuoteForm({ quote, code }: { quote: QuoteView; code: string }) {
  const t = useT();
  const words = quote.pieces.filter((p) => !p.space && !p.leftOut);
  const id = (part: string) => `q-${quote.id}-${part}`;
  return (
    <section className="ws-panel" aria-labelledby={id("h")} data-testid="assisted-quote">
      <h3 id={id("h")}>{t("participant.quotes.one")}</h3>
      <QuoteWords quote={quote} />
      <QuoteFacts quote={quote} />
      <QuoteStatus quote={quote} />
      {quote.status === "refused" ? null : (
        <Form method="post" className="ws-form">
          <CsrfInput />
          <input type="hidden" name="intent" value="answer" />
          <input type="hidden" name="_code" value={code} />
          <input type="hidden" name="check" value={quote.id} />
          <fieldset>
            <legend>{t("participant.quotes.question")}</legend>
            {(["approve", "leave_out", "refuse"] as const).map((choice) => (
              <div className="ws-check" key={choice}>
                <input type="radio" id={id(choice)} name="choice" value={choice} required />
                <label htmlFor={id(choice)}>{t(`participant.quotes.choice.${choice}`)}</label>
              </div>
            ))}
          </fieldset>
          <fieldset>
            <legend>{t("workspace.quoteChecks.words")}</legend>
            <ul className="ws-word-choices" lang={quote.language} dir="auto">
              {words.map((word) => (
                <li className="ws-check" key={word.index}>
                  <input type="checkbox" id={id(`w${word.index}`)} name="word" value={word.index} />
                  <label htmlFor={id(`w${word.index}`)}>{word.text}</label>
                </li>
              ))}
            </ul>
          </fieldset>
          <button type="submit">{t("workspace.quoteChecks.record")}</button>
        </Form>
      )}
    </section>
  );
}
