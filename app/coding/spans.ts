/**
 * Spans of participants' text, in Unicode CODE POINTS (docs/decisions/030-coding-model.md).
 *
 * JavaScript strings count UTF-16 units: "👋🏽" is 4 units but 2 code points; PostgreSQL's length()
 * and REFI-QDA's character positions count code points. Storing code points means a span survives
 * any client (the browser's Selection API gives UTF-16 offsets: convert with utf16ToCodePoint) and
 * the database can check bounds itself. Grapheme clusters are not used: they change with Unicode
 * versions, code points do not.
 */

export interface Span {
  start: number;
  end: number;
}

export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** The text of [start, end) in code points. */
export function sliceCodePoints(text: string, start: number, end?: number): string {
  return Array.from(text).slice(start, end).join("");
}

/** A UTF-16 offset (from a DOM Selection or a textarea) as a code point offset. */
export function utf16ToCodePoint(text: string, utf16Offset: number): number {
  let units = 0;
  let points = 0;
  for (const ch of text) {
    if (units >= utf16Offset) break;
    units += ch.length;
    points++;
  }
  return points;
}

/** A code point offset as a UTF-16 offset, to highlight a stored span in the browser. */
export function codePointToUtf16(text: string, codePointOffset: number): number {
  let units = 0;
  let points = 0;
  for (const ch of text) {
    if (points >= codePointOffset) break;
    units += ch.length;
    points++;
  }
  return units;
}

export type SpanProblem = "not_integer" | "empty" | "out_of_bounds";

/** Why a span is not a span of this text, or null when it is one. */
export function checkSpan(text: string, span: Span): SpanProblem | null {
  if (!Number.isInteger(span.start) || !Number.isInteger(span.end)) return "not_integer";
  if (span.end <= span.start) return "empty";
  if (span.start < 0 || span.end > codePointLength(text)) return "out_of_bounds";
  return null;
}

/**
 * Context around a span for extracts: up to `around` code points either side, cut at a word
 * boundary where one is near, with "…" where text was left out.
 */
export function extractWithContext(text: string, span: Span, around = 120) {
  const chars = Array.from(text);
  let from = Math.max(0, span.start - around);
  let to = Math.min(chars.length, span.end + around);
  // Only a cut through a word moves: a window that starts or ends at a space is already clean.
  if (from > 0 && !/\s/u.test(chars[from - 1]!)) {
    const space = chars.slice(from, span.start).findIndex((c) => /\s/u.test(c));
    if (space >= 0) from += space + 1;
  }
  if (to < chars.length && !/\s/u.test(chars[to]!)) {
    const after = chars.slice(span.end, to);
    let lastSpace = -1;
    after.forEach((c, i) => {
      if (/\s/u.test(c)) lastSpace = i;
    });
    if (lastSpace >= 0) to = span.end + lastSpace;
  }
  return {
    before: (from > 0 ? "…" : "") + chars.slice(from, span.start).join(""),
    extract: chars.slice(span.start, span.end).join(""),
    after: chars.slice(span.end, to).join("") + (to < chars.length ? "…" : ""),
  };
}
