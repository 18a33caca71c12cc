import { getLanguage } from "~/i18n/languages";
import { useT } from "~/i18n/react";
import { commandValue, fieldId, fieldName, TEXT_FIELDS } from "~/report-back/entry-form";
import { TextAreaField, TextField } from "~/workspace/components/fields";
import { Fold } from "./Fold";
import type { EditorPageData, EntryFormState } from "./types";

/**
 * The entry's words in each of the study's languages, each language folding on its own: open when it
 * is the first not written yet (one at a time keeps the page short), when the viewer is the second
 * person who may check it, or when a field in it was refused. "Mark as checked" submits the whole form, so words typed elsewhere are saved with it.
 */
export function TextsSection({ data, form }: { data: EditorPageData; form: EntryFormState }) {
  const t = useT();
  const firstUnwritten = data.entry.languages.find((code) => !data.texts[code]?.title);
  return (
    <section aria-labelledby="rb-texts" className="rb-section">
      <h2 id="rb-texts">{t("reportback.editor.texts")}</h2>
      {data.entry.languages.map((code) => {
        const stored = data.texts[code];
        const typed = form.values.texts[code];
        const l = getLanguage(code);
        const mayCheck = stored?.reviewStatus === "draft" && stored.updatedBy !== data.me;
        const refused = TEXT_FIELDS.some((f) => form.errors.has(fieldId.text(f, code)));
        return (
          <Fold
            key={code}
            id={`rb-text-${code}`}
            level={3}
            title={`${l.englishName} (${l.endonym})`}
            status={stored ? t(`reportback.editor.review.${stored.reviewStatus}`) : t("reportback.editor.review.missing")}
            // one unwritten language at a time: the first of them
            open={code === firstUnwritten || mayCheck || refused}
          >
            <div className="rb-text-grid">
              {TEXT_FIELDS.map((field) => {
                const common = {
                  id: fieldId.text(field, code),
                  name: fieldName.text(field, code),
                  label: t(`reportback.editor.fields.${field}`),
                  lang: code,
                  dir: l.dir,
                  defaultValue: typed?.[field] ?? "",
                  error: form.errors.get(fieldId.text(field, code)),
                };
                return (
                  <div key={field} className={`rb-field-${field}`}>
                    {field === "title" || field === "decidedBy" ? (
                      <TextField {...common} type="text" />
                    ) : (
                      <TextAreaField {...common} rows={field === "notDoingReason" ? 2 : 3} />
                    )}
                  </div>
                );
              })}
            </div>
            {stored && stored.reviewStatus === "draft" ? (
              stored.updatedBy === data.me ? (
                <p className="ws-muted">{t("reportback.editor.checkedBySomeoneElse")}</p>
              ) : (
                <button className="button button-secondary" name="intent" value={commandValue("text-reviewed", code)}>
                  {t("reportback.editor.markLanguageReviewed", { language: l.englishName })}
                </button>
              )
            ) : null}
          </Fold>
        );
      })}
    </section>
  );
}
