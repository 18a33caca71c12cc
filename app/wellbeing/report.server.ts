/**
 * The pre/post wellbeing report of a study: scores from the instrument's scoring rules, the paired
 * comparison (app/wellbeing/statistics.ts, checked against R), band movement, the reliable change
 * index, subgroups with small groups suppressed, and each cohort's satisfaction and attendance.
 *
 * Answers are read only through analysableResponses (the consent gate's filter), so a participant
 * who withdrew with erasure is absent and one who chose "stop and keep" is counted.
 */
import type { DB } from "../../db/index";
import { getInstrumentVersionByRowId, type PublishedInstrumentVersion } from "../instruments/publish.server";
import { allItems, itemRange, measureMinAnswered, type Item, type Measure } from "../instruments/schema";
import { attendanceSummaries, type AttendanceSummary } from "./attendance.server";
import {
  analysableInstrumentScores,
  analysableItemValues,
  analysableResponses,
  type AnalysableResponse,
  answeredInstrumentVersions,
  scoreOrder,
} from "../consent/wellbeing.server";
import type { StudyScope } from "../consent/scope.server";
import { keepScores, type ScoresToKeep } from "./score-store.server";
import { measureScorer, type ItemScales, type MeasureDefinition } from "./scoring";
import { hiddenReason, SMALL_COUNT, withheldUnlessEmpty, type HiddenReason } from "../disclosure/small-counts";
import {
  bandTransitions,
  comparePairedScores,
  improvementDefinition,
  orderedPairs,
  reliableChange,
  type BandTransitions,
  type PairedComparison,
  type ReliableChange,
  type ScorePair,
} from "./statistics";

/** Groups with fewer pairs than this are not shown: "fewer than 5" (the one small-count rule). */
const SMALLEST_GROUP = SMALL_COUNT;

export const DEFAULT_TIMEPOINTS = { pre: "pre", post: "post" } as const;

export class WellbeingReportError extends Error {
  constructor(
    readonly kind: "measure_not_found" | "cohort_not_found",
    message: string,
  ) {
    super(message);
    this.name = "WellbeingReportError";
  }
}

export interface MeasureSource {
  instrumentId: string;
  /** The latest version of the instrument the study uses that defines the measure. */
  version: PublishedInstrumentVersion;
  measure: Measure;
}

/** Published versions the study uses: listed as its instruments or answered by its participants. */
async function studyInstrumentVersions(db: DB, studyId: string): Promise<PublishedInstrumentVersion[]> {
  const listed = await db.selectFrom("study_instrument").select("instrument_version_id as id").where("study_id", "=", studyId).execute();
  const ids = [...new Set([...listed.map((r) => r.id), ...(await answeredInstrumentVersions(db, studyId))])];
  const versions = await Promise.all(ids.map((id) => getInstrumentVersionByRowId(db, id)));
  return versions.filter((v): v is PublishedInstrumentVersion => v !== undefined).sort((a, b) => b.version - a.version);
}

/** Every scored measure the study's instruments define, newest definition of each. */
export async function studyMeasures(db: DB, studyId: string): Promise<MeasureSource[]> {
  const out = new Map<string, MeasureSource>();
  for (const version of await studyInstrumentVersions(db, studyId)) {
    for (const measure of version.definition.measures ?? []) {
      if (!out.has(measure.id)) out.set(measure.id, { instrumentId: version.id, version, measure });
    }
  }
  return [...out.values()];
}

export async function findMeasure(db: DB, studyId: string, measureId: string): Promise<MeasureSource> {
  const found = (await studyMeasures(db, studyId)).find((m) => m.measure.id === measureId);
  if (!found) throw new WellbeingReportError("measure_not_found", `The study has no instrument with a measure "${measureId}".`);
  return found;
}

export function measureDefinition(measure: Measure): MeasureDefinition {
  return { ...measure, min_answered: measureMinAnswered(measure) };
}

export function itemScales(version: PublishedInstrumentVersion, measure: Measure): ItemScales {
  const scales: Record<string, { min: number; max: number }> = {};
  for (const { item } of allItems(version.definition)) {
    const range = measure.items.includes(item.id) ? itemRange(item) : undefined;
    if (range) scales[item.id] = range;
  }
  return scales;
}

/**
 * The scoring of every measure of one instrument as the study reports them (`sources`, one per
 * measure): a response to version v is scored on each measure by v's own definition when v has one,
 * else by the newest (the source's). `scoredWith` names, for every published version of the
 * instrument, the version whose definition applies to each measure: what a kept row must have been
 * scored with. Versions are loaded and their rules prepared once, up front, so scoring a hundred
 * thousand responses is a plain loop. Scores come in `measures` order (the kept row's order).
 */
async function instrumentScorer(db: DB, sources: readonly MeasureSource[]) {
  const instrumentId = sources[0]!.instrumentId;
  const rows = await db.selectFrom("instrument_version").select("id").where("instrument_id", "=", instrumentId).execute();
  const versions = (await Promise.all(rows.map((r) => getInstrumentVersionByRowId(db, r.id)))).filter(
    (v): v is PublishedInstrumentVersion => v !== undefined,
  );
  const measures = scoreOrder(Object.fromEntries(sources.map((s) => [s.measure.id, ""])));
  const bySource = measures.map((id) => sources.find((s) => s.measure.id === id)!);
  type Rules = { definition: MeasureDefinition; scales: ItemScales; rules: string };
  const newest: Rules[] = bySource.map((source) => ({
    definition: measureDefinition(source.measure),
    scales: itemScales(source.version, source.measure),
    rules: source.version.rowId,
  }));
  const rulesOf = (version: PublishedInstrumentVersion | undefined): Rules[] =>
    bySource.map((source, i) => {
      const own = version?.definition.measures?.find((m) => m.id === source.measure.id);
      return version && own ? { definition: measureDefinition(own), scales: itemScales(version, own), rules: version.rowId } : newest[i]!;
    });
  const perVersion = new Map(versions.map((v) => [v.rowId, rulesOf(v)]));
  const columns = [...new Set([...newest, ...[...perVersion.values()].flat()].flatMap((r) => r.definition.items))];
  const prepare = (rules: Rules[]) => rules.map((r) => measureScorer(r.definition, r.scales, columns));
  const scorers = new Map([...perVersion].map(([versionId, rules]) => [versionId, prepare(rules)]));
  const fallback = prepare(newest);
  return {
    measures,
    columns,
    scoredWith: new Map(
      [...perVersion].map(([versionId, rules]) => [versionId, Object.fromEntries(measures.map((m, i) => [m, rules[i]!.rules]))]),
    ),
    score: (versionId: string, values: readonly unknown[]): (number | null)[] =>
      (scorers.get(versionId) ?? fallback).map((scorer) => {
        try {
          return scorer(values);
        } catch (error) {
          // An answer outside its scale is a data error; it makes the score missing, like an
          // unanswered item, rather than stopping the whole report or distorting it.
          if (error instanceof RangeError) return null;
          throw error;
        }
      }),
  };
}

/** One participant's scores and what they can be grouped by. Never leaves the server. */
export interface ParticipantScores {
  participantId: string;
  cohortId: string | null;
  language: string;
  pre: number | null;
  post: number | null;
  /** The score at every timepoint read (pre and post, and any others asked for). */
  at: Record<string, number | null>;
  /** Answers to the instrument's single-choice questions, at whichever timepoint they were asked (post first). */
  choices: Record<string, string>;
}

/**
 * The participants read, participant p being participantId[p] and so on: what their scores on
 * every measure of the instrument share, as columns for the same reason as MeasureScores.
 */
interface Participants {
  participantId: string[];
  cohortId: (string | null)[];
  language: string[];
  /** Answers to the instrument's single-choice questions, when read; absent for someone who answered none. */
  choices: (Record<string, string> | undefined)[];
}

/**
 * Every analysable participant's scores on one measure, as columns over the participants read
 * (participant p is the p-th first read): 7 measures of 100,000 people as an object each, with an
 * object of scores by timepoint each, were half of the wellbeing page's time in garbage collection.
 * Per-person objects (ParticipantScores) are built only where a breakdown or a caller needs them.
 */
export class MeasureScores {
  /** Every participant read: 0, 1, 2, ... */
  readonly everyone: Int32Array;

  constructor(
    readonly people: Participants,
    private readonly timepoints: readonly string[],
    /** answered[t][p]: whether participant p has a response at timepoints[t], scored or not. */
    private readonly answered: readonly Uint8Array[],
    /** scores[t][p]: participant p's score at timepoints[t]; NaN where missing. */
    private readonly scores: readonly Float64Array[],
  ) {
    this.everyone = new Int32Array(people.participantId.length);
    for (let p = 0; p < this.everyone.length; p++) this.everyone[p] = p;
  }

  /** Everyone with a response at either timepoint. */
  answeredAt(pre: string, post: string): Int32Array {
    const none = new Uint8Array(this.everyone.length);
    const a = this.answered[this.timepoints.indexOf(pre)] ?? none;
    const b = this.answered[this.timepoints.indexOf(post)] ?? none;
    // Places in a typed array: pushing 100,000 onto a plain array was several times slower.
    const who = new Int32Array(this.everyone.length);
    let n = 0;
    for (let p = 0; p < who.length; p++) if (a[p] === 1 || b[p] === 1) who[n++] = p;
    return who.subarray(0, n);
  }

  /** pairsOf(this.entries(who, pre, post)), without the objects. */
  pairs(who: Int32Array, pre: string, post: string): Paired {
    const none = () => new Float64Array(this.everyone.length).fill(NaN);
    const before = this.scores[this.timepoints.indexOf(pre)] ?? none();
    const after = this.scores[this.timepoints.indexOf(post)] ?? none();
    let nPre = 0;
    let nPost = 0;
    let nPairs = 0;
    for (let i = 0; i < who.length; i++) {
      const p = who[i]!;
      const hasPre = !Number.isNaN(before[p]!);
      const hasPost = !Number.isNaN(after[p]!);
      if (hasPre) nPre++;
      if (hasPost) nPost++;
      if (hasPre && hasPost) nPairs++;
    }
    // Sized first: filling an array of known length is far cheaper than growing it.
    const paired: Paired = { pre: new Array<number>(nPairs), post: new Array<number>(nPairs), counts: { pre: nPre, post: nPost } };
    let k = 0;
    for (let i = 0; i < who.length; i++) {
      const p = who[i]!;
      if (Number.isNaN(before[p]!) || Number.isNaN(after[p]!)) continue;
      paired.pre[k] = before[p]!;
      paired.post[k++] = after[p]!;
    }
    return paired;
  }

  entries(who: Int32Array, pre: string, post: string): ParticipantScores[] {
    const score = (column: Float64Array | undefined, p: number) => (column === undefined || Number.isNaN(column[p]!) ? null : column[p]!);
    const before = this.scores[this.timepoints.indexOf(pre)];
    const after = this.scores[this.timepoints.indexOf(post)];
    return Array.from(who, (p) => {
      const at: Record<string, number | null> = {};
      for (let t = 0; t < this.timepoints.length; t++) if (this.answered[t]![p] === 1) at[this.timepoints[t]!] = score(this.scores[t], p);
      const { participantId, cohortId, language, choices } = this.people;
      return {
        participantId: participantId[p]!,
        cohortId: cohortId[p]!,
        language: language[p]!,
        pre: score(before, p),
        post: score(after, p),
        at,
        choices: choices[p] ?? {},
      };
    });
  }
}

export interface ReportQuery extends StudyScope {
  measureId: string;
  /** Only this cohort; absent = every participant of the study, in a cohort or not. */
  cohortId?: string | null;
  pre?: string;
  post?: string;
  /**
   * participantScores: read answers to the instrument's single-choice questions (for breakdowns
   * by question); default true. disclosableReport: the caller will show a breakdown, so decide
   * which groups to hide across every breakdown; default false.
   */
  choices?: boolean;
}

export function singleChoiceItems(version: PublishedInstrumentVersion): Extract<Item, { type: "single_choice" }>[] {
  return allItems(version.definition)
    .map(({ item }) => item)
    .filter((item): item is Extract<Item, { type: "single_choice" }> => item.type === "single_choice");
}

/**
 * The timepoints the study asks the instrument at (its study_instrument rows), "pre" first and
 * "post" last, others by position: what a page may offer as "before" and "after".
 */
export async function studyTimepoints(db: DB, studyId: string, instrumentId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("study_instrument")
    .innerJoin("instrument_version", "instrument_version.id", "study_instrument.instrument_version_id")
    .select(["study_instrument.timepoint", (eb) => eb.fn.min("study_instrument.position").as("position")])
    .where("study_instrument.study_id", "=", studyId)
    .where("instrument_version.instrument_id", "=", instrumentId)
    .groupBy("study_instrument.timepoint")
    .execute();
  const rank = (t: string) => (t === DEFAULT_TIMEPOINTS.pre ? -1 : t === DEFAULT_TIMEPOINTS.post ? 1 : 0);
  return rows
    .sort(
      (a, b) => rank(a.timepoint) - rank(b.timepoint) || Number(a.position) - Number(b.position) || a.timepoint.localeCompare(b.timepoint),
    )
    .map((r) => r.timepoint);
}

/**
 * Each analysable participant's scores on the measure at pre and post (and at `alsoAt`).
 *
 * Scores kept from an earlier read are used while they are still good (same answers, same rules);
 * the rest are scored here from their answers and kept (docs/decisions/054-measure-score-store.md),
 * on every measure of the instrument at once (instrumentScores). Answers to single-choice questions
 * (for breakdowns by question) are read only when `query.choices` is not false.
 */
async function measureScores(
  db: DB,
  query: ReportQuery,
  source?: MeasureSource,
  alsoAt: readonly string[] = [],
): Promise<{ source: MeasureSource; read: MeasureScores }> {
  const all = await studyMeasures(db, query.studyId);
  source ??= all.find((m) => m.measure.id === query.measureId);
  if (!source) throw new WellbeingReportError("measure_not_found", `The study has no instrument with a measure "${query.measureId}".`);
  const measure = source.measure.id;
  const siblings = all.filter((m) => m.instrumentId === source.instrumentId && m.measure.id !== measure);
  const { pre, post } = selectedTimepoints(query);
  const read = await instrumentScores(db, { ...query, pre, post, timepoints: [pre, post, ...alsoAt], choices: query.choices !== false }, [
    source,
    ...siblings,
  ]);
  return { source, read: read.get(measure)! };
}

/** measureScores as one object per participant (ParticipantScores), in the order read. */
export async function participantScores(
  db: DB,
  query: ReportQuery,
  source?: MeasureSource,
  alsoAt: readonly string[] = [],
): Promise<{ source: MeasureSource; scores: ParticipantScores[] }> {
  const read = await measureScores(db, query, source, alsoAt);
  const { pre, post } = selectedTimepoints(query);
  return { source: read.source, scores: read.read.entries(read.read.everyone, pre, post) };
}

function selectedTimepoints(query: Pick<ReportQuery, "pre" | "post">): { pre: string; post: string } {
  return { pre: query.pre ?? DEFAULT_TIMEPOINTS.pre, post: query.post ?? DEFAULT_TIMEPOINTS.post };
}

/**
 * Every analysable participant's scores on every measure of one instrument (`sources`: the study's
 * measures of that instrument, studyMeasures), by measure id, from one read of the kept scores
 * (docs/decisions/077-speed-start-cli-wellbeing.md): the wellbeing page's line per measure costs one
 * read, not one each. Responses without good kept scores are scored on every measure from one read
 * of their answers and kept, so that a later report of any measure of the instrument finds them.
 * Each measure's scores are as measureScores gives them.
 */
export async function instrumentScores(
  db: DB,
  query: StudyScope & { pre: string; post: string; timepoints: readonly string[]; cohortId?: string | null; choices: boolean },
  sources: readonly MeasureSource[],
): Promise<Map<string, MeasureScores>> {
  if (sources.length === 0) return new Map();
  const { pre, post } = query;
  const scope = {
    organisationId: query.organisationId,
    studyId: query.studyId,
    instrumentId: sources[0]!.instrumentId,
    timepoints: [...new Set([pre, post, ...query.timepoints])],
  };
  const scorer = await instrumentScorer(db, sources);
  const responses = await analysableInstrumentScores(db, { ...scope, scoredWith: scorer.scoredWith });

  const { unscored } = responses;
  if (unscored.length > 0) {
    // All of them in one read when most are unscored (a first report); by id otherwise.
    const byId = unscored.length * 2 < responses.timepoint.length;
    const read = (responseIds?: string[]) =>
      analysableItemValues(db, { ...scope, numberItems: scorer.columns, textItems: [], ...(responseIds ? { responseIds } : {}) });
    const values = await read(byId ? unscored.map((r) => r.responseId) : undefined);
    const byResponse = new Map(values.map((v) => [v.responseId, v]));
    // Reading all chooses again; a response in a newer version since the first read would leave
    // the one chosen then unread. Those few are read by id, so this report still scores them.
    const missed = byId ? [] : unscored.map((r) => r.responseId).filter((id) => !byResponse.has(id));
    if (missed.length > 0) for (const v of await read(missed)) byResponse.set(v.responseId, v);
    const toKeep: ScoresToKeep[] = [];
    for (const response of unscored) {
      const read = byResponse.get(response.responseId);
      // Gone between the two reads (erased meanwhile): not scored.
      if (!read) continue;
      const scores = scorer.score(read.instrumentVersionId, read.numbers);
      scores.forEach((score, m) => (responses.scores[m]![response.row] = score ?? NaN));
      const scoredWith = scorer.scoredWith.get(read.instrumentVersionId);
      if (scoredWith) toKeep.push({ responseId: read.responseId, answersRevision: read.answersRevision, scoredWith, scores });
    }
    await keepScores(db, toKeep);
  }

  const choiceIds = query.choices ? [...new Set(sources.flatMap((s) => singleChoiceItems(s.version).map((item) => item.id)))] : [];
  const choices = choiceIds.length ? await analysableItemValues(db, { ...scope, numberItems: [], textItems: choiceIds }) : [];
  // Each response's participant, by their place in the order first read: the read numbers everyone
  // it lets through once, and only those with a response read (in the cohort asked) are kept.
  // People keep the gate's order (the participant table's), not the order their responses came in:
  // keeping scores rewrites response rows and moves them, and the figures' sums must not change
  // their last digit between the report that kept the scores and the next.
  const people: Participants = { participantId: [], cohortId: [], language: [], choices: [] };
  const read = responses.people;
  const placeOfPerson = new Int32Array(read.participantId.length).fill(-1);
  for (let r = 0; r < responses.person.length; r++) {
    const person = responses.person[r]!;
    if (query.cohortId && read.cohortId[person] !== query.cohortId) continue;
    placeOfPerson[person] = 0;
  }
  for (let person = 0; person < placeOfPerson.length; person++) {
    if (placeOfPerson[person]! < 0) continue;
    placeOfPerson[person] = people.participantId.length;
    people.participantId.push(read.participantId[person]!);
    people.cohortId.push(read.cohortId[person]!);
    people.language.push(read.language[person]!);
  }
  const personOf = new Int32Array(responses.timepoint.length).fill(-1);
  for (let r = 0; r < personOf.length; r++) {
    const person = responses.person[r]!;
    if (query.cohortId && read.cohortId[person] !== query.cohortId) continue;
    personOf[r] = placeOfPerson[person]!;
  }
  const n = people.participantId.length;
  people.choices.length = n;
  const timepoints = scope.timepoints;
  const answered = timepoints.map(() => new Uint8Array(n));
  const measureColumn = sources.map((s) => responses.scores[scorer.measures.indexOf(s.measure.id)]!);
  // Measures nobody has a score on share one column of NaN (MeasureScores only reads them): fresh
  // columns of 100,000 for each measure and timepoint were page faults for nothing.
  let none: Float64Array | undefined;
  const columns = measureColumn.map((column) =>
    column.some((score) => !Number.isNaN(score))
      ? timepoints.map(() => new Float64Array(n).fill(NaN))
      : timepoints.map(() => (none ??= new Float64Array(n).fill(NaN))),
  );
  const scored = columns.flatMap((_, m) => (columns[m]![0] === none ? [] : [m]));
  for (let r = 0; r < personOf.length; r++) {
    const p = personOf[r]!;
    if (p < 0) continue;
    const t = responses.timepoint[r]!;
    answered[t]![p] = 1;
    for (const m of scored) columns[m]![t]![p] = measureColumn[m]![r]!;
  }
  // Post first, then the earliest timepoint asked: the same answer on every read, so one person
  // cannot appear in one group on one page load and another on the next.
  const order = (t: string) => (t === post ? -1 : scope.timepoints.indexOf(t));
  choices.sort((a, b) => order(b.timepoint) - order(a.timepoint));
  const placeOf = choices.length ? new Map(people.participantId.map((id, p) => [id, p])) : new Map<string, number>();
  for (const response of choices) {
    const p = placeOf.get(response.participantId);
    if (p === undefined) continue;
    for (let i = 0; i < choiceIds.length; i++) {
      const answer = response.texts[i];
      if (answer !== null && answer !== undefined) (people.choices[p] ??= {})[choiceIds[i]!] = answer;
    }
  }
  return new Map(sources.map((s, m) => [s.measure.id, new MeasureScores(people, timepoints, answered, columns[m]!)]));
}

/** The paired scores, pair i being (pre[i], post[i]), and how many have each score. */
type Paired = { pre: number[]; post: number[]; counts: { pre: number; post: number } };

/**
 * The pairs (people with both scores, in the order of `scores`) and how many have each score: what
 * comparePrePost takes from two maps keyed by participant, in one pass without them (a participant
 * appears once in `scores`, so the order and the counts are the same). At 100,000 people the maps
 * were a large part of building each measure's figures.
 */
function pairsOf(scores: readonly ParticipantScores[]): Paired {
  const paired: Paired = { pre: [], post: [], counts: { pre: 0, post: 0 } };
  for (const s of scores) {
    if (s.pre !== null) paired.counts.pre++;
    if (s.post !== null) paired.counts.post++;
    if (s.pre !== null && s.post !== null) {
      paired.pre.push(s.pre);
      paired.post.push(s.post);
    }
  }
  return paired;
}

function comparePairs(measure: Measure, paired: Paired): PairedComparison {
  // The page's one definition of "got better" (improvementDefinition), for every selection and group.
  const definition = improvementDefinition(measure);
  return comparePairedScores(paired.pre, paired.post, {
    meaningfulChange: definition.threshold,
    higherIsBetter: definition.higherIsBetter,
    counts: paired.counts,
  });
}

export function compareScores(measure: Measure, scores: readonly ParticipantScores[]): PairedComparison {
  return comparePairs(measure, pairsOf(scores));
}

/** The CLI's object: the measure and exactly the comparison's twenty figures, unrounded. */
export type ComparisonJson = { measure: string } & PairedComparison;

export async function measureComparison(db: DB, query: ReportQuery): Promise<ComparisonJson> {
  const { source, read } = await measureScores(db, { ...query, choices: false });
  const { pre, post } = selectedTimepoints(query);
  return { measure: source.measure.id, ...comparePairs(source.measure, read.pairs(read.everyone, pre, post)) };
}

export interface SubgroupRow {
  key: string;
  /** Pairs in the group; null when suppressed. */
  comparison: PairedComparison | null;
  suppressed: boolean;
  /** Why a suppressed group is hidden (its own size, or protecting a smaller one); null when shown. */
  hidden: HiddenReason | null;
}

export type SubgroupBy = { kind: "cohort" } | { kind: "language" } | { kind: "item"; itemId: string };

/**
 * Which groups of one breakdown must show no figures (docs/decisions/043-complementary-suppression.md).
 *
 * A group with fewer than 5 pairs is suppressed (primary suppression). Because the page also shows
 * the figures of everyone together, hiding one group alone is undone by subtraction: its pairs,
 * sums and counts are the total minus the groups shown. So the next-smallest groups are suppressed
 * too (complementary suppression) until the suppressed groups are at least two AND hold at least 5
 * pairs between them: all that subtraction can then give is the combined figures of 5 or more
 * people. Counting pairs matters: a group with no pairs (people who answered only once) adds
 * nothing to the pair figures, so it cannot stand in for a second group.
 */
export function suppressedGroups(groups: readonly { key: string; nPairs: number }[], forced: ReadonlySet<string> = new Set()): Set<string> {
  // `forced`: groups hidden for another reason (withheldGroups), which their complements must cover too.
  const suppressed = new Set(groups.filter((g) => g.nPairs < SMALLEST_GROUP || forced.has(g.key)).map((g) => g.key));
  if (suppressed.size === 0) return suppressed;
  // Ties broken by key so the choice does not depend on the order rows were read in.
  const candidates = groups.filter((g) => !suppressed.has(g.key)).sort((a, b) => a.nPairs - b.nPairs || a.key.localeCompare(b.key));
  let pairs = groups.filter((g) => suppressed.has(g.key)).reduce((sum, g) => sum + g.nPairs, 0);
  for (const next of candidates) {
    if (suppressed.size >= 2 && pairs >= SMALLEST_GROUP) break;
    suppressed.add(next.key);
    pairs += next.nPairs;
  }
  return suppressed;
}

function groupKey(s: ParticipantScores, by: SubgroupBy): string {
  return by.kind === "cohort" ? (s.cohortId ?? "") : by.kind === "language" ? s.language : (s.choices[by.itemId] ?? "");
}

/**
 * The comparison within each group, with small groups and their complements suppressed
 * (suppressedGroups): none of a suppressed group's figures leave the server, because with so few
 * people a mean and a count of "improved" can point at someone. Participants without a value (no
 * cohort, question skipped) form the group "".
 */
export function subgroupComparisons(
  measure: Measure,
  scores: readonly ParticipantScores[],
  by: SubgroupBy,
  /** The groups of this breakdown to hide, as withheldGroups decided across breakdowns; default: this breakdown alone. */
  hiddenGroups?: ReadonlySet<string>,
): SubgroupRow[] {
  const groups = new Map<string, ParticipantScores[]>();
  for (const s of scores) {
    const key = groupKey(s, by);
    const list = groups.get(key) ?? [];
    list.push(s);
    groups.set(key, list);
  }
  const rows = [...groups.entries()]
    .sort(([a], [b]) => (a === "" ? 1 : b === "" ? -1 : a.localeCompare(b)))
    .map(([key, members]) => ({ key, comparison: compareScores(measure, members) }));
  const hidden = hiddenGroups ?? suppressedGroups(rows.map((r) => ({ key: r.key, nPairs: r.comparison.n_pairs })));
  return rows.map(({ key, comparison }) =>
    hidden.has(key)
      ? { key, suppressed: true, hidden: hiddenReason(comparison.n_pairs), comparison: null }
      : { key, suppressed: false, hidden: null, comparison },
  );
}

/** A breakdown's name in withheldGroups' result: "cohort", "language" or "item:<item id>". */
export function breakdownId(by: SubgroupBy): string {
  return by.kind === "item" ? `item:${by.itemId}` : by.kind;
}

/** Every breakdown a page may offer for the measure's instrument: cohort, language, each single-choice question. */
export function breakdownsOf(source: MeasureSource): SubgroupBy[] {
  return [
    { kind: "cohort" },
    { kind: "language" },
    ...singleChoiceItems(source.version).map((item) => ({ kind: "item" as const, itemId: item.id })),
  ];
}

/**
 * Which groups of every breakdown must be hidden, decided for all breakdowns together
 * (docs/decisions/043-complementary-suppression.md, "across breakdowns").
 *
 * Within one breakdown, suppressedGroups hides small groups and their complements. Across two
 * breakdowns, a group of one (the Arabic speakers) can sit almost exactly inside a group of the
 * other (the Tuesday group): if their pairs differ by 1 to 4 people, subtracting one row from the
 * other gives those few people's figures. So can what a breakdown hides, taken together: everyone
 * minus the rows shown is the hidden rows' people, and a shown row of another breakdown may differ
 * from them by a few. Each such near-twin is hidden (with its breakdown's complements), and the
 * check runs again until nothing changes: hiding only grows, so it ends, at worst with only the
 * study's own figures shown. What is left to a reader who combines three or more rows is the
 * residual risk 043 names.
 */
export function withheldGroups(
  scores: readonly ParticipantScores[],
  breakdowns: readonly SubgroupBy[],
  /**
   * Sets of people whose figures are shown elsewhere and are not hidden here: the study and each
   * cohort at the other choices of timepoints (otherTimepointCells). A row that nearly matches one
   * is hidden, so a cohort at pre→post cannot be subtracted from the study at pre→mid.
   */
  fixed: readonly ReadonlySet<string>[] = [],
): Map<string, Set<string>> {
  const breakdownCells = breakdowns.map((by) => {
    const groups = new Map<string, Set<string>>();
    for (const s of scores) {
      const key = groupKey(s, by);
      let members = groups.get(key);
      if (!members) groups.set(key, (members = new Set()));
      if (s.pre !== null && s.post !== null) members.add(s.participantId);
    }
    return { id: breakdownId(by), groups };
  });
  const forced = new Map(breakdownCells.map((c) => [c.id, new Set<string>()]));
  const nearTwins = (a: ReadonlySet<string>, b: ReadonlySet<string>) => {
    // Sets whose sizes differ by 5 or more differ by at least that many people.
    if (Math.abs(a.size - b.size) >= SMALLEST_GROUP) return false;
    let differ = 0;
    for (const id of a) if (!b.has(id) && ++differ >= SMALLEST_GROUP) return false;
    for (const id of b) if (!a.has(id) && ++differ >= SMALLEST_GROUP) return false;
    return differ > 0;
  };
  for (;;) {
    const hidden = new Map(
      breakdownCells.map((c) => [
        c.id,
        suppressedGroups(
          [...c.groups].map(([key, members]) => ({ key, nPairs: members.size })),
          forced.get(c.id),
        ),
      ]),
    );
    type Cell = { id: string; key: string | null; members: ReadonlySet<string> };
    const cells: Cell[] = [];
    for (const c of breakdownCells) {
      const hiddenHere = hidden.get(c.id)!;
      const union = new Set<string>();
      for (const [key, members] of c.groups) {
        if (!hiddenHere.has(key)) cells.push({ id: c.id, key, members });
        else for (const id of members) union.add(id);
      }
      // key null: the breakdown's hidden rows together, which the total minus its shown rows gives.
      if (hiddenHere.size > 0) cells.push({ id: c.id, key: null, members: union });
    }
    // Shown elsewhere, never hidden here (id "": no breakdown's rows).
    for (const members of fixed) cells.push({ id: "", key: null, members });
    const smallestShown = (id: string) =>
      cells.filter((c) => c.id === id && c.key !== null).sort((a, b) => a.members.size - b.members.size || a.key!.localeCompare(b.key!))[0];
    let grew = false;
    for (let i = 0; i < cells.length; i++) {
      for (let j = i + 1; j < cells.length; j++) {
        const [a, b] = [cells[i]!, cells[j]!];
        // Rows of one breakdown are disjoint (and apart from their own hidden rows); two fixed
        // sets are the timepoint check's business (timepointsGiveAway).
        if (a.id === b.id || !nearTwins(a.members, b.members)) continue;
        // Hide the shown rows involved; a hidden union is pulled apart from a fixed set or another
        // union by hiding one more row of its breakdown.
        const unions = [a, b].filter((c) => c.key === null && c.id !== "");
        const toHide =
          a.key === null && b.key === null
            ? [smallestShown(unions[0]?.id ?? "") ?? smallestShown(unions[1]?.id ?? "")]
            : [a, b].filter((c) => c.key !== null);
        for (const cell of toHide) {
          if (!cell || forced.get(cell.id)!.has(cell.key!)) continue;
          forced.get(cell.id)!.add(cell.key!);
          grew = true;
        }
      }
    }
    if (!grew) return hidden;
  }
}

export interface MeasureReport {
  measure: Measure;
  instrumentId: string;
  comparison: PairedComparison;
  bands: BandTransitions | null;
  reliableChange: Omit<ReliableChange, "rci"> | null;
  /** Anonymous pairs, ordered by pre then post score: nothing ties a point to a person. */
  pairs: ScorePair[];
}

function reportFromPairs(source: MeasureSource, paired: Paired): MeasureReport {
  const { measure } = source;
  const pairs = orderedPairs(paired.pre, paired.post);
  const rci =
    measure.reliability === undefined
      ? null
      : reliableChange(pairs, { reliability: measure.reliability, higherIsBetter: measure.higher_is_better });
  let reliable: MeasureReport["reliableChange"] = null;
  if (rci) {
    const { rci: _perPair, ...rest } = rci;
    reliable = rest;
  }
  return {
    measure,
    instrumentId: source.instrumentId,
    comparison: comparePairs(measure, paired),
    bands: measure.bands?.length ? bandTransitions(pairs, measure.bands, measure.higher_is_better) : null,
    reliableChange: reliable,
    pairs,
  };
}

/** Exact figures, for analysts (the CLI, tests); pages and chart CSVs use disclosableReport. */
export async function measureReport(db: DB, query: ReportQuery): Promise<{ report: MeasureReport; scores: ParticipantScores[] }> {
  const { source, scores } = await participantScores(db, query);
  return { scores, report: reportFromPairs(source, pairsOf(scores)) };
}

/**
 * Why a selection shows no figures: it has fewer than 5 pairs, or it is a cohort whose figures,
 * taken from the study's, would give away a smaller cohort's (complementary suppression).
 */
export type Withheld = "fewer_than_5" | "protects_smaller_group";

function pairedIds(scores: readonly ParticipantScores[], before: string, after: string): Set<string> {
  const ids = new Set<string>();
  for (const s of scores) if ((s.at[before] ?? null) !== null && (s.at[after] ?? null) !== null) ids.add(s.participantId);
  return ids;
}

/**
 * Whether another choice of timepoints that a page offers pairs almost the same people: if the two
 * sets of pairs differ by 1 to 4 people, the two selections' figures (both have, say, the "pre"
 * mean) subtract to those few people's scores. Both selections are then withheld, since the check
 * is symmetric. Selections with fewer than 5 pairs are never shown and need not be compared.
 */
function timepointsGiveAway(read: MeasureScores, who: Int32Array, pre: string, post: string, offered: readonly string[]): boolean {
  const others = otherChoices(pre, post, offered);
  if (others.length === 0) return false;
  const scores = read.entries(who, pre, post);
  const mine = pairedIds(scores, pre, post);
  for (const [a, b] of others) {
    const other = pairedIds(scores, a, b);
    if (other.size < SMALLEST_GROUP) continue;
    let differ = 0;
    for (const id of mine) if (!other.has(id)) differ++;
    for (const id of other) if (!mine.has(id)) differ++;
    if (differ > 0 && differ < SMALLEST_GROUP) return true;
  }
  return false;
}

/** Every other choice of two timepoints that a page offers: each pair of `offered` but pre and post. */
function otherChoices(pre: string, post: string, offered: readonly string[]): [string, string][] {
  const choices: [string, string][] = [];
  for (let i = 0; i < offered.length; i++) {
    for (let j = i + 1; j < offered.length; j++) {
      const [a, b] = [offered[i]!, offered[j]!];
      if (!((a === pre && b === post) || (a === post && b === pre))) choices.push([a, b]);
    }
  }
  return choices;
}

/**
 * The sets of people whose pairs are shown at the other choices of timepoints the page offers: the
 * study's and each cohort's, with 5 or more pairs. They are fixed cells for withheldGroups.
 */
export function otherTimepointCells(
  scores: readonly ParticipantScores[],
  pre: string,
  post: string,
  offered: readonly string[],
): Set<string>[] {
  const cells: Set<string>[] = [];
  const cohorts = new Map<string, ParticipantScores[]>();
  for (const s of scores) {
    const key = s.cohortId ?? "";
    const list = cohorts.get(key) ?? [];
    list.push(s);
    cohorts.set(key, list);
  }
  for (const [a, b] of otherChoices(pre, post, offered)) {
    for (const group of [scores, ...[...cohorts].filter(([key]) => key !== "").map(([, members]) => members)]) {
      const ids = pairedIds(group, a, b);
      if (ids.size >= SMALLEST_GROUP) cells.push(ids);
    }
  }
  return cells;
}

export interface DisclosableReport {
  source: MeasureSource;
  /** Null when withheld: nothing of the selection may be shown, not even its counts. */
  report: MeasureReport | null;
  withheld: Withheld | null;
  /** Every participant of the study (not only the selected cohort): breakdowns are study-wide. */
  scores: ParticipantScores[];
  /**
   * The groups each breakdown must hide (withheldGroups), by breakdownId; pass to
   * subgroupComparisons. Null when not decided: only a cohort selection or `choices: true` decides.
   */
  hiddenGroups: Map<string, Set<string>> | null;
}

/**
 * The report of a selection (the whole study, or one cohort) as a page or a chart CSV may show it.
 * Selecting a cohort is the cohort breakdown seen one row at a time, so a cohort is shown only when
 * its row of that breakdown is (withheldGroups over every cohort and the people in none, and across
 * the other breakdowns): with cohorts of 20 and 3, showing the 20 would let "all" minus them give
 * the 3 people's scores. Single-choice answers are always read here: every breakdown is checked.
 */
export async function disclosableReport(
  db: DB,
  query: ReportQuery,
  known?: MeasureSource,
  /** Every timepoint the page offers as "before" or "after" (studyTimepoints); default pre and post. */
  offered: readonly string[] = [],
): Promise<DisclosableReport> {
  // The decision across breakdowns needs every breakdown's groups, so the single-choice answers;
  // it is only needed to show a cohort or a breakdown (folding those answers costs as much as the
  // scores did before they were kept, so a page showing neither does not pay for it).
  const { source, read } = await measureScores(db, { ...query, cohortId: null, choices: groupsNeeded(query) }, known, offered);
  return disclosableFromScores(query, source, read, offered);
}

/** Whether showing the selection needs the decision across breakdowns, and so the answers to the questions. */
export function groupsNeeded(query: Pick<ReportQuery, "cohortId" | "choices">): boolean {
  return Boolean(query.cohortId) || query.choices === true;
}

/**
 * disclosableReport from scores already read: every participant of the study on the measure at
 * the offered timepoints (instrumentScores, without a cohort, with the answers to the questions when
 * groupsNeeded).
 */
export function disclosableFromScores(
  query: ReportQuery,
  source: MeasureSource,
  read: MeasureScores,
  offered: readonly string[] = [],
): DisclosableReport {
  const selection = select(query, source, read, offered);
  const { pre, post } = selection;
  const report = reportFromPairs(source, read.pairs(selection.mine, pre, post));
  const withheld = withholding(query, read, selection, report.comparison.n_pairs, offered);
  return {
    source,
    report: withheld ? null : report,
    withheld,
    // Built when read: only a breakdown needs an object per person.
    get scores() {
      return selection.entries();
    },
    hiddenGroups: selection.hiddenGroups,
  };
}

/**
 * Only the comparison of disclosableFromScores, withheld exactly as it would be: a page's line for
 * another measure needs no pairs for charts, bands or reliable change.
 */
export function disclosableComparison(
  query: ReportQuery,
  source: MeasureSource,
  read: MeasureScores,
  offered: readonly string[] = [],
): { comparison: PairedComparison | null; withheld: Withheld | null } {
  const selection = select(query, source, read, offered);
  const comparison = comparePairs(source.measure, read.pairs(selection.mine, selection.pre, selection.post));
  const withheld = withholding(query, read, selection, comparison.n_pairs, offered);
  return withheld ? { comparison: null, withheld } : { comparison, withheld: null };
}

/** Who a selection is about, by their places in the measure's scores (MeasureScores). */
interface Selection {
  pre: string;
  post: string;
  /** Everyone who answered at the selected two timepoints. */
  scores: Int32Array;
  /** Those of the selected cohort, or everyone. */
  mine: Int32Array;
  /** Everyone of the selected cohort (or the study) at any offered timepoint. */
  everyoneInScope: Int32Array;
  hiddenGroups: Map<string, Set<string>> | null;
  /** `scores` as an object per person, built once when first asked for. */
  entries: () => ParticipantScores[];
}

function select(query: ReportQuery, source: MeasureSource, read: MeasureScores, offered: readonly string[]): Selection {
  const { pre, post } = selectedTimepoints(query);
  // Scores at the other offered timepoints are read only for timepointsGiveAway; everything
  // else (groups, counts) is about the people who answered at the selected two, as before.
  const scores = read.answeredAt(pre, post);
  let built: ParticipantScores[] | undefined;
  const entries = () => (built ??= read.entries(scores, pre, post));
  const fixed = () =>
    otherChoices(pre, post, offered).length ? otherTimepointCells(read.entries(read.everyone, pre, post), pre, post, offered) : [];
  const hiddenGroups = groupsNeeded(query) ? withheldGroups(entries(), breakdownsOf(source), fixed()) : null;
  const inCohort = (p: number) => read.people.cohortId[p] === query.cohortId;
  const mine = query.cohortId ? scores.filter(inCohort) : scores;
  const everyoneInScope = query.cohortId ? read.everyone.filter(inCohort) : read.everyone;
  return { pre, post, scores, mine, everyoneInScope, hiddenGroups, entries };
}

function withholding(
  query: ReportQuery,
  read: MeasureScores,
  selection: Selection,
  nPairs: number,
  offered: readonly string[],
): Withheld | null {
  if (nPairs < SMALLEST_GROUP) return "fewer_than_5";
  if (timepointsGiveAway(read, selection.everyoneInScope, selection.pre, selection.post, offered)) return "protects_smaller_group";
  if (query.cohortId && selection.hiddenGroups!.get("cohort")!.has(query.cohortId)) return "protects_smaller_group";
  return null;
}

// ---------------------------------------------------------------------------------------------
// Satisfaction and attendance per cohort

export type SuppressedNumber = { value: number } | { suppressed: true; reason: HiddenReason };

export interface SatisfactionItem {
  itemId: string;
  type: Item["type"];
  answered: SuppressedNumber;
  /** Mean answer for number and scale items; null for choices or when suppressed. */
  mean: number | null;
  /** Answer counts for choice items, each under 5 suppressed. */
  options: { value: string; n: SuppressedNumber }[];
}

export interface CohortSummary {
  cohortId: string;
  attendance: AttendanceSummary | null;
  satisfaction: SatisfactionItem[];
}

/**
 * How many chose each option, with counts of 1 to 4 hidden, and, because "answered" is shown, the
 * next-smallest counts too (suppressedGroups), so that answered minus the shown counts is never one
 * hidden count on its own. A count of 0 is shown: it says nothing about anyone.
 */
function optionCounts(options: readonly string[], values: readonly unknown[]): { value: string; n: SuppressedNumber }[] {
  const counts = options.map((value) => ({ key: value, nPairs: values.filter((v) => v === value).length }));
  const hidden = suppressedGroups(counts.filter((c) => c.nPairs > 0));
  return counts.map((c) => ({
    value: c.key,
    n: hidden.has(c.key) ? { suppressed: true as const, reason: hiddenReason(c.nPairs) } : { value: c.nPairs },
  }));
}

function shareable(n: number): SuppressedNumber {
  return withheldUnlessEmpty(n) ? { suppressed: true, reason: "fewer_than_5" } : { value: n };
}

/**
 * Questions asked only after the programme (sections limited to the post timepoint) that have a
 * number or a choice for an answer: how satisfied people were and how often they came.
 */
export function satisfactionItems(version: PublishedInstrumentVersion, post: string): Item[] {
  return allItems(version.definition)
    .filter(({ section }) => section.timepoints !== undefined && section.timepoints.includes(post) && section.timepoints.length === 1)
    .map(({ item }) => item)
    .filter((item) => ["rating", "scale_0_10", "number", "single_choice", "yes_no"].includes(item.type));
}

export async function cohortSummaries(
  db: DB,
  scope: StudyScope,
  source: MeasureSource,
  post: string = DEFAULT_TIMEPOINTS.post,
): Promise<CohortSummary[]> {
  const items = satisfactionItems(source.version, post);
  const cohorts = await db
    .selectFrom("cohort")
    .select("id")
    .where("study_id", "=", scope.studyId)
    .orderBy("starts_on")
    .orderBy("name")
    .execute();
  // A study without cohorts has no summary to show; with cohorts, only their members' answers are
  // read. At 100,000 people outside any cohort this read was a second of the wellbeing page.
  if (cohorts.length === 0) return [];
  const [responses, attendance] = await Promise.all([
    items.length
      ? analysableResponses(db, {
          ...scope,
          instrumentId: source.instrumentId,
          timepoints: [post],
          itemIds: items.map((i) => i.id),
          inCohort: true,
        })
      : [],
    attendanceSummaries(db, scope),
  ]);
  const byCohort = new Map<string, AnalysableResponse[]>();
  for (const response of responses) {
    if (response.cohortId === null) continue;
    let list = byCohort.get(response.cohortId);
    if (!list) byCohort.set(response.cohortId, (list = []));
    list.push(response);
  }
  return cohorts.map(({ id }) => {
    const mine = byCohort.get(id) ?? [];
    const satisfaction = items.map((item): SatisfactionItem => {
      const values = mine.map((r) => r.answers[item.id]).filter((v) => v !== undefined && v !== null && v !== "");
      const answered = values.length;
      const numeric = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
      const enough = answered >= SMALLEST_GROUP;
      const choices = item.type === "single_choice" ? item.options.map((o) => o.value) : item.type === "yes_no" ? ["yes", "no"] : [];
      return {
        itemId: item.id,
        type: item.type,
        answered: shareable(answered),
        mean: enough && numeric.length > 0 && choices.length === 0 ? numeric.reduce((a, b) => a + b, 0) / numeric.length : null,
        options: enough ? optionCounts(choices, values) : [],
      };
    });
    return { cohortId: id, attendance: attendance.get(id) ?? null, satisfaction };
  });
}
