/**
 * The wellbeing page's pairs, chart points, change bars and Wilcoxon V at 100,000 people are built
 * by counting rather than by comparator sorts (docs/decisions/080-kept-scores-on-the-response.md).
 * They must be exactly what the plain definitions give: the same pairs in the same order, the same
 * points and bars, the same V, on scales with few values (WHO-5) and with many (prorated means).
 */
import { describe, expect, it } from "vitest";
import { changeBins, pairPoints } from "../../app/wellbeing/chart-data";
import { comparePaired, orderedPairs, type ScorePair } from "../../app/wellbeing/statistics";

/** A repeatable stream of numbers in [0, 1). */
function randomStream(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** n pairs: WHO-5 scores (0-100 in steps of 4) or, with `fine`, scores to two decimals. */
function samplePairs(n: number, seed: number, fine = false): { pre: number[]; post: number[] } {
  const random = randomStream(seed);
  const score = () => (fine ? Math.round(random() * 10_000) / 100 : Math.floor(random() * 26) * 4);
  const pre = Array.from({ length: n }, score);
  const post = pre.map((p) => (random() < 0.2 ? p : score()));
  return { pre, post };
}

const sortedByComparator = (pre: readonly number[], post: readonly number[]): ScorePair[] =>
  pre.map((value, i) => ({ pre: value, post: post[i]! })).sort((a, b) => a.pre - b.pre || a.post - b.post);

/** Wilcoxon's V by the textbook: average ranks of |d| over non-zero d, summed where d > 0. */
function referenceV(pairs: readonly ScorePair[]): number {
  const d = pairs.map((p) => p.post - p.pre).filter((x) => x !== 0);
  const sizes = d.map(Math.abs);
  let v = 0;
  d.forEach((x, i) => {
    if (x <= 0) return;
    const below = sizes.filter((s) => s < sizes[i]!).length;
    const equal = sizes.filter((s) => s === sizes[i]!).length;
    v += below + (equal + 1) / 2;
  });
  return v;
}

describe("pairs ordered by pre then post score", () => {
  it("on a short scale (counted per cell) come out exactly as a sort puts them", () => {
    const { pre, post } = samplePairs(5_000, 7);
    expect(orderedPairs(pre, post)).toEqual(sortedByComparator(pre, post));
  });

  it("with many distinct scores (sorted) come out exactly as a sort puts them", () => {
    const { pre, post } = samplePairs(5_000, 11, true);
    expect(orderedPairs(pre, post)).toEqual(sortedByComparator(pre, post));
  });

  it("keep negative and fractional scores, and nothing comes from nothing", () => {
    expect(orderedPairs([2.5, -1, 2.5, -1], [0, 3, -0.5, 3])).toEqual([
      { pre: -1, post: 3 },
      { pre: -1, post: 3 },
      { pre: 2.5, post: -0.5 },
      { pre: 2.5, post: 0 },
    ]);
    expect(orderedPairs([], [])).toEqual([]);
  });
});

describe("chart points and change bars", () => {
  it("points: one per distinct pair with its count, the same from ordered or shuffled pairs", () => {
    const { pre, post } = samplePairs(3_000, 3);
    const ordered = orderedPairs(pre, post);
    const shuffled = pre.map((value, i) => ({ pre: value, post: post[i]! }));
    const points = pairPoints(ordered);
    expect(pairPoints(shuffled)).toEqual(points);
    expect(points.reduce((sum, p) => sum + p.people, 0)).toBe(3_000);
    for (let i = 1; i < points.length; i++) {
      const [a, b] = [points[i - 1]!, points[i]!];
      expect(a.before < b.before || (a.before === b.before && a.after < b.after)).toBe(true);
    }
    const [first] = points;
    expect(first!.people).toBe(ordered.filter((p) => p.pre === first!.before && p.post === first!.after).length);
  });

  it("bars: one per change when there are at most 25 distinct changes, each with its count", () => {
    const pairs: ScorePair[] = [
      { pre: 40, post: 48 },
      { pre: 60, post: 52 },
      { pre: 20, post: 28 },
      { pre: 50, post: 50 },
    ];
    expect(changeBins(pairs)).toEqual([
      { from: -8, to: -8, people: 1 },
      { from: 0, to: 0, people: 1 },
      { from: 8, to: 8, people: 2 },
    ]);
    expect(changeBins([])).toEqual([]);
  });

  it("bars: 20 equal bins over the range when changes take more than 25 values", () => {
    const { pre, post } = samplePairs(2_000, 5, true);
    const pairs = orderedPairs(pre, post);
    const bins = changeBins(pairs);
    expect(bins).toHaveLength(20);
    expect(bins.reduce((sum, b) => sum + b.people, 0)).toBe(2_000);
    const changes = pairs.map((p) => p.post - p.pre);
    expect(bins[0]!.from).toBe(Math.min(...changes));
    expect(bins[19]!.to).toBeCloseTo(Math.max(...changes), 9);
  });
});

describe("Wilcoxon's V from two numeric sorts", () => {
  it("is the textbook sum of average ranks, with ties and zero changes", () => {
    for (const [seed, fine] of [
      [1, false],
      [2, true],
    ] as const) {
      const { pre, post } = samplePairs(1_500, seed, fine);
      const pairs = pre.map((value, i) => ({ pre: value, post: post[i]! }));
      expect(pairs.some((p) => p.pre === p.post)).toBe(true);
      expect(comparePaired(pairs).wilcoxon_v).toBe(referenceV(pairs));
    }
  });
});
