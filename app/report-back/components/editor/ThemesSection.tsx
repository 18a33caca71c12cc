import { Form } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { getLanguage } from "~/i18n/languages";
import { useT } from "~/i18n/react";
import { editorIntent } from "./types";
import { CheckboxField, TextField } from "~/workspace/components/fields";
import type { EditorPageData } from "./types";
import { day } from "../EntryView";

/** "You said": the themes the entry answers (action: saveThemes) and each theme's quotes. */
export function ThemesSection({ data }: { data: EditorPageData }) {
  const t = useT();
  const { entry } = data;
  const linked = new Set(data.linkedThemes.map((l) => l.themeId));
  const themeName = new Map(data.themes.map((th) => [th.id, th.name]));
  return (
    <section aria-labelledby="rb-themes">
      <h2 id="rb-themes">{t("reportback.youSaid")}</h2>
      <Form method="post" className="ws-form">
        <CsrfInput />
        <input type="hidden" name="intent" value={editorIntent("themes")} />
        {data.themes.map((th) => {
          const labels = data.linkedThemes.find((l) => l.themeId === th.id)?.labels ?? {};
          return (
            <fieldset key={th.id}>
              <CheckboxField
                id={`theme-${th.id}`}
                name="themeId"
                value={th.id}
                defaultChecked={linked.has(th.id)}
                label={
                  <>
                    {th.name} <span className="ws-muted">({t("reportback.editor.peopleCount", { count: th.people })})</span>
                  </>
                }
              />
              {entry.languages.map((code) => (
                <div key={code}>
                  <TextField
                    id={`label-${th.id}-${code}`}
                    name={`label_${th.id}_${code}`}
                    label={t("reportback.editor.publicLabel", { language: getLanguage(code).englishName })}
                    labelClassName="ws-small"
                    type="text"
                    lang={code}
                    dir={getLanguage(code).dir}
                    defaultValue={labels[code] ?? ""}
                  />
                </div>
              ))}
            </fieldset>
          );
        })}
        <button className="button">{t("reportback.editor.save")}</button>
      </Form>

      <QuotesWaiting data={data} />
      {data.linkedThemes.map(({ themeId }) => (
        <ThemeQuotes key={themeId} data={data} themeId={themeId} name={themeName.get(themeId)} />
      ))}
    </section>
  );
}

/** How many of the entry's quotes wait for the people quoted to check them (docs/decisions/078-quote-checks.md). */
function QuotesWaiting({ data }: { data: EditorPageData }) {
  const t = useT();
  const count = data.quotes.filter((q) => q.state === "waiting").length;
  return count > 0 ? (
    <p className="ws-panel" data-testid="quotes-waiting">
      {t("reportback.editor.quotesWaiting", { count })}
    </p>
  ) : null;
}

/** A linked quote's words while the gate gives them to the editor, and why it is not shown when it is not. */
function LinkedQuote({ quote }: { quote: EditorPageData["quotes"][number] }) {
  const t = useT();
  return (
    <>
      {quote.text !== null ? <q lang={quote.language ?? undefined}>{quote.text}</q> : null}
      {quote.state === "shown" ? null : (
        <>
          {" "}
          <strong>{t(`reportback.editor.quoteGone.${quote.state}`, { date: quote.dueOn ? day(quote.dueOn) : new Date(0) })}</strong>
        </>
      )}
    </>
  );
}

/** A linked theme's quotes: those used (action: removeQuote) and those the gate offers (action: addQuote). */
function ThemeQuotes({ data, themeId, name }: { data: EditorPageData; themeId: string; name: string | undefined }) {
  const t = useT();
  return (
    <div className="ws-panel">
      <h3>{name}</h3>
      <h4>{t("reportback.editor.quotesUsed")}</h4>
      <ul className="ws-list">
        {data.quotes
          .filter((q) => q.themeId === themeId)
          .map((q) => (
            <li key={q.id} className={`rb-quote-${q.state}`}>
              <LinkedQuote quote={q} />
              <Form method="post" className="ws-inline-form">
                <CsrfInput />
                <input type="hidden" name="quoteId" value={q.id} />
                <button className="button button-secondary" name="intent" value={editorIntent("quote-remove")}>
                  {t("reportback.editor.removeQuote")}
                </button>
              </Form>
            </li>
          ))}
      </ul>
      <h4>{t("reportback.editor.quotesAvailable")}</h4>
      <ul className="ws-list">
        {(data.candidates[themeId] ?? []).map((q) => (
          <li key={q.codingId}>
            <q lang={q.language}>{q.text}</q>
            <Form method="post" className="ws-inline-form">
              <CsrfInput />
              <input type="hidden" name="codingId" value={q.codingId} />
              <button className="button button-secondary" name="intent" value={editorIntent("quote-add")}>
                {t("reportback.editor.useQuote")}
              </button>
            </Form>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A published entry's quotes, read only. */
export function UsedQuotes({ data }: { data: EditorPageData }) {
  const t = useT();
  const themeName = new Map(data.themes.map((th) => [th.id, th.name]));
  return (
    <section aria-labelledby="rb-used">
      <h2 id="rb-used">{t("reportback.editor.quotesUsed")}</h2>
      <QuotesWaiting data={data} />
      {data.linkedThemes.map(({ themeId }) => (
        <div key={themeId} className="ws-panel">
          <h3>{themeName.get(themeId)}</h3>
          <ul className="ws-list">
            {data.quotes
              .filter((q) => q.themeId === themeId)
              .map((q) => (
                <li key={q.id}>
                  <LinkedQuote quote={q} />
                </li>
              ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
