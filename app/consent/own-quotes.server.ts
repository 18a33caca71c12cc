/**
 * A person's own quotes, read back to them to check (docs/decisions/078-quote-checks.md): the one read
 * of words for the "my quotes" pages, here in app/consent with the other reads of participants' words.
 *
 * Only the person's own words: checks whose participant is the one the code opened, in the study of
 * the page (and that study's organisation), read through the gate's "quote" purpose — so someone who
 * has withdrawn or said no to quotes is shown none (their words are not quoted, so there is nothing to
 * check), and another person's check, or another study's, is simply not found. The words come with
 * every redaction applied that an export would apply, and split into words the person can leave out.
 */
import type { DB } from "../../db/index";
import type { QuoteCheckSilence, QuoteCheckStatus, QuoteCheckVia } from "../../db/tables/quote-checks";
import type { LanguageText } from "../../db/tables/report-back";
import { rowUnitKey, type UnitKey } from "../coding/units";
import { redactionsFor, type StoredRedaction } from "../coding/redactions.server";
import { checkOutcome, narrowedUnits, type CheckOutcome } from "./quote-checks.server";
import { readUnits, readTranslations } from "./units.server";
import { requireStudy, type StudyScope } from "./scope.server";

/** A word or the space between words of a quote, by code point offsets into the whole turn or answer. */
export interface QuotePiece {
  text: string;
  start: number;
  end: number;
  space: boolean;
  /** Already left out: covered by a redaction (the study's, or one the person asked for). */
  leftOut: boolean;
}

export type QuotePlace =
  | { kind: "entry"; entrySlug: string; published: boolean; titles: LanguageText; themeLabels: LanguageText; themeName: string }
  | { kind: "export"; themeName: string };

export interface OwnQuote {
  id: string;
  unit: UnitKey;
  status: QuoteCheckStatus;
  outcome: CheckOutcome;
  silence: QuoteCheckSilence;
  askedOn: string;
  dueOn: string;
  answeredOn: string | null;
  answeredVia: QuoteCheckVia | null;
  /** The language the words were said or written in. */
  language: string;
  pieces: QuotePiece[];
  /** A researcher's translation of the whole turn, by language (none once the person narrowed it). */
  translations: Record<string, string>;
  places: QuotePlace[];
}

/** The quote [start, end) of `text` as words and spaces, each marked left out if a redaction covers part of it. */
export function quotePieces(text: string, span: { start: number; end: number }, redactions: readonly StoredRedaction[]): QuotePiece[] {
  const chars = Array.from(text).slice(span.start, span.end);
  const applied = redactions.filter((r) => r.status !== "dismissed");
  const pieces: QuotePiece[] = [];
  let at = 0;
  while (at < chars.length) {
    const space = /\s/u.test(chars[at]!);
    let end = at;
    while (end < chars.length && /\s/u.test(chars[end]!) === space) end++;
    const start = span.start + at;
    const stop = span.start + end;
    pieces.push({
      text: chars.slice(at, end).join(""),
      start,
      end: stop,
      space,
      leftOut: !space && applied.some((r) => r.start < stop && start < r.end),
    });
    at = end;
  }
  return pieces;
}

/**
 * The person's checks in the study (all, or the one `checkId`), with their words as the gate gives
 * them for quotes; a check whose words the gate does not give is left out.
 */
export async function ownQuotes(db: DB, scope: StudyScope, participantId: string, options: { checkId?: string } = {}): Promise<OwnQuote[]> {
  await requireStudy(db, scope);
  let q = db
    .selectFrom("quote_check")
    .selectAll()
    .where("study_id", "=", scope.studyId)
    .where("participant_id", "=", participantId)
    .orderBy("asked_on", "desc")
    .orderBy("id");
  if (options.checkId !== undefined) q = q.where("id", "=", options.checkId);
  const checks = await q.execute();
  if (checks.length === 0) return [];
  const keys = [...new Set(checks.map((c) => rowUnitKey(c)))];
  // THE GATE: the person's own words, only while they may be quoted at all.
  const units = await readUnits(db, scope, "quote", { keys, participantIds: [participantId] });
  const readable = checks.filter((c) => units.has(rowUnitKey(c)));
  if (readable.length === 0) return [];
  const redactions = await redactionsFor(db, scope, keys);
  const narrowed = await narrowedUnits(db, scope, keys);
  const translations = await readTranslations(
    db,
    [...units.values()].filter((u) => !narrowed.has(u.key)),
  );
  const places = await placesOf(
    db,
    scope,
    readable.map((c) => c.id),
  );
  return readable.map((c) => {
    const unit = units.get(rowUnitKey(c))!;
    const translated: Record<string, string> = {};
    for (const t of translations.get(unit.key) ?? []) if (t.language !== unit.language) translated[t.language] = t.text;
    return {
      id: c.id,
      unit: unit.key,
      status: c.status,
      outcome: checkOutcome({ status: c.status, silence: c.silence, dueOn: c.due_on }),
      silence: c.silence,
      askedOn: c.asked_on,
      dueOn: c.due_on,
      answeredOn: c.answered_on,
      answeredVia: c.answered_via,
      language: unit.language,
      pieces: quotePieces(unit.text, { start: c.start_cp, end: c.end_cp }, redactions.get(unit.key) ?? []),
      translations: translated,
      places: places.get(c.id) ?? [],
    };
  });
}

/** Where each check's quote will appear: entries of this study (with their titles), or its quote exports. */
async function placesOf(db: DB, scope: StudyScope, checkIds: readonly string[]): Promise<Map<string, QuotePlace[]>> {
  const rows = await db
    .selectFrom("quote_check_place as p")
    .leftJoin("report_entry_quote as q", "q.id", "p.entry_quote_id")
    .leftJoin("report_entry as e", (join) => join.onRef("e.id", "=", "q.entry_id").on("e.study_id", "=", scope.studyId))
    .leftJoin("report_entry_theme as rt", (join) => join.onRef("rt.entry_id", "=", "q.entry_id").onRef("rt.theme_id", "=", "q.theme_id"))
    .leftJoin("theme as t", (join) => join.on((eb) => eb("t.id", "=", eb.fn.coalesce("q.theme_id", "p.export_theme_id"))))
    .select(["p.check_id", "p.entry_quote_id", "e.id as entry_id", "e.slug", "e.state", "rt.labels", "t.name"])
    .where("p.check_id", "in", [...checkIds])
    .orderBy("p.added_on")
    .orderBy("p.id")
    .execute();
  const entryIds = [...new Set(rows.flatMap((r) => (r.entry_id ? [r.entry_id] : [])))];
  const titles = new Map<string, LanguageText>();
  if (entryIds.length) {
    for (const t of await db
      .selectFrom("report_entry_text")
      .select(["entry_id", "language", "title"])
      .where("entry_id", "in", entryIds)
      .execute())
      titles.set(t.entry_id, { ...(titles.get(t.entry_id) ?? {}), [t.language]: t.title });
  }
  const out = new Map<string, QuotePlace[]>();
  for (const r of rows) {
    let place: QuotePlace;
    if (r.entry_quote_id) {
      if (!r.entry_id) continue;
      place = {
        kind: "entry",
        entrySlug: r.slug!,
        published: r.state === "published",
        titles: titles.get(r.entry_id) ?? {},
        themeLabels: r.labels ?? {},
        themeName: r.name ?? "",
      };
    } else place = { kind: "export", themeName: r.name ?? "" };
    out.set(r.check_id, [...(out.get(r.check_id) ?? []), place]);
  }
  return out;
}

/**
 * Of these codings of the study, those on the person's own words (their turns, an interpreter's
 * rendering of them, their answers): ids only, to mark "your words" among quotes a page already read
 * through the gate.
 */
export async function ownCodingIds(db: DB, scope: StudyScope, participantId: string, codingIds: readonly string[]): Promise<Set<string>> {
  if (codingIds.length === 0) return new Set();
  const rows = await db
    .selectFrom("coding as c")
    .leftJoin("transcript_segment as seg", "seg.id", "c.segment_id")
    .leftJoin("transcript_segment as orig", (join) =>
      join.onRef("orig.id", "=", "seg.renders_segment_id").onRef("orig.session_id", "=", "seg.session_id"),
    )
    .leftJoin("response as r", "r.id", "c.response_id")
    .select("c.id")
    .where("c.study_id", "=", scope.studyId)
    .where("c.id", "in", [...codingIds])
    .where((eb) =>
      eb.or([
        eb("seg.participant_id", "=", participantId),
        eb("orig.participant_id", "=", participantId),
        eb("r.participant_id", "=", participantId),
      ]),
    )
    .execute();
  return new Set(rows.map((r) => r.id));
}
