import { Form } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { useT } from "~/i18n/react";

/** Who said a unit, as the coding page heads it: a participant by number, an answer by its question, or a role. */
export function speakerText(t: ReturnType<typeof useT>, speaker: { role: string; n?: number; item?: string }) {
  if (speaker.role === "participant") return t("coding.speaker.participant", { n: speaker.n ?? 0 });
  if (speaker.role === "answer") return t("coding.speaker.answer", { item: speaker.item ?? "" });
  return t(`coding.speaker.${speaker.role}`);
}

/** A unit's translations, each in its own language, and the form that adds or replaces one. */
export function UnitTranslations({
  id,
  unitKey,
  unitLanguage,
  translations,
  languages,
  canTranslate,
}: {
  id: string;
  unitKey: string;
  unitLanguage: string;
  translations: { language: string; text: string }[];
  languages: string[];
  canTranslate: boolean;
}) {
  const t = useT();
  return (
    <>
      {translations.map((tr) => (
        <p key={tr.language} className="ws-muted" lang={tr.language} dir="auto">
          {t("coding.code.translationIn", { language: tr.language })} <span>{tr.text}</span>
        </p>
      ))}
      {canTranslate ? (
        <details>
          <summary>{t("coding.code.translate")}</summary>
          <Form method="post" className="ws-form">
            <CsrfInput />
            <input type="hidden" name="intent" value="translate" />
            <input type="hidden" name="unit" value={unitKey} />
            <label htmlFor={`${id}-tl`}>{t("coding.code.translationLanguage")}</label>
            <select id={`${id}-tl`} name="language" defaultValue={languages.find((l) => l !== unitLanguage) ?? "en"}>
              {languages.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </select>
            <label htmlFor={`${id}-tt`}>{t("coding.code.translationText")}</label>
            <textarea id={`${id}-tt`} name="text" rows={3} dir="auto" style={{ width: "100%" }} />
            <button type="submit">{t("coding.code.saveTranslation")}</button>
          </Form>
        </details>
      ) : null}
    </>
  );
}
