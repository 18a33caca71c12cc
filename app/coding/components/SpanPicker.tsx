import { useState } from "react";
import { codePointLength, sliceCodePoints, utf16ToCodePoint } from "../spans";

/**
 * Choosing a span to code, by mouse or keyboard. The text sits in a textarea that refuses edits: it
 * takes focus with Tab, and Shift+arrows (or a mouse drag) select within it, which every browser and
 * screen reader already supports. With JavaScript the selection fills "from" and "to" (converted from
 * the browser's UTF-16 offsets to code points); without it, the whole text is chosen and the numbers
 * can be typed.
 */
export function SpanPicker(props: {
  text: string;
  id: string;
  labels: { text: string; from: string; to: string; selected: string };
  lang?: string;
}) {
  const length = codePointLength(props.text);
  const [span, setSpan] = useState({ start: 0, end: length });
  const rows = Math.min(8, Math.max(2, Math.ceil(length / 90)));
  return (
    <div className="coding-picker">
      <label htmlFor={`${props.id}-text`}>{props.labels.text}</label>
      <textarea
        id={`${props.id}-text`}
        // Not readOnly: Chromium gives a read-only textarea no keyboard caret, so Shift+arrows could
        // not select. Edits are refused instead (the text has no name and is never submitted).
        aria-readonly="true"
        value={props.text}
        onChange={() => {}}
        onBeforeInput={(event) => event.preventDefault()}
        onPaste={(event) => event.preventDefault()}
        onCut={(event) => event.preventDefault()}
        onDrop={(event) => event.preventDefault()}
        rows={rows}
        lang={props.lang}
        dir="auto"
        className="coding-select-area"
        onSelect={(event) => {
          const el = event.currentTarget;
          const start = utf16ToCodePoint(props.text, el.selectionStart);
          const end = utf16ToCodePoint(props.text, el.selectionEnd);
          // A cleared selection (a caret) means the whole turn, as the hint says (issue 14 item 5).
          setSpan(end > start ? { start, end } : { start: 0, end: length });
        }}
      />
      <div className="coding-span-fields">
        <label>
          {props.labels.from}{" "}
          <input
            name="start"
            type="number"
            min={0}
            max={length - 1}
            value={span.start}
            onChange={(e) => setSpan({ ...span, start: Number(e.target.value) })}
          />
        </label>
        <label>
          {props.labels.to}{" "}
          <input
            name="end"
            type="number"
            min={1}
            max={length}
            value={span.end}
            onChange={(e) => setSpan({ ...span, end: Number(e.target.value) })}
          />
        </label>
      </div>
      <p className="ws-hint" aria-live="polite">
        {props.labels.selected} <q dir="auto">{sliceCodePoints(props.text, span.start, span.end).slice(0, 200)}</q>
      </p>
    </div>
  );
}
