import { Form } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { getLanguage } from "~/i18n/languages";
import { useT } from "~/i18n/react";
import { editorIntent } from "./types";
import { TextAreaField, TextField } from "~/workspace/components/fields";
import type { EditorPageData } from "./types";

const TEXT_FIELDS = ["title", "asked", "did", "notDoingReason", "decidedBy"] as const;

/**
 * The entry's words, one form per language (action: saveText), and the second person's check of
 * that language (action: markReviewed).
 */
export function TextForms({ data }: { data: EditorPageData }) {
  const t = useT();
  return (
    <section aria-labelledby="rb-texts">
      <h2 id="rb-texts">{t("reportback.editor.texts")}</h2>
      {data.entry.languages.map((code) => {
        const text = data.texts[code];
        const l = getLanguage(code);
        return (
          <Form method="post" className="ws-form" key={code}>
            <CsrfInput />
            <input type="hidden" name="language" value={code} />
            <h3>
              {l.englishName} ({l.endonym}) ·{" "}
              <span className="ws-muted">
                {text ? t(`reportback.editor.review.${text.reviewStatus}`) : t("reportback.editor.review.missing")}
              </span>
            </h3>
            {TEXT_FIELDS.map((field) => (
              <div key={field}>
                {field === "title" || field === "decidedBy" ? (
                  <TextField
                    id={`${field}-${code}`}
                    name={field}
                    label={t(`reportback.editor.fields.${field}`)}
                    type="text"
                    lang={code}
                    dir={l.dir}
                    defaultValue={text?.[field] ?? ""}
                    required={field === "title"}
                  />
                ) : (
                  <TextAreaField
                    id={`${field}-${code}`}
                    name={field}
                    label={t(`reportback.editor.fields.${field}`)}
                    lang={code}
                    dir={l.dir}
                    defaultValue={text?.[field] ?? ""}
                    rows={3}
                  />
                )}
              </div>
            ))}
            <button className="button" name="intent" value={editorIntent("text")}>
              {t("reportback.editor.save")}
            </button>
            {text && text.reviewStatus === "draft" ? (
              <>
                <button className="button button-secondary" name="intent" value={editorIntent("text-reviewed")} formNoValidate>
                  {t("reportback.editor.markReviewed")}
                </button>
                {text.updatedBy === data.me ? <p className="ws-muted">{t("reportback.editor.checkedBySomeoneElse")}</p> : null}
              </>
            ) : null}
          </Form>
        );
      })}
    </section>
  );
}
