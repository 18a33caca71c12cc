/**
 * What the study's wellbeing page shows, as plain serialisable data: every figure comes from
 * report.server.ts; this module picks, localises and suppresses. Nothing here identifies a person:
 * pairs are anonymous, and a group with fewer than 5 pairs sends no figure to the browser at all.
 */
import type { DB } from "../../db/index";
import { localise, messageKeys } from "../instruments/messages";
import { bandRows, changeBins, pairPoints, type BandRow, type ChangeBin, type PairPoint } from "./chart-data";
import { listCohorts, type Cohort } from "./cohorts.server";
import type { HiddenReason } from "../disclosure/small-counts";
import {
  cohortSummaries,
  DEFAULT_TIMEPOINTS,
  disclosableComparison,
  disclosableFromScores,
  groupsNeeded,
  instrumentScores,
  satisfactionItems,
  singleChoiceItems,
  studyMeasures,
  studyTimepoints,
  subgroupComparisons,
  breakdownId,
  type CohortSummary,
  type MeasureSource,
  type MeasureScores,
  type SubgroupBy,
  type Withheld,
} from "./report.server";
import type { StudyScope } from "../consent/scope.server";
import { improvementDefinition, type ImprovementDefinition, type PairedComparison, type ReliableChange } from "./statistics";

export interface WellbeingViewQuery {
  measureId?: string | null;
  cohortId?: string | null;
  /** "cohort", "language" or "item:<single-choice item id>". */
  by?: string | null;
  /** Timepoints compared, from the study's timepoints for the measure's instrument; default pre and post. */
  before?: string | null;
  after?: string | null;
}

export interface SubgroupOption {
  value: string;
  label: string;
}

/** One line of the page's overview: a measure's headline figures, or why there are none. */
export interface MeasureOverview {
  id: string;
  name: string;
  range: { min: number; max: number };
  higherIsBetter: boolean;
  withheld: Withheld | null;
  /** Null when withheld. */
  headline: { nPairs: number; meanChange: number | null; pT: number | null } | null;
}

export interface WellbeingView {
  measures: { id: string; name: string }[];
  /** Every measure of the study for the same selection, each through the same suppression. */
  overview: MeasureOverview[];
  cohorts: Cohort[];
  query: { measureId: string | null; cohortId: string | null; by: string | null; before: string; after: string };
  /** The timepoints the measure's instrument is asked at in this study, offered as before and after. */
  timepoints: string[];
  measure: {
    id: string;
    name: string;
    range: { min: number; max: number };
    higherIsBetter: boolean;
    meaningfulChange: number | null;
    /** What "got better" means for this measure: stated on the page, behind every count of it. */
    improvement: ImprovementDefinition;
    bands: { id: string; label: string }[];
    attribution: string | null;
  } | null;
  counts: { nPre: number; nPost: number; nPairs: number } | null;
  /** Null when the selection is withheld (withheld says why): then no figure at all, not even counts. */
  comparison: PairedComparison | null;
  suppressed: boolean;
  withheld: Withheld | null;
  reliableChange: Omit<ReliableChange, "rci"> | null;
  charts: {
    points: PairPoint[];
    bins: ChangeBin[];
    bandRows: BandRow[];
    /** Band moves in neutral words (higher, lower band): "better" is the one definition's alone. */
    bandMoves: { up: number; same: number; down: number } | null;
  } | null;
  subgroupOptions: SubgroupOption[];
  subgroups: { key: string; label: string; suppressed: boolean; hidden: HiddenReason | null; comparison: PairedComparison | null }[] | null;
  /** A breakdown was asked for together with a cohort: breakdowns are of the whole study only. */
  subgroupsNeedAllCohorts: boolean;
  cohortSummaries: (CohortSummary & { name: string })[];
  satisfactionLabels: Record<string, { text: string; options: Record<string, string> }>;
}

function parseBy(by: string | null | undefined, source: MeasureSource): SubgroupBy | null {
  if (by === "cohort" || by === "language") return { kind: by };
  if (by?.startsWith("item:")) {
    const itemId = by.slice(5);
    if (singleChoiceItems(source.version).some((item) => item.id === itemId)) return { kind: "item", itemId };
  }
  return null;
}

/** A breakdown is shown only with the decision across breakdowns made for it (disclosableReport, choices: true). */
function decided(hiddenGroups: Map<string, Set<string>> | null): Map<string, Set<string>> {
  if (!hiddenGroups) throw new Error("A breakdown needs disclosableReport's decision across breakdowns (choices: true).");
  return hiddenGroups;
}

export async function wellbeingView(db: DB, scope: StudyScope, query: WellbeingViewQuery, language: string): Promise<WellbeingView> {
  const sources = await studyMeasures(db, scope.studyId);
  const measureName = (s: MeasureSource) =>
    localise(s.version.definition, s.version.translations, language)(messageKeys.measureName(s.measure.id));
  const cohorts = await listCohorts(db, scope);
  const source = sources.find((s) => s.measure.id === query.measureId) ?? sources[0];
  const cohortId = cohorts.some((c) => c.id === query.cohortId) ? query.cohortId! : null;
  const base: WellbeingView = {
    measures: sources.map((s) => ({ id: s.measure.id, name: measureName(s) })),
    overview: [],
    cohorts,
    query: { measureId: source?.measure.id ?? null, cohortId, by: null, before: DEFAULT_TIMEPOINTS.pre, after: DEFAULT_TIMEPOINTS.post },
    timepoints: [],
    measure: null,
    counts: null,
    comparison: null,
    suppressed: false,
    withheld: null,
    reliableChange: null,
    charts: null,
    subgroupOptions: [],
    subgroups: null,
    subgroupsNeedAllCohorts: false,
    cohortSummaries: [],
    satisfactionLabels: {},
  };
  if (!source) return base;

  const t = localise(source.version.definition, source.version.translations, language);
  const { measure } = source;
  const by = parseBy(query.by, source);
  const timepoints = await studyTimepoints(db, scope.studyId, source.instrumentId);
  const chosen = (value: string | null | undefined, fallback: string) => (value && timepoints.includes(value) ? value : fallback);
  let before = chosen(query.before, DEFAULT_TIMEPOINTS.pre);
  let after = chosen(query.after, DEFAULT_TIMEPOINTS.post);
  if (before === after) [before, after] = [DEFAULT_TIMEPOINTS.pre, DEFAULT_TIMEPOINTS.post];
  const isDefault = before === DEFAULT_TIMEPOINTS.pre && after === DEFAULT_TIMEPOINTS.post;
  // One read per instrument gives every measure's scores (docs/decisions/077-speed-start-cli-wellbeing.md):
  // this measure's report and the line of each of its instrument's other measures come from it.
  const selection = { ...scope, measureId: measure.id, cohortId, pre: before, post: after, choices: by !== null };
  const reads = new Map<string, Promise<Map<string, MeasureScores>>>();
  const readFor = (instrumentId: string, offered: readonly string[], pre: string, post: string) => {
    let read = reads.get(instrumentId);
    if (!read) {
      read = instrumentScores(
        db,
        // The answers to the questions are read once, for every measure, when a cohort or a breakdown is shown.
        { ...scope, pre, post, timepoints: offered, choices: groupsNeeded(selection) },
        sources.filter((s) => s.instrumentId === instrumentId),
      );
      reads.set(instrumentId, read);
    }
    return read;
  };
  // The cohorts' summaries read other answers on another connection meanwhile.
  const [scoresRead, summaries] = await Promise.all([
    readFor(source.instrumentId, timepoints, before, after),
    cohortSummaries(db, scope, source),
  ]);
  const mine = scoresRead.get(measure.id)!;
  // Not destructured: its per-person scores are built only for a breakdown.
  const disclosed = disclosableFromScores(selection, source, mine, timepoints);
  const { report, withheld, hiddenGroups } = disclosed;
  const bandIds = (measure.bands ?? []).map((b) => b.id);
  const cohortName = new Map(cohorts.map((co) => [co.id, co.name]));
  const subgroupLabel = (key: string): string => {
    if (key === "") return "";
    if (by?.kind === "cohort") return cohortName.get(key) ?? key;
    if (by?.kind === "item") return t.has(messageKeys.optionLabel(by.itemId, key)) ? t(messageKeys.optionLabel(by.itemId, key)) : key;
    return key;
  };

  // The issue asks for "the comparison for each measure" on one page: a line per measure, each
  // computed and suppressed exactly as its own full comparison would be.
  const overview: MeasureOverview[] = [];
  const timepointsOf = new Map([[source.instrumentId, timepoints]]);
  for (const other of sources) {
    // Another instrument's measure uses the same timepoints when it is asked at them, else pre and post.
    let otherTimepoints = timepointsOf.get(other.instrumentId);
    if (!otherTimepoints)
      timepointsOf.set(other.instrumentId, (otherTimepoints = await studyTimepoints(db, scope.studyId, other.instrumentId)));
    const same = otherTimepoints.includes(before) && otherTimepoints.includes(after);
    const pre = same ? before : DEFAULT_TIMEPOINTS.pre;
    const post = same ? after : DEFAULT_TIMEPOINTS.post;
    const shown =
      other === source
        ? { comparison: report?.comparison ?? null, withheld }
        : disclosableComparison(
            { ...scope, measureId: other.measure.id, cohortId, pre, post },
            other,
            (await readFor(other.instrumentId, otherTimepoints, pre, post)).get(other.measure.id)!,
            otherTimepoints,
          );
    const c = shown.comparison;
    overview.push({
      id: other.measure.id,
      name: measureName(other),
      range: other.measure.range,
      higherIsBetter: other.measure.higher_is_better,
      withheld: shown.withheld,
      headline: c ? { nPairs: c.n_pairs, meanChange: c.mean_change, pT: c.p_t } : null,
    });
  }

  const satisfactionLabels: WellbeingView["satisfactionLabels"] = {};
  for (const item of satisfactionItems(source.version, "post")) {
    const options: Record<string, string> = {};
    if (item.type === "single_choice") for (const o of item.options) options[o.value] = t(messageKeys.optionLabel(item.id, o.value));
    satisfactionLabels[item.id] = { text: t(messageKeys.itemText(item.id)), options };
  }

  return {
    ...base,
    overview,
    query: { measureId: measure.id, cohortId, by: by ? (by.kind === "item" ? `item:${by.itemId}` : by.kind) : null, before, after },
    timepoints,
    measure: {
      id: measure.id,
      name: t(messageKeys.measureName(measure.id)),
      range: measure.range,
      higherIsBetter: measure.higher_is_better,
      meaningfulChange: measure.meaningful_change ?? null,
      improvement: improvementDefinition(measure),
      bands: (measure.bands ?? []).map((b) => ({ id: b.id, label: t(messageKeys.bandLabel(measure.id, b.id)) })),
      attribution: measure.attribution ? t(`measures.${measure.id}.attribution`) : null,
    },
    counts: report ? { nPre: report.comparison.n_pre, nPost: report.comparison.n_post, nPairs: report.comparison.n_pairs } : null,
    comparison: report ? report.comparison : null,
    suppressed: report === null,
    withheld,
    reliableChange: report ? report.reliableChange : null,
    charts: report
      ? {
          points: pairPoints(report.pairs),
          bins: changeBins(report.pairs),
          bandRows: report.bands ? bandRows(report.bands, bandIds) : [],
          bandMoves: report.bands
            ? {
                up: measure.higher_is_better ? report.bands.improved : report.bands.worsened,
                same: report.bands.unchanged,
                down: measure.higher_is_better ? report.bands.worsened : report.bands.improved,
              }
            : null,
        }
      : null,
    subgroupOptions: [
      { value: "cohort", label: "cohort" },
      { value: "language", label: "language" },
      ...singleChoiceItems(source.version).map((item) => ({ value: `item:${item.id}`, label: t(messageKeys.itemText(item.id)) })),
    ],
    // Breakdowns are of the whole study only: a breakdown within one cohort, beside the same
    // breakdown of the study, would let one be subtracted from the other
    // (docs/decisions/043-complementary-suppression.md).
    // ...and of the default timepoints only, for the same reason across timepoints.
    subgroups:
      by && !cohortId && isDefault && report
        ? subgroupComparisons(measure, disclosed.scores, by, decided(hiddenGroups).get(breakdownId(by))).map((row) => ({
            ...row,
            label: subgroupLabel(row.key),
          }))
        : null,
    subgroupsNeedAllCohorts: by !== null && (cohortId !== null || !isDefault),
    cohortSummaries: summaries.map((s) => ({ ...s, name: cohortName.get(s.cohortId) ?? "" })),
    satisfactionLabels,
  };
}
