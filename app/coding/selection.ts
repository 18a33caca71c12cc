/**
 * Where the browser's selection lies in a turn's text on the coding page, as a span in code points
 * (app/coding/spans.ts). The turn's text element holds the turn's text and nothing else (its coded
 * stretches are <mark>s around parts of it), so a Range's string length from the element's start is
 * the UTF-16 offset into the text.
 */
import { codePointToUtf16, utf16ToCodePoint, type Span } from "./spans";

/**
 * - a span: words selected within this one element;
 * - "none": nothing selected (a caret, or a cleared selection): the whole turn is meant (issue 14 item 5);
 * - "across": a selection that starts or ends outside this element.
 */
export type SelectionInTurn = Span | "none" | "across";

export function selectionIn(element: Element, text: string, selection: Selection | null): SelectionInTurn {
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return "none";
  const range = selection.getRangeAt(0);
  const startsIn = element.contains(range.startContainer);
  const endsIn = element.contains(range.endContainer);
  if (!startsIn && !endsIn) return "across";
  // A triple click selects a paragraph up to the start of the next one: what lies outside the
  // element may be white space only, and is then left out.
  const inside = range.cloneRange();
  if (!startsIn) inside.setStart(element, 0);
  if (!endsIn) inside.setEnd(element, element.childNodes.length);
  if (range.toString().length !== inside.toString().length && range.toString().replace(inside.toString(), "").trim() !== "")
    return "across";
  const before = element.ownerDocument.createRange();
  before.selectNodeContents(element);
  before.setEnd(inside.startContainer, inside.startOffset);
  const start = before.toString().length;
  const end = start + inside.toString().length;
  const span = { start: utf16ToCodePoint(text, start), end: utf16ToCodePoint(text, end) };
  return span.end > span.start ? span : "none";
}

/**
 * Selects [start, end) of the element's text again: a new coding re-renders the turn's marks, which
 * replaces the text nodes the browser's selection was in. Without this the selection would vanish
 * and the next key would code the whole turn, not the words still meant.
 */
export function selectSpan(element: Element, text: string, span: Span) {
  const selection = element.ownerDocument.getSelection();
  if (!selection) return;
  const from = codePointToUtf16(text, span.start);
  const to = codePointToUtf16(text, span.end);
  const walker = element.ownerDocument.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const range = element.ownerDocument.createRange();
  let seen = 0;
  let started = false;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const length = node.nodeValue?.length ?? 0;
    if (!started && from <= seen + length) {
      range.setStart(node, from - seen);
      started = true;
    }
    if (started && to <= seen + length) {
      range.setEnd(node, to - seen);
      selection.removeAllRanges();
      selection.addRange(range);
      return;
    }
    seen += length;
  }
}
