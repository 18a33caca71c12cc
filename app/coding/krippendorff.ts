/**
 * Krippendorff's alpha for nominal data, and its bootstrap interval as Hayes and Krippendorff's
 * KALPHA computes it (Hayes & Krippendorff 2007; Krippendorff 2016, "Bootstrapping distributions for
 * Krippendorff's alpha"). Pure and seeded: the same data, resamples and seed give the same interval
 * on every machine (docs/decisions/070-agreement-figures.md).
 *
 * Alpha is checked against R in tests/coding/agreement.test.ts and, from the decisions CSV, in
 * tests/coding/agreement-cli.test.ts; the bootstrap against a pair-by-pair R implementation there too.
 */

export type CodeValue = string | number | boolean;
/** null or undefined: this coder did not code this unit (missing, not "theme absent"). */
export type Coding = CodeValue | null | undefined;

export function isCoded(value: Coding): value is CodeValue {
  return value !== null && value !== undefined;
}

/**
 * Krippendorff's alpha for nominal data from the coincidence matrix (Krippendorff 2011, "Computing
 * Krippendorff's Alpha-Reliability"). `units` holds one array per unit, one entry per coder; missing
 * codings are allowed. Units with fewer than two codings are not pairable and are left out. Null
 * when expected disagreement is 0: every pairable value is the same category, or nothing is pairable.
 */
export function krippendorffAlphaNominal(units: ReadonlyArray<ReadonlyArray<Coding>>): number | null {
  const totals = new Map<CodeValue, number>(); // n_c: pairable values per category
  let observedDisagreement = 0; // Σ_{c≠k} o_ck
  for (const unit of units) {
    const values = unit.filter(isCoded);
    const m = values.length;
    if (m < 2) continue;
    const counts = new Map<CodeValue, number>();
    for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
    let sameCategoryPairs = 0;
    for (const [category, count] of counts) {
      totals.set(category, (totals.get(category) ?? 0) + count);
      sameCategoryPairs += count * count;
    }
    // Ordered pairs of values from different coders in different categories, each unit weighted 1/(m − 1).
    observedDisagreement += (m * m - sameCategoryPairs) / (m - 1);
  }
  let n = 0;
  let sumOfSquares = 0;
  for (const count of totals.values()) {
    n += count;
    sumOfSquares += count * count;
  }
  const expectedPairs = n * n - sumOfSquares;
  if (expectedPairs === 0) return null;
  return 1 - ((n - 1) * observedDisagreement) / expectedPairs;
}

/** How many resamples, and the seed, unless the caller chooses: stated wherever an interval is shown. */
export const DEFAULT_RESAMPLES = 10_000;
export const DEFAULT_SEED = 1;
export const MAX_SEED = 0xffffffff;

export interface AlphaInterval {
  /** The 2.5th and 97.5th percentiles of the bootstrapped alphas (R's quantile type 7). */
  low: number;
  high: number;
  resamples: number;
  seed: number;
}

/**
 * A 32-bit seeded generator (mulberry32): uniform in [0, 1). Chosen for being short enough to check
 * by eye and identical on every JavaScript engine, not for cryptographic strength.
 */
export function seededRandom(seed: number): () => number {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) throw new RangeError("The seed must be a whole number from 0 to 4294967295");
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7): about 15 significant digits. */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * A draw from Binomial(n, p) by inversion: from 0 when the mean is small, otherwise outward from the
 * mode, so each draw costs about one standard deviation of steps whatever n is. Exact up to
 * floating point: any fixed order of the outcomes inverted against one uniform gives the law.
 */
export function binomial(n: number, p: number, random: () => number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(n, 1 - p, random);
  const q = 1 - p;
  let u = random();
  if (n * p < 30) {
    let k = 0;
    let f = Math.exp(n * Math.log(q));
    while (u > f && k < n) {
      u -= f;
      f *= ((n - k) / (k + 1)) * (p / q);
      k++;
    }
    return k;
  }
  const mode = Math.floor((n + 1) * p);
  const fMode = Math.exp(lnGamma(n + 1) - lnGamma(mode + 1) - lnGamma(n - mode + 1) + mode * Math.log(p) + (n - mode) * Math.log(q));
  u -= fMode;
  if (u <= 0) return mode;
  let low = mode;
  let high = mode;
  let fLow = fMode;
  let fHigh = fMode;
  while (low > 0 || high < n) {
    if (low > 0) {
      fLow *= (low / (n - low + 1)) * (q / p);
      low--;
      u -= fLow;
      if (u <= 0) return low;
    }
    if (high < n) {
      fHigh *= ((n - high) / (high + 1)) * (p / q);
      high++;
      u -= fHigh;
      if (u <= 0) return high;
    }
  }
  return mode; // rounding left a sliver of probability unassigned: the likeliest value takes it
}

/** R's default quantile (type 7) of sorted values. */
export function quantileType7(sorted: readonly number[], probability: number): number {
  const h = (sorted.length - 1) * probability;
  const below = Math.floor(h);
  const a = sorted[below]!;
  const b = sorted[Math.min(below + 1, sorted.length - 1)]!;
  return a + (h - below) * (b - a);
}

/**
 * Bootstrapped alphas by Krippendorff's algorithm (the one KALPHA uses): the expected disagreement
 * D_e stays that of the data; each resample draws, for every pairable unit u with m_u values,
 * m_u(m_u − 1)/2 pairs of values at random (with replacement) from all the pairs of values that
 * different coders gave to the same unit, and each drawn pair adds 2·δ²/(n·D_e·(m_u − 1)) to the
 * resample's 1 − α. Nominal δ² is 0 or 1, so a resample depends only on how many of the pairs drawn
 * for units of each size disagree: a binomial count, drawn here as such, which is the same
 * distribution as drawing the pairs one by one and keeps 10,000 resamples of a large study fast.
 * A resample below −1 counts as −1.
 *
 * Null when alpha itself is undefined (no pairable value, or no variation).
 */
export function bootstrapAlphasNominal(
  units: ReadonlyArray<ReadonlyArray<Coding>>,
  options: { resamples?: number; seed?: number } = {},
): number[] | null {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError("The number of resamples must be a whole number above 0");
  const totals = new Map<CodeValue, number>();
  const pairsBySize = new Map<number, number>(); // m_u → pairs drawn for units of that size
  let pairs = 0;
  let disagreeingPairs = 0;
  for (const unit of units) {
    const values = unit.filter(isCoded);
    const m = values.length;
    if (m < 2) continue;
    for (const value of values) totals.set(value, (totals.get(value) ?? 0) + 1);
    for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) if (values[i] !== values[j]) disagreeingPairs++;
    const unitPairs = (m * (m - 1)) / 2;
    pairs += unitPairs;
    pairsBySize.set(m, (pairsBySize.get(m) ?? 0) + unitPairs);
  }
  let n = 0;
  let sumOfSquares = 0;
  for (const count of totals.values()) {
    n += count;
    sumOfSquares += count * count;
  }
  if (n * n - sumOfSquares === 0) return null;
  const expectedDisagreement = (n * n - sumOfSquares) / (n * (n - 1));
  const p = disagreeingPairs / pairs;
  const random = seededRandom(options.seed ?? DEFAULT_SEED);
  const sizes = [...pairsBySize.entries()].sort((a, b) => a[0] - b[0]);
  const alphas: number[] = new Array<number>(resamples);
  for (let r = 0; r < resamples; r++) {
    let deviation = 0;
    for (const [m, drawn] of sizes) deviation += (2 * binomial(drawn, p, random)) / (n * expectedDisagreement * (m - 1));
    // Only few disagreements against a high chance of agreement can take a resample below −1; it
    // counts as −1, the scale's floor (ADR 070; the R package icr leaves such resamples out instead).
    alphas[r] = Math.max(-1, 1 - deviation);
  }
  return alphas;
}

/** The 95 % bootstrap interval for nominal alpha (see bootstrapAlphasNominal); null when alpha is undefined. */
export function alphaInterval(
  units: ReadonlyArray<ReadonlyArray<Coding>>,
  options: { resamples?: number; seed?: number } = {},
): AlphaInterval | null {
  const alphas = bootstrapAlphasNominal(units, options);
  if (!alphas) return null;
  const sorted = [...alphas].sort((a, b) => a - b);
  return {
    low: quantileType7(sorted, 0.025),
    high: quantileType7(sorted, 0.975),
    resamples: alphas.length,
    seed: options.seed ?? DEFAULT_SEED,
  };
}
