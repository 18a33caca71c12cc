import { Link } from "@remix-run/react";
import { useT } from "~/i18n/react";
import { ApplyThemeForm } from "./ApplyThemeForm";
import { CodedText } from "./CodedText";
import { CodingItem } from "./CodingItem";
import type { PageData, PageTheme, PageUnit } from "./page-types";
import { speakerText, UnitTranslations } from "./UnitTranslations";

/**
 * One turn opened in full (`?open=<place>`), in its place in the transcript: the way to code without
 * JavaScript, and for what keys do not do — exact character offsets, redaction, translations, memos.
 * Only this turn carries these forms, so the page stays small.
 */
export function TurnForm(props: { d: PageData; unit: PageUnit; index: number; themes: Record<string, PageTheme>; closeHref: string }) {
  const t = useT();
  const { d, unit, index, themes } = props;
  const id = `u${index}`;
  return (
    <section id={id} className="ct ct-form" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{speakerText(t, unit.speaker)}</h2>
      <CodedText
        id={`${id}-t`}
        className="coding-text ct-text"
        text={unit.text}
        spans={unit.codings.map((c) => ({ start: c.start, end: c.end, themeId: c.themeId }))}
        themes={themes}
        lang={unit.language}
      />
      {unit.codings.length > 0 ? (
        <ul className="coding-list">
          {unit.codings.map((c) => (
            <CodingItem
              key={c.id}
              coding={c}
              unitKey={unit.key}
              theme={themes[c.themeId]}
              coder={d.coders[c.coderId] ?? ""}
              canRemove={c.coderId === d.userId && d.canCode}
              canCode={d.canCode}
            />
          ))}
        </ul>
      ) : null}
      {d.canCode && d.themes.length > 0 ? <ApplyThemeForm id={id} unit={unit} themes={d.themes} quick={d.quick} /> : null}
      <UnitTranslations
        id={id}
        unitKey={unit.key}
        unitLanguage={unit.language}
        translations={unit.translations}
        languages={d.languages}
        canTranslate={d.canCode}
      />
      <p>
        <Link to={props.closeHref} preventScrollReset>
          {t("coding.quick.closeForm")}
        </Link>
      </p>
    </section>
  );
}
