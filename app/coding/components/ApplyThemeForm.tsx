import { Form } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { useT } from "~/i18n/react";
import { SpanPicker } from "./SpanPicker";

/**
 * Code (or redact) a span of one unit with a theme: a plain form, which SpanPicker enhances with
 * selection. The quick themes come first, each a button that applies its theme in one press (it
 * posts `quick`, which the action reads as intent "apply" with that theme).
 */
export function ApplyThemeForm({
  id,
  unit,
  themes,
  quick = [],
}: {
  id: string;
  unit: { key: string; text: string; language: string };
  themes: { id: string; name: string; depth: number; proposed: boolean; colour?: string }[];
  quick?: readonly string[];
}) {
  const t = useT();
  return (
    <Form method="post" className="ws-form">
      <CsrfInput />
      <input type="hidden" name="unit" value={unit.key} />
      <SpanPicker
        id={id}
        text={unit.text}
        lang={unit.language}
        labels={{
          text: t("coding.code.selectHint"),
          from: t("coding.code.from"),
          to: t("coding.code.to"),
          selected: t("coding.code.selected"),
        }}
      />
      {quick.length > 0 ? (
        <fieldset className="ct-quick">
          <legend>{t("coding.quick.buttons")}</legend>
          {quick.map((themeId) => {
            const theme = themes.find((th) => th.id === themeId);
            return theme ? (
              <button key={themeId} type="submit" name="quick" value={themeId} className="ws-small">
                <span className="coding-swatch" style={{ background: theme.colour ?? "#ccc" }} aria-hidden="true" /> {theme.name}
              </button>
            ) : null;
          })}
        </fieldset>
      ) : null}
      <div className="coding-apply">
        <label htmlFor={`${id}-theme`}>{t("coding.code.theme")}</label>
        <select id={`${id}-theme`} name="theme" defaultValue="">
          <option value="" disabled>
            {t("coding.code.chooseTheme")}
          </option>
          {themes.map((th) => (
            <option key={th.id} value={th.id}>
              {"\u2003".repeat(th.depth)}
              {th.name}
              {th.proposed ? ` (${t("coding.themes.proposed")})` : ""}
            </option>
          ))}
        </select>
        <button type="submit" name="intent" value="apply">
          {t("coding.code.apply")}
        </button>
        <button type="submit" name="intent" value="redact" className="ws-small">
          {t("coding.code.redact")}
        </button>
      </div>
    </Form>
  );
}
