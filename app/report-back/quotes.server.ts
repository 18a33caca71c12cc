/**
 * Quotes for "you said, we did", read through the consent gate at the moment a page or feed is made.
 *
 * An entry stores references to codings (coded spans), never their text. This is the ONE place report
 * back turns those references into words, and it does so only through the gate's "quote" purpose
 * (app/consent/codings.server.ts `readCodings`, which reads the codings with their units through
 * app/consent/units.server.ts `readUnits`, which applies withdrawal, quote consent and tenant):
 * no withdrawal or consent rule is written here. A coding whose unit the gate does not return is simply
 * absent from the result, so a participant who withdraws, or withdraws quote consent, disappears from
 * every page and feed on the next request. Redactions are applied as every export applies them.
 *
 * Written here because app/coding/quotes.server.ts `collectQuotes` returns quotes per theme without
 * the coding they came from; when the coding module offers a by-coding read, this becomes a call to it.
 */
import type { DB } from "../../db/index";
import { readTranslations, type GatedUnit } from "../consent/units.server";
import { readCodings, type GatedCoding } from "../consent/codings.server";
import type { StudyScope } from "../consent/scope.server";
import { redactionNames } from "../coding/codings.server";
import { respondentLabel } from "../coding/quotes.server";
import type { UnitKey } from "../coding/units";
import { redactedText, redactedTranslation, redactionsFor, studyScripts } from "../coding/redactions.server";

export interface LiveQuote {
  codingId: string;
  themeId: string;
  /** The redacted words, in the language they were said in. */
  text: string;
  language: string;
  /** Redacted translations by language (the researcher's translation of the whole turn or answer). */
  translations: Record<string, string>;
  source: "focus_group" | "interview" | "answer";
  /** YYYY-MM: never the day. */
  month: string;
}

/** A quote as the workspace editor lists it: the public quote plus who said it, where and when. */
export interface WorkspaceQuote extends LiveQuote {
  unit: UnitKey;
  start: number;
  end: number;
  /**
   * The speaker's pseudonym: the four characters that name a quote's speaker in the quotes export
   * (app/coding/quotes.server.ts `respondentLabel`), the same for one person across the study, so an
   * editor can see that two quotes are one person's. Never shown on a public page.
   */
  speaker: string;
  /** An interpreter's rendering of the speaker's turn. */
  interpreted: boolean;
  /** The gathering's name; null for a questionnaire answer. */
  gathering: string | null;
  /** The day of the gathering or of the answer (YYYY-MM-DD): the workspace may see it, the public sees the month. */
  on: string;
}

/** The quotes of these codings that may be shown today, by coding id; the others are left out. */
export async function consentedQuotesByCoding(db: DB, scope: StudyScope, codingIds: readonly string[]): Promise<Map<string, LiveQuote>> {
  const out = new Map<string, LiveQuote>();
  for (const { quote } of await gatedQuotes(db, scope, codingIds)) out.set(quote.codingId, quote);
  return out;
}

/** The same quotes for the workspace editor, with speaker pseudonym and gathering (never sent to the public). */
export async function workspaceQuotesByCoding(
  db: DB,
  scope: StudyScope,
  codingIds: readonly string[],
): Promise<Map<string, WorkspaceQuote>> {
  const out = new Map<string, WorkspaceQuote>();
  for (const { quote, coding, unit } of await gatedQuotes(db, scope, codingIds)) {
    out.set(quote.codingId, {
      ...quote,
      unit: unit.key,
      start: coding.start,
      end: coding.end,
      speaker: unit.ownerId ? respondentLabel(scope.studyId, unit.ownerId) : "",
      interpreted: unit.renders !== null,
      gathering: unit.sessionLabel,
      on: (unit.heldOn ?? "").slice(0, 10),
    });
  }
  return out;
}

async function gatedQuotes(
  db: DB,
  scope: StudyScope,
  codingIds: readonly string[],
): Promise<{ quote: LiveQuote; coding: GatedCoding; unit: GatedUnit }[]> {
  const out: { quote: LiveQuote; coding: GatedCoding; unit: GatedUnit }[] = [];
  if (codingIds.length === 0) return out;
  // THE GATE: only codings whose unit is a quotable participant's, in this organisation's study, come back.
  const { codings, units } = await readCodings(db, scope, "quote", { codingIds });
  if (codings.length === 0) return out;
  const unitList = [...units.values()];
  const redactions = await redactionsFor(
    db,
    scope,
    unitList.map((u) => u.key),
  );
  const translations = await readTranslations(db, unitList);
  const names = await redactionNames(db, scope.studyId);
  const scripts = await studyScripts(db, scope.studyId);
  for (const coding of codings) {
    const unit = units.get(coding.unit);
    if (!unit) continue;
    const clipped = (redactions.get(unit.key) ?? [])
      .filter((r) => r.end > coding.start && r.start < coding.end)
      .map((r) => ({ ...r, start: Math.max(r.start, coding.start) - coding.start, end: Math.min(r.end, coding.end) - coding.start }));
    const extract = Array.from(unit.text).slice(coding.start, coding.end).join("");
    const translated: Record<string, string> = {};
    for (const t of translations.get(unit.key) ?? [])
      if (t.language !== unit.language) translated[t.language] = redactedTranslation(t.text, names, scripts);
    out.push({
      coding,
      unit,
      quote: {
        codingId: coding.id,
        themeId: coding.themeId,
        text: redactedText(extract, clipped).trim(),
        language: unit.language,
        translations: translated,
        source: unit.sessionKind ?? "answer",
        month: (unit.heldOn ?? "").slice(0, 7),
      },
    });
  }
  return out;
}
