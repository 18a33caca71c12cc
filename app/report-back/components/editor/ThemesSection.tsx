import { getLanguage } from "~/i18n/languages";
import { useT } from "~/i18n/react";
import { fieldId, fieldName } from "~/report-back/entry-form";
import { Fold } from "./Fold";
import { QuotesSection, quotesToChoose } from "./QuotesSection";
import type { EditorPageData, EntryFormState } from "./types";

/**
 * "You said": the themes the entry answers, one row each with its public name in every language (so
 * a codebook of many themes stays a short table), then the quotes. Saved with the entry form.
 */
export function ThemesSection({ data, form }: { data: EditorPageData; form: EntryFormState }) {
  const t = useT();
  const { entry } = data;
  const chosen = new Set(form.values.themes);
  const shown = data.quotes.filter((q) => q.state === "shown").length;
  const refused = form.errors.has("rb-themes") || [...form.errors.keys()].some((k) => k.startsWith("label-"));
  return (
    <Fold
      id="rb-themes"
      title={t("reportback.youSaid")}
      status={t("reportback.editor.themesSummary", { themes: data.linkedThemes.length, quotes: shown })}
      // open with no theme chosen yet, a theme with quotes to choose and none chosen, or a quote in use
      // that is no longer shown (to remove or replace)
      open={data.linkedThemes.length === 0 || quotesToChoose(data) || data.quotes.some((q) => q.state !== "shown") || refused}
    >
      {form.errors.get("rb-themes") ? <p className="ws-field-error">{form.errors.get("rb-themes")}</p> : null}
      <table className="ws-table rb-themes">
        <thead>
          <tr>
            <th scope="col" id="rb-theme-col">
              {t("reportback.editor.themeColumn")}
            </th>
            {entry.languages.map((code) => (
              <th scope="col" key={code} id={`rb-label-col-${code}`}>
                {t("reportback.editor.publicLabel", { language: getLanguage(code).englishName })}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.themes.map((th) => {
            const labels = form.values.labels[th.id] ?? {};
            return (
              <tr key={th.id}>
                <th scope="row" className={`rb-theme-name rb-depth-${Math.min(th.depth, 4)}`}>
                  <div className="ws-check">
                    <input type="checkbox" id={`theme-${th.id}`} name="themeId" value={th.id} defaultChecked={chosen.has(th.id)} />
                    <label htmlFor={`theme-${th.id}`} id={`theme-name-${th.id}`}>
                      {th.name} <span className="ws-muted">({t("reportback.editor.peopleCount", { count: th.people })})</span>
                    </label>
                  </div>
                </th>
                {entry.languages.map((code) => {
                  const id = fieldId.label(th.id, code);
                  const error = form.errors.get(id);
                  return (
                    <td key={code}>
                      {error ? (
                        <p className="ws-field-error" id={`${id}-error`}>
                          {error}
                        </p>
                      ) : null}
                      <input
                        type="text"
                        id={id}
                        name={fieldName.label(th.id, code)}
                        aria-labelledby={`rb-label-col-${code} theme-name-${th.id}`}
                        aria-describedby={error ? `${id}-error` : undefined}
                        aria-invalid={error ? true : undefined}
                        lang={code}
                        dir={getLanguage(code).dir}
                        defaultValue={labels[code] ?? ""}
                      />
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="ws-hint">{t("reportback.editor.themesHint")}</p>
      <QuotesSection data={data} />
    </Fold>
  );
}
