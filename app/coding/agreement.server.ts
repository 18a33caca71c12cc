/**
 * Agreement between coders over a chosen set of units (answers or segments), per theme, using the
 * tested statistics in app/coding/agreement.ts. The datum is binary per unit: did this coder apply
 * the theme anywhere in the unit?
 *
 * When has a coder coded a unit (so that "not applied" means "absent", not "missing")? When they
 * applied any theme to it, or when they have marked their coding finished — a finished coder who left
 * a unit without codes decided none applies. An unfinished coder's untouched unit is missing, which
 * Krippendorff's alpha handles and the other figures leave out (docs/decisions/032-agreement-units.md).
 *
 * Units are read through the consent gate: a unit whose participant was erased is not in the set.
 */
import type { DB } from "../../db/index";
import { readFreeTextAnswers, readUnits } from "../consent/units.server";
import { responsesToInstrument } from "../consent/gate.server";
import { requireStudy, type StudyScope } from "../consent/scope.server";
import { codedQuestions, codingsOnUnits } from "../consent/codings.server";
import { rowUnitKey, parseUnitKey, type UnitKey } from "./units";
import { agreementForTheme, type ThemeAgreement } from "./agreement";
import { listThemes } from "./codebook.server";
import { CodingError } from "./codings.server";
import { isUuid } from "../security/ids";
import { localise, messageKeys } from "../instruments/messages";
import { latestInstrumentVersion } from "../instruments/publish.server";

export interface ThemeAgreementRow extends ThemeAgreement {
  themeId: string;
  themeName: string;
}

export interface Disagreement {
  themeId: string;
  unit: UnitKey;
  /** coderId → applied (true), not applied (false), not coded (null) */
  decisions: Record<string, boolean | null>;
  resolved: boolean | null;
}

export interface AgreementReport {
  units: UnitKey[];
  coders: string[];
  themes: ThemeAgreementRow[];
  disagreements: Disagreement[];
}

export async function resolutionsFor(db: DB, scope: StudyScope, units: readonly UnitKey[]) {
  const wanted = new Set(units);
  const rows = await db
    .selectFrom("resolved_coding")
    .select(["segment_id", "response_id", "item_id", "theme_id", "applied", "resolved_by", "resolved_at"])
    .where("study_id", "=", scope.studyId)
    .execute();
  return rows
    .map((r) => ({ unit: rowUnitKey(r), themeId: r.theme_id, applied: r.applied, resolvedBy: r.resolved_by, resolvedAt: r.resolved_at }))
    .filter((r) => wanted.has(r.unit));
}

export interface CodedAnswerItem {
  instrumentId: string;
  itemId: string;
  /** How many coders have coded at least one answer to it. */
  coders: number;
}

/**
 * The free-text questions (instrument and item) whose answers at least two coders have coded: the
 * questions worth comparing coders on. Reads codings and response metadata only, never the answers
 * (app/consent/codings.server.ts `codedQuestions`).
 */
export async function codedAnswerItems(db: DB, scope: StudyScope): Promise<CodedAnswerItem[]> {
  return codedQuestions(db, scope);
}

/**
 * What the question chooser says: each instrument's title and each question's text in the
 * workspace language (the newest version's wording), not their ids; the id where a version has no
 * such text. A long question is cut short, as a select option shows one line.
 */
export async function questionLabels(db: DB, items: readonly { instrumentId: string; itemId: string }[], language: string) {
  const labels = new Map<string, { instrumentLabel: string; itemLabel: string }>();
  for (const instrumentId of new Set(items.map((i) => i.instrumentId))) {
    let t: ReturnType<typeof localise> | null = null;
    try {
      const version = await latestInstrumentVersion(db, instrumentId);
      t = version ? localise(version.definition, version.translations, language) : null;
    } catch {
      // A label is not worth failing the page for: the ids still say which question it is.
      t = null;
    }
    const say = (key: string, fallback: string) => (t && t.has(key) ? t(key) : fallback);
    for (const item of items.filter((i) => i.instrumentId === instrumentId)) {
      const text = say(messageKeys.itemText(item.itemId), item.itemId);
      labels.set(`${instrumentId}/${item.itemId}`, {
        instrumentLabel: say(messageKeys.title, instrumentId),
        itemLabel: text.length > 80 ? `${text.slice(0, 79)}…` : text,
      });
    }
  }
  return labels;
}

/**
 * Every free-text answer to one question of one instrument (all its versions), read through the
 * consent gate, as units for agreementReport: answers nobody coded are in the set too, so a finished
 * coder's "none applies" counts.
 */
export async function answerUnitsForItem(db: DB, scope: StudyScope, item: { instrumentId: string; itemId: string }): Promise<UnitKey[]> {
  await requireStudy(db, scope);
  const responses = await responsesToInstrument(db, scope.studyId, item.instrumentId);
  const units: UnitKey[] = [];
  // Bounded batches keep the gate's key filter a reasonable size in a large study.
  for (let i = 0; i < responses.length; i += 500) {
    const keys = responses.slice(i, i + 500).map((r): UnitKey => `a:${r.id}:${item.itemId}`);
    for (const unit of await readFreeTextAnswers(db, scope, "analysis", { keys })) units.push(unit.key);
  }
  return units;
}

/**
 * Per theme agreement for the chosen units and coders (two or more). `units` defaults to every unit
 * that at least two of the coders have coded, where a finished coder has coded every unit (ADR 032).
 */
export async function agreementReport(
  db: DB,
  scope: StudyScope,
  input: { coders: readonly string[]; units?: readonly UnitKey[]; themeIds?: readonly string[] },
): Promise<AgreementReport> {
  await requireStudy(db, scope);
  const coders = [...new Set(input.coders)];
  if (coders.length < 2) throw new RangeError("Agreement needs two or more coders");
  const available = await readUnits(db, scope, "analysis", input.units ? { keys: input.units } : {});
  let codings = (await codingsOnUnits(db, scope, available.keys(), { coderIds: coders })).map((c) => ({
    unit: c.unit,
    theme: c.themeId,
    coder: c.coderId,
  }));
  const finished = new Set(
    (
      await db
        .selectFrom("coder_status")
        .select("coder_id")
        .where("study_id", "=", scope.studyId)
        .where("finished_at", "is not", null)
        .execute()
    ).map((r) => r.coder_id),
  );
  let units: UnitKey[];
  if (input.units) units = input.units.filter((u) => available.has(u));
  else {
    // ADR 032: a finished coder has coded every unit (left blank = none applies), so a unit one
    // finished coder coded and another left blank is in the set — the very units where they disagree.
    const finishedChosen = coders.filter((c) => finished.has(c));
    const codersByUnit = new Map<UnitKey, Set<string>>();
    for (const c of codings) codersByUnit.set(c.unit, (codersByUnit.get(c.unit) ?? new Set(finishedChosen)).add(c.coder));
    units = [...available.keys()].filter((u) => (codersByUnit.get(u)?.size ?? finishedChosen.length) >= 2);
    const keep = new Set(units);
    codings = codings.filter((c) => keep.has(c.unit));
  }
  const touched = new Set(codings.map((c) => `${c.unit}|${c.coder}`));
  const applied = new Set(codings.map((c) => `${c.unit}|${c.coder}|${c.theme}`));
  const themes = (await listThemes(db, scope)).filter((t) => (input.themeIds ? input.themeIds.includes(t.id) : true));
  const resolutions = await resolutionsFor(db, scope, units);
  const resolved = new Map(resolutions.map((r) => [`${r.unit}|${r.themeId}`, r.applied]));

  const decision = (unit: UnitKey, coder: string, theme: string): boolean | undefined => {
    if (applied.has(`${unit}|${coder}|${theme}`)) return true;
    if (touched.has(`${unit}|${coder}`) || finished.has(coder)) return false;
    return undefined;
  };
  const rows: ThemeAgreementRow[] = [];
  const disagreements: Disagreement[] = [];
  for (const theme of themes) {
    const result = agreementForTheme(units, coders, (u, c) => decision(u, c, theme.id));
    // A theme nobody applied to any of these units says nothing about agreement: left out.
    if (!codings.some((c) => c.theme === theme.id)) continue;
    rows.push({ themeId: theme.id, themeName: theme.name, ...result });
    for (const unit of result.disagreements) {
      disagreements.push({
        themeId: theme.id,
        unit,
        decisions: Object.fromEntries(coders.map((c) => [c, decision(unit, c, theme.id) ?? null])),
        resolved: resolved.get(`${unit}|${theme.id}`) ?? null,
      });
    }
  }
  return { units, coders, themes: rows, disagreements };
}

/**
 * Records the agreed decision for a unit and theme, apart from every coder's own coding (which is
 * never changed). Passing null removes the resolution.
 */
export async function resolveDisagreement(
  db: DB,
  scope: StudyScope,
  actorUserId: string,
  input: { unit: UnitKey; themeId: string; applied: boolean | null },
): Promise<void> {
  await requireStudy(db, scope);
  const ref = parseUnitKey(input.unit);
  if (!ref) throw new CodingError("unit_not_found", "Not a unit");
  const available = await readUnits(db, scope, "analysis", { keys: [input.unit] });
  if (!available.has(input.unit)) throw new CodingError("unit_not_found", "That unit is not available");
  const theme = isUuid(input.themeId)
    ? await db.selectFrom("theme").select("id").where("id", "=", input.themeId).where("study_id", "=", scope.studyId).executeTakeFirst()
    : undefined;
  if (!theme) throw new CodingError("not_found", "No such theme");
  const cols =
    ref.kind === "segment"
      ? { segment_id: ref.segmentId, response_id: null, item_id: null }
      : { segment_id: null, response_id: ref.responseId, item_id: ref.itemId };
  await db.transaction().execute(async (trx) => {
    let del = trx.deleteFrom("resolved_coding").where("theme_id", "=", input.themeId);
    del = cols.segment_id
      ? del.where("segment_id", "=", cols.segment_id)
      : del.where("response_id", "=", cols.response_id!).where("item_id", "=", cols.item_id!);
    await del.execute();
    if (input.applied !== null) {
      await trx
        .insertInto("resolved_coding")
        .values({ study_id: scope.studyId, theme_id: input.themeId, applied: input.applied, resolved_by: actorUserId, ...cols })
        .execute();
    }
  });
}
