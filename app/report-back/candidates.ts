/**
 * The quotes an editor may choose for an entry, each listed once.
 *
 * Several coders code the same words (that is how agreement is measured), and one passage often
 * carries several themes, so the gate returns the same words many times over: once per coding. An
 * editor wants to read each passage once, see which of the entry's themes it speaks to, and choose
 * the theme it goes under. A candidate is therefore a maximal run of overlapping coded spans in one
 * turn or answer, the way the quotes export groups them (app/coding/quotes.server.ts `collectQuotes`),
 * with one coding per theme to link when it is chosen (an entry links a coding, never a copy).
 *
 * Only quotes the consent gate returned come in (app/report-back/quotes.server.ts): nothing here
 * decides who may be quoted.
 */
import type { UnitKey } from "../coding/units";

/** One gated coding, as the editor reads it (a `WorkspaceQuote` without what grouping does not need). */
export interface CodedQuote {
  codingId: string;
  themeId: string;
  unit: UnitKey;
  start: number;
  end: number;
  text: string;
  language: string;
  source: "focus_group" | "interview" | "answer";
  speaker: string;
  interpreted: boolean;
  gathering: string | null;
  on: string;
}

export interface QuoteCandidate {
  /** The words shown: those of the longest coded span in the run. */
  text: string;
  language: string;
  source: CodedQuote["source"];
  speaker: string;
  interpreted: boolean;
  gathering: string | null;
  on: string;
  /** Each of the entry's themes the passage was coded with, in the entry's order, and the coding to link for it. */
  themes: { themeId: string; codingId: string }[];
}

const length = (q: CodedQuote) => q.end - q.start;

/** The longer span first; for equal spans the earlier, then the lower id, so the choice is stable. */
function better(a: CodedQuote, b: CodedQuote) {
  return length(b) - length(a) || a.start - b.start || a.codingId.localeCompare(b.codingId);
}

/**
 * The passages of `quotes` (codings of the entry's themes that the gate returned), each once. A
 * passage any of whose codings the entry already uses is left out: the same words do not appear
 * twice in one report. `themeOrder` is the entry's themes in order; codings of other themes are
 * ignored.
 */
export function groupCandidates(quotes: readonly CodedQuote[], used: ReadonlySet<string>, themeOrder: readonly string[]): QuoteCandidate[] {
  const position = new Map(themeOrder.map((id, i) => [id, i]));
  const byUnit = new Map<UnitKey, CodedQuote[]>();
  for (const q of quotes) if (position.has(q.themeId)) byUnit.set(q.unit, [...(byUnit.get(q.unit) ?? []), q]);

  const out: QuoteCandidate[] = [];
  for (const codings of byUnit.values()) {
    codings.sort((a, b) => a.start - b.start || b.end - a.end);
    const runs: { end: number; codings: CodedQuote[] }[] = [];
    for (const c of codings) {
      const last = runs[runs.length - 1];
      if (last && c.start < last.end) {
        last.end = Math.max(last.end, c.end);
        last.codings.push(c);
      } else runs.push({ end: c.end, codings: [c] });
    }
    for (const run of runs) {
      if (run.codings.some((c) => used.has(c.codingId))) continue;
      const shown = [...run.codings].sort(better)[0]!;
      const themes = [...new Set(run.codings.map((c) => c.themeId))]
        .sort((a, b) => position.get(a)! - position.get(b)!)
        .map((themeId) => {
          const ofTheme = run.codings.filter((c) => c.themeId === themeId);
          // the coding of exactly the words shown, when this theme has one; else its longest
          const same = ofTheme.filter((c) => c.start === shown.start && c.end === shown.end).sort(better)[0];
          return { themeId, codingId: (same ?? [...ofTheme].sort(better)[0]!).codingId };
        });
      out.push({
        text: shown.text,
        language: shown.language,
        source: shown.source,
        speaker: shown.speaker,
        interpreted: shown.interpreted,
        gathering: shown.gathering,
        on: shown.on,
        themes,
      });
    }
  }
  // The entry's first theme first, then the oldest words first, so a list reads the same each time.
  const first = (c: QuoteCandidate) => position.get(c.themes[0]!.themeId)!;
  return out.sort((a, b) => first(a) - first(b) || a.on.localeCompare(b.on) || a.text.localeCompare(b.text));
}
