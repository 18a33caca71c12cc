import { z } from "zod";

/**
 * Bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069). Typed into
 * a title or a name, one of them reorders the text after it wherever it is shown ("Open" shown as
 * "nepO"), in pages, exports and e-mails alike. Nobody needs them in a name: right-to-left text
 * displays correctly without them, and the marks that do fix a stray full stop (U+200E, U+200F) are
 * kept. See docs/decisions/062-user-text-isolation-and-error-pages.md.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

export function withoutBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, "");
}

/** The start of every schema for a name, title or text a workspace user enters: controls removed, then the usual rules. */
export function userText() {
  return z.string().overwrite(withoutBidiControls);
}
