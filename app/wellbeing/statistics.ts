/**
 * Paired pre/post comparison of a scored measure.
 *
 * Every figure is meant to be reproducible in R: the t-test is `t.test(post, pre, paired = TRUE)`,
 * the signed-rank test is `wilcox.test(post, pre, paired = TRUE)` with R's defaults, and the tests
 * in tests/wellbeing/statistics.test.ts compare each figure with R's output (tests/fixtures/r/).
 * No dependencies: the distribution functions are implemented here.
 */

import { bandOf, type Band } from "./scoring";

export type ParticipantId = string;

export interface ScorePair {
  pre: number;
  post: number;
}

/**
 * The pairs ordered by pre then post score. Scores on a short scale take few values: then the pairs
 * are counted per (pre, post) cell and written out cell by cell, in linear time; a comparator sort
 * of 100,000 objects was the largest part of a measure's report. Equal pairs are equal values, so
 * the order is the comparator sort's exactly; with many distinct values that sort is used.
 */
export function orderedPairs(pre: readonly number[], post: readonly number[]): ScorePair[] {
  const n = pre.length;
  const preValues = Float64Array.from(new Set(pre)).sort();
  const postValues = Float64Array.from(new Set(post)).sort();
  const cells = preValues.length * postValues.length;
  if (cells > 4 * n + 1024) {
    return pre.map((value, i): ScorePair => ({ pre: value, post: post[i]! })).sort((a, b) => a.pre - b.pre || a.post - b.post);
  }
  const preRank = new Map<number, number>();
  preValues.forEach((value, i) => preRank.set(value, i));
  const postRank = new Map<number, number>();
  postValues.forEach((value, i) => postRank.set(value, i));
  const counts = new Int32Array(cells);
  for (let i = 0; i < n; i++) counts[preRank.get(pre[i]!)! * postValues.length + postRank.get(post[i]!)!]!++;
  const pairs = new Array<ScorePair>(n);
  let k = 0;
  for (let cell = 0; cell < cells; cell++) {
    const count = counts[cell]!;
    if (count === 0) continue;
    const value = { pre: preValues[Math.floor(cell / postValues.length)]!, post: postValues[cell % postValues.length]! };
    for (let c = 0; c < count; c++) pairs[k++] = { ...value };
  }
  return pairs;
}

export interface PairedComparisonOptions {
  /**
   * Smallest change, in either direction, that counts as improvement or worsening. When absent
   * (or 0), any change in the better direction counts as improved and any in the worse as worsened.
   */
  meaningfulChange?: number | null;
  /** Direction of benefit; defaults to true (as for WHO-5). UCLA loneliness, for one, is false. */
  higherIsBetter?: boolean;
  /**
   * Participants with a pre score and with a post score, paired or not. comparePaired only sees
   * pairs, so without these both counts equal the number of pairs.
   */
  counts?: { pre: number; post: number };
}

/** The summary of a paired comparison: the key names are the export's column names. */
export interface PairedComparison {
  n_pre: number;
  n_post: number;
  n_pairs: number;
  mean_pre: number | null;
  mean_post: number | null;
  sd_pre: number | null;
  sd_post: number | null;
  mean_change: number | null;
  ci95_low: number | null;
  ci95_high: number | null;
  t: number | null;
  df: number | null;
  p_t: number | null;
  wilcoxon_v: number | null;
  p_wilcoxon: number | null;
  wilcoxon_exact: boolean | null;
  d_z: number | null;
  improved: number;
  unchanged: number;
  worsened: number;
}

/**
 * Compares post with pre scores of the same participants.
 *
 * mean_pre, sd_pre, mean_post and sd_post are computed over the paired participants only, not over
 * everyone with a pre (or post) score: the change, its test and its effect size are about the
 * paired sample, and describing a different sample beside them would mislead when people drop out.
 */
export function comparePaired(pairs: readonly ScorePair[], options: PairedComparisonOptions = {}): PairedComparison {
  return comparePairedScores(
    pairs.map((p) => p.pre),
    pairs.map((p) => p.post),
    options,
  );
}

/**
 * comparePaired of the pairs (pre[i], post[i]): a report of 100,000 pairs on each of seven measures
 * spent more on building and taking apart an object per pair than on the figures.
 */
export function comparePairedScores(
  pre: readonly number[],
  post: readonly number[],
  options: PairedComparisonOptions = {},
): PairedComparison {
  const n = pre.length;
  const change = pre.map((before, i) => post[i]! - before);
  for (const values of [pre, post]) {
    for (const value of values) if (!Number.isFinite(value)) throw new RangeError(`Scores must be finite numbers, got ${value}`);
  }

  const meanChange = n >= 1 ? mean(change) : null;
  const sdChange = n >= 2 ? sampleSd(change) : null;
  const tTest = pairedTTest(change);
  const signedRank = n >= 1 ? wilcoxonSignedRank(change) : null;
  const direction = classifyChanges(change, options);

  return {
    n_pre: options.counts?.pre ?? n,
    n_post: options.counts?.post ?? n,
    n_pairs: n,
    mean_pre: n >= 1 ? mean(pre) : null,
    mean_post: n >= 1 ? mean(post) : null,
    sd_pre: n >= 2 ? sampleSd(pre) : null,
    sd_post: n >= 2 ? sampleSd(post) : null,
    mean_change: meanChange,
    ci95_low: tTest?.ci95_low ?? null,
    ci95_high: tTest?.ci95_high ?? null,
    t: tTest?.t ?? null,
    df: tTest?.df ?? null,
    p_t: tTest?.p ?? null,
    wilcoxon_v: signedRank?.v ?? null,
    p_wilcoxon: signedRank?.p ?? null,
    wilcoxon_exact: signedRank?.exact ?? null,
    d_z: meanChange !== null && sdChange !== null && sdChange > 0 ? meanChange / sdChange : null,
    ...direction,
  };
}

/** Pairs participants present at both timepoints, in the order of the pre scores. */
export function pairScores(pre: ReadonlyMap<ParticipantId, number>, post: ReadonlyMap<ParticipantId, number>): ScorePair[] {
  const pairs: ScorePair[] = [];
  for (const [participant, preScore] of pre) {
    const postScore = post.get(participant);
    if (postScore !== undefined) pairs.push({ pre: preScore, post: postScore });
  }
  return pairs;
}

/**
 * Compares scores keyed by participant: n_pre and n_post count everyone with a score at that
 * timepoint, every other figure uses the participants with both.
 */
export function comparePrePost(
  scores: { pre: ReadonlyMap<ParticipantId, number>; post: ReadonlyMap<ParticipantId, number> },
  options: Omit<PairedComparisonOptions, "counts"> = {},
): PairedComparison {
  return comparePaired(pairScores(scores.pre, scores.post), {
    ...options,
    counts: { pre: scores.pre.size, post: scores.post.size },
  });
}

function classifyChanges(
  change: readonly number[],
  options: PairedComparisonOptions,
): { improved: number; unchanged: number; worsened: number } {
  return countImprovement(change, { threshold: options.meaningfulChange ?? 0, higherIsBetter: options.higherIsBetter ?? true });
}

/**
 * What "got better" means for one measure: the ONE definition behind every "got better" count the
 * wellbeing page, its subgroups and its exports show (issue 14 item 8; before, the page also
 * called the pairs chart's "scored higher", the band moves and the reliable change "better", three
 * different counts for one measure). It is the measure's own published meaningful change when its
 * definition has one (a change of at least that many points in the better direction), otherwise any
 * change in the better direction. Band moves and the reliable change index are still shown, in
 * neutral words ("moved to a higher band", "rose by more than"), never as "better".
 */
export interface ImprovementDefinition {
  /** Points of change in the better direction that count; 0 means any change at all. */
  threshold: number;
  higherIsBetter: boolean;
}

export function improvementDefinition(measure: { meaningful_change?: number | null; higher_is_better?: boolean }): ImprovementDefinition {
  return { threshold: measure.meaningful_change ?? 0, higherIsBetter: measure.higher_is_better ?? true };
}

/** Counts by improvementDefinition: the only place a change is called better, worse or neither. */
export function countImprovement(
  change: readonly number[],
  definition: ImprovementDefinition,
): { improved: number; unchanged: number; worsened: number } {
  const { threshold, higherIsBetter } = definition;
  if (!Number.isFinite(threshold) || threshold < 0) {
    throw new RangeError(`meaningfulChange must be a non-negative number, got ${threshold}`);
  }
  let improved = 0;
  let worsened = 0;
  for (const d of change) {
    const benefit = higherIsBetter ? d : -d;
    // With no threshold a zero change must count as unchanged, hence strict comparisons there.
    if (threshold === 0 ? benefit > 0 : benefit >= threshold) improved++;
    else if (threshold === 0 ? benefit < 0 : benefit <= -threshold) worsened++;
  }
  return { improved, unchanged: change.length - improved - worsened, worsened };
}

// ---------------------------------------------------------------------------------------------
// Band transitions and the reliable change index

export interface BandTransitions {
  /** Every from → to combination in band order, zeros included, so a table can be drawn as is. */
  transitions: Array<{ from: string; to: string; n: number }>;
  improved: number;
  unchanged: number;
  worsened: number;
  /** Pairs with a score outside every band (possible only when the last band has a max). */
  unclassified: number;
}

export function bandTransitions(pairs: readonly ScorePair[], bands: readonly Band[], higherIsBetter = true): BandTransitions {
  const index = new Map(bands.map((band, i) => [band.id, i]));
  const counts = bands.map(() => bands.map(() => 0));
  let up = 0;
  let down = 0;
  let same = 0;
  let unclassified = 0;
  for (const pair of pairs) {
    const from = bandIndex(bands, index, pair.pre);
    const to = bandIndex(bands, index, pair.post);
    if (from === null || to === null) {
      unclassified++;
      continue;
    }
    const row = counts[from];
    if (row) row[to] = (row[to] ?? 0) + 1;
    if (to > from) up++;
    else if (to < from) down++;
    else same++;
  }
  const transitions: BandTransitions["transitions"] = [];
  bands.forEach((from, i) => bands.forEach((to, j) => transitions.push({ from: from.id, to: to.id, n: counts[i]?.[j] ?? 0 })));
  // Bands ascend with the score, so moving up a band is better exactly when higher is better.
  return {
    transitions,
    improved: higherIsBetter ? up : down,
    unchanged: same,
    worsened: higherIsBetter ? down : up,
    unclassified,
  };
}

function bandIndex(bands: readonly Band[], index: Map<string, number>, score: number): number | null {
  const band = bandOf({ bands }, score);
  return band === null ? null : (index.get(band.id) ?? null);
}

export interface ReliableChangeOptions {
  /** Test–retest or internal-consistency reliability of the measure, in [0, 1). */
  reliability: number;
  /**
   * SD of pre scores for the standard error of measurement. Jacobson & Truax used a normative
   * (published) SD where one exists; when absent, the SD of the paired pre scores is used.
   */
  sdPre?: number | null;
  higherIsBetter?: boolean;
}

export interface ReliableChange {
  sd_pre: number;
  standard_error: number;
  /** Standard error of the difference between two scores: √2 · SE. */
  s_diff: number;
  /** Smallest change that is reliable: 1.96 · s_diff. */
  reliable_change_threshold: number;
  /** One index per pair, in pair order. */
  rci: number[];
  reliably_improved: number;
  no_reliable_change: number;
  reliably_deteriorated: number;
}

/** Jacobson & Truax (1991): RCI = change / (√2 · SD_pre · √(1 − reliability)); reliable if |RCI| > 1.96. */
export function reliableChange(pairs: readonly ScorePair[], options: ReliableChangeOptions): ReliableChange | null {
  const { reliability } = options;
  if (!(reliability >= 0 && reliability < 1)) {
    throw new RangeError(`reliability must be in [0, 1), got ${reliability}`);
  }
  const sdPre = options.sdPre ?? (pairs.length >= 2 ? sampleSd(pairs.map((p) => p.pre)) : null);
  if (sdPre === null || !(sdPre > 0)) return null;
  const standardError = sdPre * Math.sqrt(1 - reliability);
  const sDiff = Math.SQRT2 * standardError;
  const higherIsBetter = options.higherIsBetter ?? true;
  const rci = pairs.map((p) => (p.post - p.pre) / sDiff);
  let improved = 0;
  let deteriorated = 0;
  for (const index of rci) {
    const benefit = higherIsBetter ? index : -index;
    if (benefit > 1.96) improved++;
    else if (benefit < -1.96) deteriorated++;
  }
  return {
    sd_pre: sdPre,
    standard_error: standardError,
    s_diff: sDiff,
    reliable_change_threshold: 1.96 * sDiff,
    rci,
    reliably_improved: improved,
    no_reliable_change: rci.length - improved - deteriorated,
    reliably_deteriorated: deteriorated,
  };
}

/** What a scored measure's definition says about interpreting change (see docs/instrument-format.md). */
export interface MeasureChangeDefinition {
  meaningful_change?: number;
  higher_is_better?: boolean;
  reliability?: number;
  bands?: readonly Band[];
}

/** The full pre/post comparison of one measure, driven by its definition. */
export function compareMeasure(
  measure: MeasureChangeDefinition,
  scores: { pre: ReadonlyMap<ParticipantId, number>; post: ReadonlyMap<ParticipantId, number> },
): { comparison: PairedComparison; bands: BandTransitions | null; reliable_change: ReliableChange | null } {
  const higherIsBetter = measure.higher_is_better ?? true;
  const pairs = pairScores(scores.pre, scores.post);
  return {
    comparison: comparePrePost(scores, {
      meaningfulChange: measure.meaningful_change ?? null,
      higherIsBetter,
    }),
    bands: measure.bands?.length ? bandTransitions(pairs, measure.bands, higherIsBetter) : null,
    reliable_change: measure.reliability === undefined ? null : reliableChange(pairs, { reliability: measure.reliability, higherIsBetter }),
  };
}

// ---------------------------------------------------------------------------------------------
// Tests

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Sample SD (denominator n − 1), two-pass for accuracy. */
function sampleSd(values: readonly number[]): number {
  const m = mean(values);
  let squares = 0;
  for (const v of values) squares += (v - m) * (v - m);
  return Math.sqrt(squares / (values.length - 1));
}

interface TTestResult {
  t: number;
  df: number;
  p: number;
  ci95_low: number;
  ci95_high: number;
}

/**
 * One-sample t-test of the differences against 0. Null with fewer than 2 differences or when they
 * are all equal: the standard error is then 0 and the test is undefined (R refuses too).
 */
function pairedTTest(change: readonly number[]): TTestResult | null {
  const n = change.length;
  if (n < 2) return null;
  const m = mean(change);
  const standardError = sampleSd(change) / Math.sqrt(n);
  if (!(standardError > 0)) return null;
  const df = n - 1;
  const t = m / standardError;
  const half = studentTQuantile(0.975, df) * standardError;
  return { t, df, p: studentTTwoSidedP(t, df), ci95_low: m - half, ci95_high: m + half };
}

interface SignedRankResult {
  v: number;
  p: number | null;
  exact: boolean;
}

/**
 * Wilcoxon signed-rank test as R's wilcox.test(post, pre, paired = TRUE) with its defaults: zero
 * differences are dropped; the exact distribution is used only when fewer than 50 differences
 * remain, none of their absolute values tie, and none were zero; otherwise the normal approximation
 * with tie and continuity corrections.
 */
function wilcoxonSignedRank(change: readonly number[]): SignedRankResult {
  let hadZeros = false;
  let n = 0;
  let nPositive = 0;
  for (const d of change) {
    if (d === 0) hadZeros = true;
    else {
      n++;
      if (d > 0) nPositive++;
    }
  }
  // Ranks (R's rank(ties.method = "average")) of the differences' sizes, from two numeric sorts
  // rather than a sort of indices by a comparator (several times slower at 100,000 pairs): each
  // group of equal sizes has one average rank, and V adds it once for each positive difference of
  // that size. Every rank is a multiple of a half, so V is the same exact sum in any order.
  const sizes = new Float64Array(n);
  const positives = new Float64Array(nPositive);
  let i = 0;
  let j = 0;
  for (const d of change) {
    if (d === 0) continue;
    sizes[i++] = Math.abs(d);
    if (d > 0) positives[j++] = d;
  }
  sizes.sort();
  positives.sort();
  let v = 0;
  let tieTerm = 0;
  let hasTies = false;
  let positive = 0;
  for (let start = 0; start < n;) {
    let end = start;
    while (end + 1 < n && sizes[end + 1] === sizes[start]) end++;
    const rank = (start + end + 2) / 2;
    const size = end - start + 1;
    if (size > 1) hasTies = true;
    tieTerm += size ** 3 - size;
    let ofThisSize = 0;
    while (positive < nPositive && positives[positive] === sizes[start]) {
      positive++;
      ofThisSize++;
    }
    v += rank * ofThisSize;
    start = end + 1;
  }
  const expected = (n * (n + 1)) / 4;

  if (n < 50 && !hasTies && !hadZeros) {
    const p = v > expected ? signedRankUpperTail(v, n) : signedRankCdf(v, n);
    return { v, p: Math.min(2 * p, 1), exact: true };
  }

  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48);
  const centred = v - expected;
  const z = (centred - Math.sign(centred) * 0.5) / sigma;
  // sigma is 0 when nothing is left to rank (all differences zero): R's p is then NaN.
  const p = Number.isFinite(z) ? 2 * normalCdf(-Math.abs(z)) : null;
  return { v, p, exact: false };
}

// ---------------------------------------------------------------------------------------------
// Distributions

/**
 * Number of subsets of {1..n} with each possible sum, i.e. the null distribution of V times 2^n.
 * Counts stay below 2^50 for n < 50, so doubles hold them exactly.
 */
function signedRankCounts(n: number): number[] {
  const maxSum = (n * (n + 1)) / 2;
  const counts = new Array<number>(maxSum + 1).fill(0);
  counts[0] = 1;
  for (let k = 1; k <= n; k++) {
    for (let s = (k * (k + 1)) / 2; s >= k; s--) counts[s] = (counts[s] ?? 0) + (counts[s - k] ?? 0);
  }
  return counts;
}

/** P(V ≤ v) under the null for n non-zero differences (R's psignrank(v, n)). */
export function signedRankCdf(v: number, n: number): number {
  const counts = signedRankCounts(n);
  let total = 0;
  for (let s = 0; s <= Math.floor(v + 1e-7) && s < counts.length; s++) total += counts[s] ?? 0;
  return total / 2 ** n;
}

/** P(V ≥ v), summed directly rather than as 1 − CDF so small tails keep their precision. */
function signedRankUpperTail(v: number, n: number): number {
  const counts = signedRankCounts(n);
  let total = 0;
  for (let s = Math.max(0, Math.ceil(v - 1e-7)); s < counts.length; s++) total += counts[s] ?? 0;
  return total / 2 ** n;
}

/**
 * Standard normal CDF by W. J. Cody's rational Chebyshev approximations (Math. Comp. 1969), the
 * algorithm behind R's pnorm, so tail probabilities agree with R to near machine precision.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const y = Math.abs(x);
  if (y <= 0.67448975) {
    const xsq = x * x;
    const a = [2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582, 18154.981253343561249];
    const b = [47.20258190468824187, 976.09855173777669322, 10260.932208618978205, 45507.789335026729956];
    let num = 0.065682337918207449113 * xsq;
    let den = xsq;
    for (let i = 0; i < 3; i++) {
      num = (num + (a[i] ?? 0)) * xsq;
      den = (den + (b[i] ?? 0)) * xsq;
    }
    return 0.5 + (x * (num + (a[3] ?? 0))) / (den + (b[3] ?? 0));
  }
  let tail: number;
  if (y <= Math.sqrt(32)) {
    const c = [
      0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979, 597.27027639480026226, 2494.5375852903726711,
      6848.1904505362823326, 11602.651437647350124, 9842.7148383839780218,
    ];
    const d = [
      22.266688044328115691, 235.38790178262499861, 1519.377599407554805, 6485.558298266760755, 18615.571640885098091,
      34900.952721145977266, 38912.003286093271411, 19685.429676859990727,
    ];
    let num = 1.0765576773720192317e-8 * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + (c[i] ?? 0)) * y;
      den = (den + (d[i] ?? 0)) * y;
    }
    tail = gaussianFactor(y) * ((num + (c[7] ?? 0)) / (den + (d[7] ?? 0)));
  } else if (y < 38.4674) {
    const p = [0.21589853405795699, 0.1274011611602473639, 0.022235277870649807, 0.001421619193227893466, 2.9112874951168792e-5];
    const q = [1.28426009614491121, 0.468238212480865118, 0.0659881378689285515, 0.00378239633202758244, 7.29751555083966205e-5];
    const xsq = 1 / (y * y);
    let num = 0.02307344176494017303 * xsq;
    let den = xsq;
    for (let i = 0; i < 4; i++) {
      num = (num + (p[i] ?? 0)) * xsq;
      den = (den + (q[i] ?? 0)) * xsq;
    }
    const ratio = (xsq * (num + (p[4] ?? 0))) / (den + (q[4] ?? 0));
    tail = (gaussianFactor(y) * (1 / Math.sqrt(2 * Math.PI) - ratio)) / y;
  } else {
    tail = 0;
  }
  return x > 0 ? 1 - tail : tail;
}

/** exp(−y²/2), split as Cody does so the rounding of y² does not cost relative accuracy in the tail. */
function gaussianFactor(y: number): number {
  const rounded = Math.trunc(y * 16) / 16;
  const del = (y - rounded) * (y + rounded);
  return Math.exp(-rounded * rounded * 0.5) * Math.exp(-del * 0.5);
}

/** P(T ≤ t) for Student's t with df degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const half = studentTTwoSidedP(t, df) / 2;
  return t > 0 ? 1 - half : half;
}

/** P(|T| ≥ |t|) = I_{df/(df+t²)}(df/2, 1/2). */
export function studentTTwoSidedP(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`df must be positive, got ${df}`);
  const t2 = t * t;
  // Both x and 1 − x are formed directly, so neither loses digits to cancellation.
  return regularizedIncompleteBeta(df / 2, 0.5, df / (df + t2), t2 / (df + t2));
}

/** The t quantile by bisection on the CDF, which is monotone, so it cannot fail to converge. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`p must be in (0, 1), got ${p}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  const target = 2 * (1 - p);
  let low = 0;
  let high = 1;
  while (studentTTwoSidedP(high, df) > target) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-15 * high; i++) {
    const mid = (low + high) / 2;
    if (studentTTwoSidedP(mid, df) > target) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/**
 * Regularized incomplete beta I_x(a, b), with y = 1 − x supplied by the caller. Continued fraction
 * evaluated by the modified Lentz method (Numerical Recipes §6.4), on whichever of I_x(a, b) and
 * 1 − I_y(b, a) converges quickly.
 */
export function regularizedIncompleteBeta(a: number, b: number, x: number, y: number = 1 - x): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const front = Math.exp(a * Math.log(x) + b * Math.log(y) - logBeta(a, b));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, y)) / b;
}

function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  const epsilon = 1e-16;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = (qap - qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < epsilon) return h;
  }
  throw new Error(`Incomplete beta continued fraction did not converge (a=${a}, b=${b}, x=${x})`);
}

function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(z) for z > 0 by the Lanczos approximation (g = 7, n = 9), relative error near 1e-15. */
export function logGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  const zm1 = z - 1;
  let series = LANCZOS[0] ?? 0;
  for (let i = 1; i < LANCZOS.length; i++) series += (LANCZOS[i] ?? 0) / (zm1 + i);
  const t = zm1 + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (zm1 + 0.5) * Math.log(t) - t + Math.log(series);
}
