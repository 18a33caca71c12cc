/**
 * Asking people to check their quotes (docs/decisions/078-quote-checks.md): when a study checks
 * quotes and a quote is chosen for a "you said, we did" entry, or for the study's quote exports, the
 * person quoted is asked about those words, and sees them the next time they come in with their code.
 *
 * One check per span of a person's words, whatever the places it is chosen for: a span already asked
 * about (or inside a span asked about) gains the new place, and the person sees every place their
 * words are used; a "no" takes them out of all of them. The span is the quote as it would be
 * published: a coded span for an entry, a run of overlapping coded spans for an export.
 */
import { sql } from "kysely";
import type { DB } from "../../db/index";
import type { QuoteCheckSilence } from "../../db/tables/quote-checks";
import { recordAudit } from "../audit/log.server";
import { readCodings } from "../consent/codings.server";
import { checksOnUnits, todayIso, type StoredCheck } from "../consent/quote-checks.server";
import { requireStudy, type StudyScope } from "../consent/scope.server";
import { parseUnitKey, type UnitKey } from "../coding/units";
import { quoteRuns, themeSelection } from "../coding/quotes.server";
import { parseStudySettings } from "../studies/settings";

/** Where a quote is chosen for: one quote of an entry, or the quote exports under a theme. */
export type CheckPlace = { entryQuoteId: string } | { exportThemeId: string };

interface Candidate {
  unit: UnitKey;
  ownerId: string;
  start: number;
  end: number;
  places: CheckPlace[];
}

function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * What silence means for each of these people: what the consent form of their most recent consent
 * record says, or "withhold" when it says nothing (silence is never a yes unless their form said so).
 */
async function silenceRules(db: DB, participantIds: readonly string[]): Promise<Map<string, QuoteCheckSilence>> {
  const out = new Map<string, QuoteCheckSilence>();
  if (participantIds.length === 0) return out;
  const rows = await db
    .selectFrom("consent_record as cr")
    .innerJoin("instrument_version as iv", "iv.id", "cr.instrument_version_id")
    .select(["cr.participant_id", sql<string | null>`iv.definition->'quote_check'->>'silence'`.as("silence")])
    .where("cr.participant_id", "in", [...new Set(participantIds)])
    .orderBy("cr.participant_id")
    .orderBy("cr.updated_on", "desc")
    .orderBy("cr.recorded_on", "desc")
    .orderBy("cr.id", "desc")
    .execute();
  for (const r of rows) if (!out.has(r.participant_id)) out.set(r.participant_id, r.silence === "publish" ? "publish" : "withhold");
  return out;
}

const samePlace = (a: CheckPlace, b: CheckPlace) =>
  "entryQuoteId" in a
    ? "entryQuoteId" in b && a.entryQuoteId === b.entryQuoteId
    : "exportThemeId" in b && a.exportThemeId === b.exportThemeId;

/**
 * Asks about each candidate not yet asked about, and adds its places to the check that covers it.
 * Returns how many people were newly asked about something. Pass a transaction when inside one.
 */
async function ask(db: DB, scope: StudyScope, candidates: readonly Candidate[], waitDays: number): Promise<number> {
  if (candidates.length === 0) return 0;
  const today = todayIso();
  const existing = await checksOnUnits(
    db,
    scope,
    candidates.map((c) => c.unit),
  );
  const silence = await silenceRules(
    db,
    candidates.map((c) => c.ownerId),
  );
  let asked = 0;
  for (const c of candidates) {
    const onUnit = existing.get(c.unit) ?? [];
    let check: Pick<StoredCheck, "id"> | undefined = onUnit.find((k) => k.start <= c.start && c.end <= k.end);
    if (!check) {
      const ref = parseUnitKey(c.unit);
      if (!ref) continue;
      const row = await db
        .insertInto("quote_check")
        .values({
          study_id: scope.studyId,
          participant_id: c.ownerId,
          segment_id: ref.kind === "segment" ? ref.segmentId : null,
          response_id: ref.kind === "answer" ? ref.responseId : null,
          item_id: ref.kind === "answer" ? ref.itemId : null,
          start_cp: c.start,
          end_cp: c.end,
          silence: silence.get(c.ownerId) ?? "withhold",
          asked_on: today,
          due_on: addDays(today, waitDays),
        })
        .returning(["id", "status", "silence", "asked_on", "due_on"])
        .executeTakeFirstOrThrow();
      const stored: StoredCheck = {
        id: row.id,
        unit: c.unit,
        participantId: c.ownerId,
        start: c.start,
        end: c.end,
        status: row.status,
        silence: row.silence,
        askedOn: row.asked_on,
        dueOn: row.due_on,
      };
      existing.set(c.unit, [...onUnit, stored]);
      check = stored;
      asked++;
    }
    const places = await db
      .selectFrom("quote_check_place")
      .select(["entry_quote_id", "export_theme_id"])
      .where("check_id", "=", check.id)
      .execute();
    const known: CheckPlace[] = places.map((p) =>
      p.entry_quote_id ? { entryQuoteId: p.entry_quote_id } : { exportThemeId: p.export_theme_id! },
    );
    for (const place of c.places) {
      if (known.some((k) => samePlace(k, place))) continue;
      await db
        .insertInto("quote_check_place")
        .values({
          check_id: check.id,
          entry_quote_id: "entryQuoteId" in place ? place.entryQuoteId : null,
          export_theme_id: "exportThemeId" in place ? place.exportThemeId : null,
          added_on: today,
        })
        .execute();
      known.push(place);
    }
  }
  return asked;
}

async function waitDaysIfEnabled(db: DB, scope: StudyScope): Promise<number | null> {
  const study = await requireStudy(db, scope);
  const settings = parseStudySettings(study.settings).quote_check;
  return settings.enabled ? settings.wait_days : null;
}

/**
 * A quote has been linked to an entry (report_entry_quote `entryQuoteId`, of `codingId`): ask the
 * person about it when the study checks quotes. Pass the transaction that links it.
 */
export async function askAboutEntryQuote(db: DB, scope: StudyScope, entryQuoteId: string, codingId: string): Promise<number> {
  const waitDays = await waitDaysIfEnabled(db, scope);
  if (waitDays === null) return 0;
  const { codings, units } = await readCodings(db, scope, "quote", { codingIds: [codingId], quoteChecks: "choose" });
  const candidates = codings.flatMap((c) => {
    const ownerId = units.get(c.unit)?.ownerId;
    return ownerId ? [{ unit: c.unit, ownerId, start: c.start, end: c.end, places: [{ entryQuoteId }] }] : [];
  });
  return ask(db, scope, candidates, waitDays);
}

/**
 * Every quote the study's entries use that nobody has been asked about: when a study starts checking
 * quotes, the quotes already chosen are asked about too (until then they are not shown).
 */
export async function askAboutEntryQuotes(db: DB, scope: StudyScope): Promise<number> {
  const waitDays = await waitDaysIfEnabled(db, scope);
  if (waitDays === null) return 0;
  const links = await db
    .selectFrom("report_entry_quote as q")
    .innerJoin("report_entry as e", "e.id", "q.entry_id")
    .select(["q.id", "q.coding_id"])
    .where("e.study_id", "=", scope.studyId)
    .where("e.organisation_id", "=", scope.organisationId)
    .where("q.coding_id", "is not", null)
    .execute();
  if (links.length === 0) return 0;
  const { codings, units } = await readCodings(db, scope, "quote", { codingIds: links.map((l) => l.coding_id!), quoteChecks: "choose" });
  const byCoding = new Map(codings.map((c) => [c.id, c]));
  const candidates = links.flatMap((l) => {
    const c = byCoding.get(l.coding_id!);
    const ownerId = c ? units.get(c.unit)?.ownerId : undefined;
    return c && ownerId ? [{ unit: c.unit, ownerId, start: c.start, end: c.end, places: [{ entryQuoteId: l.id }] }] : [];
  });
  return ask(db, scope, candidates, waitDays);
}

/**
 * The quotes an export of these themes would hold (as collectQuotes makes them), asked about: the
 * researcher chooses them for the study's quote exports. Audited with the count, never the words.
 */
export async function askAboutExportQuotes(
  db: DB,
  scope: StudyScope,
  actor: { userId: string | null },
  filter: { themeIds: readonly string[]; includeSubThemes?: boolean },
): Promise<{ asked: number; enabled: boolean }> {
  const study = await requireStudy(db, scope);
  const waitDays = await waitDaysIfEnabled(db, scope);
  if (waitDays === null) return { asked: 0, enabled: false };
  const { chosen } = await themeSelection(db, scope, filter);
  if (chosen.length === 0) return { asked: 0, enabled: true };
  const asked = await db.transaction().execute(async (trx) => {
    const { codings, units } = await readCodings(trx, scope, "quote", { themeIds: chosen, withoutRejected: true, quoteChecks: "choose" });
    const byUnit = new Map<UnitKey, { start: number; end: number; theme: string }[]>();
    for (const c of codings) byUnit.set(c.unit, [...(byUnit.get(c.unit) ?? []), { start: c.start, end: c.end, theme: c.themeId }]);
    const candidates: Candidate[] = [];
    for (const [unit, spans] of byUnit) {
      const ownerId = units.get(unit)?.ownerId;
      if (!ownerId) continue;
      for (const run of quoteRuns(spans))
        candidates.push({
          unit,
          ownerId,
          start: run.start,
          end: run.end,
          places: [...run.themes].map((exportThemeId) => ({ exportThemeId })),
        });
    }
    const n = await ask(trx, scope, candidates, waitDays);
    await recordAudit(trx, {
      actorUserId: actor.userId,
      organisationId: scope.organisationId,
      action: "quote_check",
      subject: study.slug,
      detail: { change: "asked", place: "export", themes: [...filter.themeIds], quotes: candidates.length, asked: n },
    });
    return n;
  });
  return { asked, enabled: true };
}
