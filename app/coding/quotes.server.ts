/**
 * Quotes for reports: coded extracts for chosen themes, redacted, with their translation, language,
 * themes, source type, a pseudonym label and the month — never a participant code, never a name.
 *
 * Only participants who may be quoted appear: the units are read with the consent gate's "quote"
 * purpose (app/consent/units.server.ts), never filtered here. That includes an interpreter's
 * linked rendering of a participant's turn, which the gate treats as that participant's words: a quote
 * of the original carries the rendering beside it, and a quote of the rendering carries the original
 * (both read through the same gate, both redacted). Consent is read at the moment of
 * each export, so a change of mind takes effect on the next one. Every export is audited with its
 * filter and row count (never the text).
 */
import type { DB } from "../../db/index";
import { participantPseudonym } from "../disclosure/pseudonyms";
import { recordAudit } from "../audit/log.server";
import { readSegments, type GatedUnit } from "../consent/units.server";
import { narrowedUnits, quoteTranslations } from "../consent/quote-checks.server";
import { readCodings } from "../consent/codings.server";
import { requireStudy, type StudyScope } from "../consent/scope.server";
import { type UnitKey } from "./units";
import { toCsv } from "../security/csv";
import { listThemes } from "./codebook.server";
import { redactionNames } from "./codings.server";
import { redactedText, redactedTranslation, redactionsFor, studyScripts, type StoredRedaction } from "./redactions.server";

export interface Quote {
  text: string;
  translation: string;
  translationLanguage: string;
  language: string;
  /** A quote of a participant's own turn: the interpreter's linked rendering of that turn (redacted). */
  interpretation: string;
  interpretationLanguage: string;
  /** A quote of an interpreter's rendering: the participant's original turn it renders (redacted). */
  original: string;
  originalLanguage: string;
  themes: string[];
  source: "focus_group" | "interview" | "answer";
  /**
   * "Participant 3, Focus group 1" for sessions ("…, through the interpreter" for a rendering of their
   * words); "Respondent 7F3K" for questionnaire answers.
   */
  speaker: string;
  /** YYYY-MM: the month of the session or the answer, never the day. */
  month: string;
}

export interface QuoteFilter {
  themeIds: readonly string[];
  /** Include the chosen themes' sub-themes (default true). */
  includeSubThemes?: boolean;
  /** Language of the translation to include (default "en"). */
  translationLanguage?: string;
}

/** A stable label for a questionnaire respondent: derived from the row id, not the code, not reversible. */
/** A quote's speaker: the first characters of their pseudonym (app/disclosure/pseudonyms.ts). */
export function respondentLabel(studyId: string, participantId: string, length = 4): string {
  return participantPseudonym(studyId, participantId, length);
}

/** Redactions clipped to [start, end) and shifted to the extract's own offsets. */
function clipRedactions(redactions: readonly StoredRedaction[], start: number, end: number): StoredRedaction[] {
  return redactions
    .filter((r) => r.end > start && r.start < end)
    .map((r) => ({ ...r, start: Math.max(r.start, start) - start, end: Math.min(r.end, end) - start }));
}

/** Themes chosen plus (by default) their descendants. */
export async function themeSelection(db: DB, scope: StudyScope, filter: QuoteFilter) {
  const themes = await listThemes(db, scope);
  const chosen = new Set(filter.themeIds);
  if (filter.includeSubThemes !== false) {
    let grew = true;
    while (grew) {
      grew = false;
      for (const t of themes)
        if (t.parentId && chosen.has(t.parentId) && !chosen.has(t.id)) {
          chosen.add(t.id);
          grew = true;
        }
    }
  }
  return { names: new Map(themes.map((t) => [t.id, t.name])), chosen: [...chosen].filter((id) => themes.some((t) => t.id === id)) };
}

/** A unit's quotes: maximal runs of overlapping coded spans, with the themes coded in each. */
export function quoteRuns(spans: readonly { start: number; end: number; theme: string }[]) {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const runs: { start: number; end: number; themes: Set<string> }[] = [];
  for (const s of sorted) {
    const last = runs[runs.length - 1];
    if (last && s.start < last.end) {
      last.end = Math.max(last.end, s.end);
      last.themes.add(s.theme);
    } else runs.push({ start: s.start, end: s.end, themes: new Set([s.theme]) });
  }
  return runs;
}

/**
 * The quotes for the filter. A quote is a maximal run of overlapping coded spans (any coder) of the
 * chosen themes in one unit; a theme whose resolved decision for the unit is "not applied" is left out.
 */
export async function collectQuotes(db: DB, scope: StudyScope, filter: QuoteFilter): Promise<Quote[]> {
  await requireStudy(db, scope);
  const { names, chosen } = await themeSelection(db, scope, filter);
  if (chosen.length === 0) return [];
  // THE GATE: only codings of the chosen themes (not rejected on their unit) whose unit is a quotable
  // participant's come back, with those units.
  const { codings, units } = await readCodings(db, scope, "quote", { themeIds: chosen, withoutRejected: true });
  const byUnit = new Map<UnitKey, { start: number; end: number; theme: string }[]>();
  for (const c of codings) byUnit.set(c.unit, [...(byUnit.get(c.unit) ?? []), { start: c.start, end: c.end, theme: c.themeId }]);
  const unitList = [...units.values()];
  const redactions = await redactionsFor(
    db,
    scope,
    unitList.map((u) => u.key),
  );
  const translations = await quoteTranslations(db, scope, unitList);
  const nameList = await redactionNames(db, scope.studyId);
  const scripts = await studyScripts(db, scope.studyId);
  const positions = await attendeePositions(db, unitList);
  const translationLanguage = filter.translationLanguage ?? "en";
  const linked = await linkedTurns(db, scope, unitList);

  const quotes: Quote[] = [];
  for (const unit of unitList) {
    const runs = quoteRuns(byUnit.get(unit.key) ?? []);
    const chars = Array.from(unit.text);
    const translation = (translations.get(unit.key) ?? []).find((t) => t.language === translationLanguage && t.language !== unit.language);
    const interpretations = unit.renders ? [] : (linked.renderings.get(unit.key) ?? []);
    const original = unit.renders ? linked.originals.get(unit.renders.key) : undefined;
    for (const run of runs) {
      const extract = chars.slice(run.start, run.end).join("");
      quotes.push({
        text: redactedText(extract, clipRedactions(redactions.get(unit.key) ?? [], run.start, run.end)).trim(),
        translation: translation ? redactedTranslation(translation.text, nameList, scripts) : "",
        translationLanguage: translation ? translation.language : "",
        language: unit.language,
        interpretation: interpretations.map((r) => r.text).join("\n\n"),
        interpretationLanguage: [...new Set(interpretations.map((r) => r.language))].join("; "),
        original: original?.text ?? "",
        originalLanguage: original?.language ?? "",
        themes: [...run.themes]
          .map((id) => names.get(id) ?? "")
          .filter(Boolean)
          .sort(),
        source: unit.sessionKind ?? "answer",
        speaker: speakerLabel(scope.studyId, unit, positions),
        month: (unit.heldOn ?? "").slice(0, 7),
      });
    }
  }
  quotes.sort(
    (a, b) => a.themes.join().localeCompare(b.themes.join()) || a.month.localeCompare(b.month) || a.speaker.localeCompare(b.speaker),
  );
  return quotes;
}

/**
 * The other half of each quoted turn's pair, read through the gate's "quote" purpose like the quote
 * itself (the pair has one owner, so both or neither come back): the interpreter's renderings of
 * quoted originals, and the originals of quoted renderings. Whole turns, redacted.
 */
async function linkedTurns(db: DB, scope: StudyScope, units: readonly GatedUnit[]) {
  // A pair the person narrowed (a "no" to part of it, words left out) is quoted alone: the other half
  // carries the whole turn, which cannot honour it (docs/decisions/078-quote-checks.md).
  const narrowed = await narrowedUnits(db, scope, [
    ...units.map((u) => u.key),
    ...units.flatMap((u) => (u.renders ? [u.renders.key] : [])),
  ]);
  const originalKeys = units.filter((u) => u.source === "segment" && !u.renders && !narrowed.has(u.key)).map((u) => u.key);
  const renderedKeys = [...new Set(units.flatMap((u) => (u.renders && !narrowed.has(u.key) ? [u.renders.key] : [])))].filter(
    (key) => !narrowed.has(key),
  );
  const rendered = originalKeys.length ? await readSegments(db, scope, "quote", { renderingsOf: originalKeys }) : [];
  const narrowedRenderings = await narrowedUnits(
    db,
    scope,
    rendered.map((r) => r.key),
  );
  const renderings = rendered.filter((r) => !narrowedRenderings.has(r.key));
  const originals = renderedKeys.length ? await readSegments(db, scope, "quote", { keys: renderedKeys }) : [];
  const redactions = await redactionsFor(
    db,
    scope,
    [...renderings, ...originals].map((u) => u.key),
  );
  const whole = (u: GatedUnit) => ({ text: redactedText(u.text, redactions.get(u.key) ?? []).trim(), language: u.language });
  const byOriginal = new Map<UnitKey, { text: string; language: string }[]>();
  for (const r of renderings) byOriginal.set(r.renders!.key, [...(byOriginal.get(r.renders!.key) ?? []), whole(r)]);
  return { renderings: byOriginal, originals: new Map(originals.map((o) => [o.key, whole(o)])) };
}

async function attendeePositions(db: DB, units: readonly GatedUnit[]) {
  const sessionIds = [...new Set(units.flatMap((u) => (u.sessionId ? [u.sessionId] : [])))];
  const map = new Map<string, number>();
  if (sessionIds.length === 0) return map;
  const rows = await db
    .selectFrom("session_attendee")
    .select(["session_id", "participant_id", "position"])
    .where("session_id", "in", sessionIds)
    .execute();
  for (const r of rows) map.set(`${r.session_id}|${r.participant_id}`, r.position);
  return map;
}

function speakerLabel(studyId: string, unit: GatedUnit, positions: Map<string, number>): string {
  if (unit.sessionId && unit.ownerId) {
    const n = positions.get(`${unit.sessionId}|${unit.ownerId}`);
    return `Participant ${n ?? "?"}, ${unit.sessionLabel ?? ""}${unit.renders ? ", through the interpreter" : ""}`;
  }
  return `Respondent ${respondentLabel(studyId, unit.participantId ?? "")}`;
}

export const QUOTE_COLUMNS = [
  "quote",
  "translation",
  "translation_language",
  "language",
  "interpretation",
  "interpretation_language",
  "original",
  "original_language",
  "themes",
  "source",
  "speaker",
  "month",
] as const;

export function quotesToCsv(quotes: readonly Quote[]): string {
  return toCsv(
    quotes.map((q) => ({
      quote: q.text,
      translation: q.translation,
      translation_language: q.translationLanguage,
      language: q.language,
      interpretation: q.interpretation,
      interpretation_language: q.interpretationLanguage,
      original: q.original,
      original_language: q.originalLanguage,
      themes: q.themes.join("; "),
      source: q.source,
      speaker: q.speaker,
      month: q.month,
    })),
    { columns: [...QUOTE_COLUMNS], bom: true },
  );
}

/** Markdown that stays text: HTML and Markdown syntax in participants' words is escaped. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\`*_{}[\]()#+\-.!|~])/g, "\\$1");
}

export function quotesToMarkdown(quotes: readonly Quote[], title: string): string {
  const lines = [`# ${escapeMarkdown(title)}`, ""];
  let theme = "";
  for (const q of quotes) {
    const heading = q.themes.join("; ");
    if (heading !== theme) {
      theme = heading;
      lines.push(`## ${escapeMarkdown(heading)}`, "");
    }
    for (const line of q.text.split(/\r?\n/)) lines.push(`> ${escapeMarkdown(line)}`);
    for (const [label, text, language] of [
      ["Interpreter", q.interpretation, q.interpretationLanguage],
      ["Original", q.original, q.originalLanguage],
    ] as const) {
      if (!text) continue;
      lines.push(">");
      for (const [i, line] of text.split(/\r?\n/).entries())
        lines.push(`> ${i === 0 ? `${label} (${escapeMarkdown(language)}): ` : ""}${escapeMarkdown(line)}`);
    }
    if (q.translation) {
      lines.push(">");
      for (const line of q.translation.split(/\r?\n/)) lines.push(`> *${escapeMarkdown(line)}* (${q.translationLanguage})`);
    }
    lines.push("", `— ${escapeMarkdown(q.speaker)} · ${q.source.replace("_", " ")} · ${q.month} · ${q.language}`, "");
  }
  return lines.join("\n");
}

export type QuoteFormat = "csv" | "md" | "print";

/** Collects quotes, audits the export (filter and count, never text) and returns them. */
export async function exportQuotes(
  db: DB,
  scope: StudyScope,
  actor: { userId: string | null; via: "workspace" | "cli" },
  filter: QuoteFilter,
  format: QuoteFormat,
): Promise<{ quotes: Quote[]; body: string }> {
  const study = await requireStudy(db, scope);
  const quotes = await collectQuotes(db, scope, filter);
  const title = (study.titles as Record<string, string>).en ?? study.slug;
  const body = format === "csv" ? quotesToCsv(quotes) : format === "md" ? quotesToMarkdown(quotes, title) : "";
  await recordAudit(db, {
    actorUserId: actor.userId,
    organisationId: scope.organisationId,
    action: "export",
    subject: study.slug,
    detail: {
      export: "quotes",
      format,
      via: actor.via,
      themes: [...filter.themeIds],
      includeSubThemes: filter.includeSubThemes !== false,
      translationLanguage: filter.translationLanguage ?? "en",
      rows: quotes.length,
    },
  });
  return { quotes, body };
}
