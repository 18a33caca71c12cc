import { Form, Link } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { useT } from "~/i18n/react";
import { codePointLength, utf16ToCodePoint } from "../spans";
import type { SelectionInTurn } from "../selection";
import { CodedText } from "./CodedText";
import { MemoList } from "./CodingItem";
import type { PageCoding, PageTheme, PageUnit } from "./page-types";
import { speakerText } from "./UnitTranslations";

export interface TurnProps {
  unit: PageUnit;
  index: number;
  themes: Record<string, PageTheme>;
  coders: Record<string, string>;
  userId: string;
  canCode: boolean;
  /** The address of this turn's own form (the way to code it without JavaScript). */
  openHref: string;
  /** With JavaScript: whether this is the turn Tab reaches (roving tabindex); undefined before. */
  current?: boolean;
  /** Words are being chosen with the keyboard in this turn (the S key). */
  selecting?: boolean;
  onSelect?: (span: SelectionInTurn) => void;
  onRemove?: (coding: PageCoding) => void;
}

/**
 * One turn of the transcript, compact: who spoke, the words (in their own language and direction)
 * with coded stretches marked, its codes as chips the coder can remove, memos and translations, and
 * a link to its full form. With JavaScript the turn is one tab stop (its inner controls join the Tab
 * order only while it is the current turn) and the coding keys act on it (CodingTranscript.tsx).
 */
export function Turn(props: TurnProps) {
  const t = useT();
  const { unit, index, themes, canCode, current } = props;
  const id = `u${index}`;
  const enhanced = current !== undefined;
  const inner = enhanced && !current ? -1 : undefined;
  const mine = unit.codings.filter((c) => c.coderId === props.userId && canCode);
  const chips = (
    <ul className="ct-codes" id={`${id}-c`} aria-label={t("coding.quick.codes")}>
      {unit.codings.map((c) => {
        const theme = themes[c.themeId];
        const name = theme?.name ?? t("coding.code.otherTheme");
        return (
          <li key={c.id} className="ct-chip">
            <span className="coding-swatch" style={{ background: theme?.colour ?? "#ccc" }} aria-hidden="true" />
            {name}
            {c.coderId !== props.userId ? <span className="ws-muted"> · {props.coders[c.coderId] ?? ""}</span> : null}
            {mine.includes(c) ? (
              <button
                type="submit"
                name="coding"
                value={c.id}
                className="ct-x"
                tabIndex={inner}
                aria-label={t("coding.quick.removeTheme", { theme: name })}
                onClick={(event) => {
                  if (!props.onRemove) return;
                  event.preventDefault();
                  props.onRemove(c);
                }}
              >
                ×
              </button>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
  return (
    <section
      id={id}
      className={current ? "ct ct-current" : "ct"}
      // A turn takes focus (roving tabindex) so the coding keys can act on it, as articles of a feed do.
      // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
      tabIndex={enhanced ? (current ? 0 : -1) : undefined}
      role="group"
      aria-labelledby={`${id}-h`}
      aria-describedby={enhanced ? `${id}-t${unit.codings.length > 0 ? ` ${id}-c` : ""}` : undefined}
    >
      <h2 id={`${id}-h`}>{speakerText(t, unit.speaker)}</h2>
      {props.selecting && props.onSelect ? (
        <SelectArea id={`${id}-s`} text={unit.text} lang={unit.language} label={t("coding.quick.selectArea")} onSelect={props.onSelect} />
      ) : (
        <CodedText
          id={`${id}-t`}
          className="coding-text ct-text"
          text={unit.text}
          spans={unit.codings.map((c) => ({ start: c.start, end: c.end, themeId: c.themeId }))}
          themes={themes}
          lang={unit.language}
        />
      )}
      {unit.codings.length === 0 ? null : mine.length > 0 ? (
        <Form method="post" className="ct-remove">
          <CsrfInput />
          <input type="hidden" name="intent" value="remove" />
          <input type="hidden" name="unit" value={unit.key} />
          {chips}
        </Form>
      ) : (
        chips
      )}
      <MemoList codings={unit.codings} unitKey={unit.key} themes={themes} canCode={canCode} tabIndex={inner} />
      {unit.translations.map((tr) => (
        <p key={tr.language} className="ws-muted" lang={tr.language} dir="auto">
          {t("coding.code.translationIn", { language: tr.language })} <span>{tr.text}</span>
        </p>
      ))}
      {canCode ? (
        <Link to={props.openHref} className="ct-open" tabIndex={inner} preventScrollReset>
          {t(unit.speaker.role === "answer" ? "coding.quick.openAnswer" : "coding.quick.open")}
        </Link>
      ) : null}
    </section>
  );
}

/**
 * Choosing words with the keyboard: the turn's text in a text box that refuses edits, where
 * Shift and the arrow keys select, as in SpanPicker (docs/decisions/035-coding-screen.md). Only
 * ever rendered by the script, for the one turn being selected in.
 */
function SelectArea(props: { id: string; text: string; lang: string; label: string; onSelect: (span: SelectionInTurn) => void }) {
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    ref.current?.focus();
    ref.current?.setSelectionRange(0, 0);
  }, []);
  const length = codePointLength(props.text);
  return (
    <textarea
      ref={ref}
      id={props.id}
      className="coding-select-area ct-select"
      aria-label={props.label}
      aria-readonly="true"
      value={props.text}
      rows={Math.min(8, Math.max(2, Math.ceil(length / 90)))}
      lang={props.lang}
      dir="auto"
      onChange={() => {}}
      onBeforeInput={(event) => event.preventDefault()}
      onPaste={(event) => event.preventDefault()}
      onCut={(event) => event.preventDefault()}
      onDrop={(event) => event.preventDefault()}
      onSelect={(event) => {
        const el = event.currentTarget;
        const start = utf16ToCodePoint(props.text, el.selectionStart);
        const end = utf16ToCodePoint(props.text, el.selectionEnd);
        // A cleared selection (a caret) means the whole turn (issue 14 item 5).
        props.onSelect(end > start ? { start, end } : "none");
      }}
    />
  );
}
