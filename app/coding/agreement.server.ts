/**
 * Agreement between coders over a chosen set of units (answers or segments), per theme, using the
 * tested statistics in app/coding/agreement.ts. The datum is binary per unit: did this coder apply
 * the theme anywhere in the unit?
 *
 * When has a coder coded a unit (so that "not applied" means "absent", not "missing")? When they
 * applied any theme to it, or when they have marked their coding finished and the unit existed then —
 * a finished coder who left a unit without codes decided none applies; a unit that arrived after they
 * finished they never saw. An untouched unit otherwise is missing, which Krippendorff's alpha handles
 * and the other figures leave out (docs/decisions/032-agreement-units.md, 070-agreement-figures.md).
 *
 * Units are read through the consent gate: a unit whose participant was erased is not in the set.
 */
import type { DB } from "../../db/index";
import { readFreeTextAnswers, readUnits } from "../consent/units.server";
import { responsesToInstrument } from "../consent/gate.server";
import { requireStudy, type StudyScope } from "../consent/scope.server";
import { codedQuestions, codingsOnUnits } from "../consent/codings.server";
import { rowUnitKey, parseUnitKey, type UnitKey } from "./units";
import { agreementForTheme, unvaryingCoders, type ThemeAgreement } from "./agreement";
import { alphaInterval, DEFAULT_RESAMPLES, DEFAULT_SEED, type AlphaInterval } from "./krippendorff";
import { recordAudit } from "../audit/log.server";
import { toCsv } from "../security/csv";
import { listThemes } from "./codebook.server";
import { CodingError, listCoders } from "./codings.server";
import { isUuid } from "../security/ids";
import { localise, messageKeys } from "../instruments/messages";
import { latestInstrumentVersion } from "../instruments/publish.server";

export interface ThemeAgreementRow extends ThemeAgreement {
  themeId: string;
  themeName: string;
  /** The bootstrap interval for alpha, when asked for and alpha is defined (ADR 070). */
  alphaInterval: AlphaInterval | null;
  /** Coders who made one decision on every unit compared: why kappa is 0 or undefined. */
  unvarying: { coderId: string; applied: boolean }[];
}

/** The figures over every unit × theme decision of the table's themes, pooled (ADR 070). */
export interface OverallAgreement extends Omit<ThemeAgreement, "disagreements"> {
  /** Pooled unit × theme decisions on which the coders did not all agree. */
  disagreements: number;
  alphaInterval: AlphaInterval | null;
}

export interface Disagreement {
  themeId: string;
  unit: UnitKey;
  /** coderId → applied (true), not applied (false), not coded (null) */
  decisions: Record<string, boolean | null>;
  resolved: boolean | null;
}

export interface AgreementCoder {
  coderId: string;
  /** Display name, or e-mail address when the account has none. */
  name: string;
  /** When they marked themselves finished: what their blank units mean reaches only units there then. */
  finishedAt: Date | null;
}

export interface AgreementReport {
  units: UnitKey[];
  coders: string[];
  coderDetails: AgreementCoder[];
  themes: ThemeAgreementRow[];
  overall: OverallAgreement | null;
  disagreements: Disagreement[];
  /** The resamples and seed of every interval in the report; null when none was asked for. */
  bootstrap: { resamples: number; seed: number } | null;
}

export interface AgreementInput {
  coders: readonly string[];
  units?: readonly UnitKey[];
  themeIds?: readonly string[];
  /** Leave facilitator and interpreter turns (renderings included) out of the units. */
  participantTurnsOnly?: boolean;
  /** Bootstrap intervals for alpha, with this many resamples and this seed. */
  bootstrap?: { resamples?: number; seed?: number };
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

/** Every chosen coder's decision on every unit and theme of the comparison (ADR 032, ADR 070). */
async function collectDecisions(db: DB, scope: StudyScope, input: AgreementInput) {
  await requireStudy(db, scope);
  const coders = [...new Set(input.coders)];
  if (coders.length < 2) throw new RangeError("Agreement needs two or more coders");
  const available = await readUnits(db, scope, "analysis", input.units ? { keys: input.units } : {});
  if (input.participantTurnsOnly) {
    // Facilitators' and interpreters' turns are context, not what participants said: out, on request.
    for (const [key, unit] of available) if (unit.source === "segment" && unit.speakerRole !== "participant") available.delete(key);
  }
  const allCodings = (await codingsOnUnits(db, scope, available.keys(), { coderIds: coders })).map((c) => ({
    unit: c.unit,
    theme: c.themeId,
    coder: c.coderId,
  }));
  const known = new Map((await listCoders(db, scope)).map((c) => [c.coderId, c]));
  const finishedAt = new Map<string, Date>();
  const rows = await db
    .selectFrom("coder_status")
    .select(["coder_id", "finished_at"])
    .where("study_id", "=", scope.studyId)
    .where("finished_at", "is not", null)
    .execute();
  for (const r of rows) if (r.finished_at) finishedAt.set(r.coder_id, new Date(r.finished_at));
  const touched = new Set(allCodings.map((c) => `${c.unit}|${c.coder}`));
  // ADR 070: a finished coder decided "none applies" on the units that existed when they finished,
  // and only those; a turn or answer that arrived later is not coded by them until they code it.
  const covers = (coder: string, unit: UnitKey) => {
    const at = finishedAt.get(coder);
    const arrived = available.get(unit)?.addedAt;
    return at !== undefined && arrived !== undefined && arrived.getTime() <= at.getTime();
  };
  const hasCoded = (unit: UnitKey, coder: string) => touched.has(`${unit}|${coder}`) || covers(coder, unit);
  const units = input.units
    ? input.units.filter((u) => available.has(u))
    : // ADR 032: every unit at least two of the chosen coders coded, a finished coder's blank units
      // (of their time) included — the very units where they disagree.
      [...available.keys()].filter((u) => coders.filter((c) => hasCoded(u, c)).length >= 2);
  const keep = new Set(units);
  const codings = allCodings.filter((c) => keep.has(c.unit));
  const applied = new Set(codings.map((c) => `${c.unit}|${c.coder}|${c.theme}`));
  const decision = (unit: UnitKey, coder: string, theme: string): boolean | undefined => {
    if (applied.has(`${unit}|${coder}|${theme}`)) return true;
    if (hasCoded(unit, coder)) return false;
    return undefined;
  };
  // A theme nobody applied to any of these units says nothing about agreement: left out.
  const usedThemes = new Set(codings.map((c) => c.theme));
  const themes = (await listThemes(db, scope)).filter(
    (t) => (input.themeIds ? input.themeIds.includes(t.id) : true) && usedThemes.has(t.id),
  );
  const coderDetails: AgreementCoder[] = coders.map((id) => ({
    coderId: id,
    name: known.get(id)?.name ?? id,
    finishedAt: finishedAt.get(id) ?? null,
  }));
  return { coders, coderDetails, units, themes, decision, available };
}

/**
 * Per theme agreement for the chosen units and coders (two or more), and over all themes pooled.
 * `units` defaults to every unit that at least two of the coders have coded, where a finished coder
 * has coded every unit that existed when they finished (ADR 032, ADR 070).
 */
export async function agreementReport(db: DB, scope: StudyScope, input: AgreementInput): Promise<AgreementReport> {
  const { coders, coderDetails, units, themes, decision } = await collectDecisions(db, scope, input);
  const resolutions = await resolutionsFor(db, scope, units);
  const resolved = new Map(resolutions.map((r) => [`${r.unit}|${r.themeId}`, r.applied]));
  const bootstrap = input.bootstrap
    ? { resamples: input.bootstrap.resamples ?? DEFAULT_RESAMPLES, seed: input.bootstrap.seed ?? DEFAULT_SEED }
    : null;
  const interval = (rows: ReadonlyArray<ReadonlyArray<boolean | undefined>>) => (bootstrap ? alphaInterval(rows, bootstrap) : null);

  // Each theme's decisions are worked out once, as a units × coders matrix, and read from there by
  // the per-theme figures, the interval and the pooled figure alike.
  const unitIndex = new Map(units.map((u, i) => [u, i]));
  const coderIndex = new Map(coders.map((c, i) => [c, i]));
  const rows: ThemeAgreementRow[] = [];
  const matrices: (boolean | undefined)[][][] = [];
  const disagreements: Disagreement[] = [];
  for (const theme of themes) {
    const matrix = units.map((u) => coders.map((c) => decision(u, c, theme.id)));
    matrices.push(matrix);
    const decide = (u: string, c: string) => matrix[unitIndex.get(u)!]![coderIndex.get(c)!];
    const result = agreementForTheme(units, coders, decide);
    rows.push({
      themeId: theme.id,
      themeName: theme.name,
      ...result,
      alphaInterval: interval(matrix),
      unvarying: unvaryingCoders(units, coders, decide),
    });
    for (const unit of result.disagreements) {
      disagreements.push({
        themeId: theme.id,
        unit,
        decisions: Object.fromEntries(coders.map((c) => [c, decide(unit, c) ?? null])),
        resolved: resolved.get(`${unit}|${theme.id}`) ?? null,
      });
    }
  }

  let overall: OverallAgreement | null = null;
  if (rows.length > 0) {
    // Every unit × theme of the table is one binary decision per coder, pooled (ADR 070).
    const pooled = matrices.flat();
    const ids = pooled.map((_, i) => String(i));
    const result = agreementForTheme(ids, coders, (id, c) => pooled[Number(id)]![coderIndex.get(c)!]);
    overall = {
      percentAgreement: result.percentAgreement,
      cohensKappa: result.cohensKappa,
      krippendorffAlpha: result.krippendorffAlpha,
      units: result.units,
      disagreements: result.disagreements.length,
      alphaInterval: interval(pooled),
    };
  }
  return { units, coders, coderDetails, themes: rows, overall, disagreements, bootstrap };
}

export type Decision = "applied" | "not_applied" | "not_coded";

export const DECISION_COLUMNS = [
  "unit",
  "unit_kind",
  "session",
  "question",
  "speaker_role",
  "theme_id",
  "theme",
  "coder_id",
  "coder",
  "decision",
] as const;

/**
 * Every chosen coder's decision on every unit and theme of the comparison, one row each: applied,
 * not applied, or not coded (missing) — what anyone needs to recompute the figures, in R or
 * elsewhere (tests/fixtures/r/agreement-from-csv.R does). Unit ids and coders' names, never words;
 * formula-safe; audited as an export with its filter and row count.
 */
export async function agreementDecisionsCsv(
  db: DB,
  scope: StudyScope,
  actor: { userId: string | null; via: "workspace" | "cli" },
  input: AgreementInput & { filter: Record<string, unknown> },
): Promise<{ csv: string; rows: number }> {
  const study = await requireStudy(db, scope);
  const { coderDetails, units, themes, decision, available } = await collectDecisions(db, scope, input);
  const rows: unknown[][] = [];
  for (const unit of units) {
    const info = available.get(unit);
    const ref = parseUnitKey(unit);
    for (const theme of themes) {
      for (const coder of coderDetails) {
        const d = decision(unit, coder.coderId, theme.id);
        rows.push([
          unit,
          ref?.kind === "answer" ? "answer" : "turn",
          info?.sessionLabel ?? "",
          ref?.kind === "answer" ? ref.itemId : "",
          info?.speakerRole ?? "",
          theme.id,
          theme.name,
          coder.coderId,
          coder.name,
          d === undefined ? "not_coded" : d ? "applied" : "not_applied",
        ]);
      }
    }
  }
  await recordAudit(db, {
    actorUserId: actor.userId,
    organisationId: scope.organisationId,
    action: "export",
    subject: study.slug,
    detail: { export: "agreement_decisions", via: actor.via, filter: input.filter, rows: rows.length },
  });
  return { csv: toCsv(rows, { columns: [...DECISION_COLUMNS] }), rows: rows.length };
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

/**
 * The agreement page's choices, read from its address (shared by the page and its CSV download so
 * that the file holds exactly the decisions behind the figures shown): `coder` (repeated, two or
 * more of the study's coders), `units` ("session:<id>" or "item:<instrument>/<item>", anything else
 * the default set; `session=<id>` is still understood) and `turns=participants` (facilitator and
 * interpreter turns left out).
 */
export async function agreementQuery(db: DB, scope: StudyScope, params: URLSearchParams) {
  const coders = await listCoders(db, scope);
  const chosen = params.getAll("coder").filter((id) => coders.some((c) => c.coderId === id));
  const choice = params.get("units") || (params.get("session") ? `session:${params.get("session")}` : "");
  const items = await codedAnswerItems(db, scope);
  const sessionId = choice.startsWith("session:") ? choice.slice("session:".length) || undefined : undefined;
  const item = choice.startsWith("item:") ? items.find((i) => `item:${i.instrumentId}/${i.itemId}` === choice) : undefined;
  const participantTurnsOnly = params.get("turns") === "participants";
  const units = async (): Promise<UnitKey[] | undefined> =>
    item
      ? answerUnitsForItem(db, scope, item)
      : sessionId
        ? [...(await readUnits(db, scope, "analysis", { sessionId })).keys()]
        : undefined;
  return {
    coders,
    chosen,
    items,
    choice: item ? `item:${item.instrumentId}/${item.itemId}` : sessionId ? `session:${sessionId}` : "",
    participantTurnsOnly,
    units,
    filter: {
      units: item ? "question" : sessionId ? "session" : "default",
      session: sessionId ?? null,
      question: item ? `${item.instrumentId}/${item.itemId}` : null,
      coders: chosen,
      participantTurnsOnly,
    },
  };
}
