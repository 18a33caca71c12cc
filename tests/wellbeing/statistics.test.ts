import { describe, expect, it } from "vitest";
import fixture from "../fixtures/r/wellbeing-statistics.json";
import {
  bandTransitions,
  compareMeasure,
  comparePaired,
  comparePrePost,
  normalCdf,
  pairScores,
  reliableChange,
  signedRankCdf,
  studentTCdf,
  studentTQuantile,
  type PairedComparison,
} from "~/wellbeing/statistics";
import type { Band } from "~/wellbeing/scoring";

// Figures computed by R (tests/fixtures/r/wellbeing-statistics.R); see tests/fixtures/r/README.md.
interface Dataset {
  name: string;
  pre: Record<string, number>;
  post: Record<string, number>;
  options: { meaningfulChange?: number; higherIsBetter?: boolean; reliability?: number; bands?: Band[] };
  summary: Record<keyof PairedComparison, number | boolean | null>;
  bands?: { transitions: Array<{ from: string; to: string; n: number }>; improved: number; unchanged: number; worsened: number };
  reliable_change?: Record<string, number | number[]>;
}
const datasets = fixture.datasets as unknown as Dataset[];

const KEYS: Array<keyof PairedComparison> = [
  "n_pre",
  "n_post",
  "n_pairs",
  "mean_pre",
  "mean_post",
  "sd_pre",
  "sd_post",
  "mean_change",
  "ci95_low",
  "ci95_high",
  "t",
  "df",
  "p_t",
  "wilcoxon_v",
  "p_wilcoxon",
  "wilcoxon_exact",
  "d_z",
  "improved",
  "unchanged",
  "worsened",
];

/** Agreement with R to 1e-6 relative, with an absolute floor far below any figure reported. */
function expectClose(actual: unknown, expected: unknown, label: string): void {
  if (expected === null || typeof expected === "boolean") {
    expect(actual, label).toBe(expected);
    return;
  }
  expect(typeof actual, label).toBe("number");
  const a = actual as number;
  const e = expected as number;
  expect(Math.abs(a - e), `${label}: ${a} vs R ${e}`).toBeLessThanOrEqual(1e-6 * Math.abs(e) + 1e-12);
}

const scoresOf = (d: Dataset) => ({
  pre: new Map(Object.entries(d.pre)),
  post: new Map(Object.entries(d.post)),
});

describe("comparePrePost agrees with R", () => {
  it("covers the cases the brief requires", () => {
    const byName = new Map(datasets.map((d) => [d.name, d]));
    expect(byName.get("small_exact")?.summary.wilcoxon_exact).toBe(true);
    expect(byName.get("ties")?.summary.wilcoxon_exact).toBe(false);
    expect(byName.get("zeros")?.summary.wilcoxon_exact).toBe(false);
    expect(byName.get("large")?.summary.n_pairs).toBeGreaterThanOrEqual(50);
    expect(byName.get("n1")?.summary.n_pairs).toBe(1);
    expect(byName.get("n2")?.summary.n_pairs).toBe(2);
  });

  for (const d of datasets) {
    it(`${d.name}: every figure`, () => {
      const result = comparePrePost(scoresOf(d), d.options);
      expect(Object.keys(result).sort()).toEqual([...KEYS].sort());
      for (const key of KEYS) expectClose(result[key], d.summary[key], `${d.name}.${key}`);
    });
  }

  it("comparePaired on the same pairs gives the same figures, counting only pairs", () => {
    const d = datasets.find((x) => x.name === "who5")!;
    const pairs = pairScores(scoresOf(d).pre, scoresOf(d).post);
    const result = comparePaired(pairs, d.options);
    expect(result.n_pre).toBe(28);
    expect(result.n_post).toBe(28);
    for (const key of KEYS.filter((k) => k !== "n_pre" && k !== "n_post")) {
      expectClose(result[key], d.summary[key], `who5.${key}`);
    }
    expect(comparePaired(pairs, { ...d.options, counts: { pre: 33, post: 29 } }).n_pre).toBe(33);
  });
});

describe("band transitions and reliable change agree with R", () => {
  for (const d of datasets.filter((x) => x.bands || x.reliable_change)) {
    it(`${d.name}`, () => {
      const pairs = pairScores(scoresOf(d).pre, scoresOf(d).post);
      const higherIsBetter = d.options.higherIsBetter ?? true;
      const bands = bandTransitions(pairs, d.options.bands!, higherIsBetter);
      expect(bands).toEqual({ ...d.bands, unclassified: 0 });

      const rc = reliableChange(pairs, { reliability: d.options.reliability!, higherIsBetter })!;
      const expected = d.reliable_change!;
      for (const key of ["sd_pre", "standard_error", "s_diff", "reliable_change_threshold"] as const) {
        expectClose(rc[key], expected[key], `${d.name}.${key}`);
      }
      const rci = expected.rci as number[];
      expect(rc.rci).toHaveLength(rci.length);
      rc.rci.forEach((value, i) => expectClose(value, rci[i], `${d.name}.rci[${i}]`));
      expect([rc.reliably_improved, rc.no_reliable_change, rc.reliably_deteriorated]).toEqual([
        expected.reliably_improved,
        expected.no_reliable_change,
        expected.reliably_deteriorated,
      ]);
    });
  }

  it("compareMeasure reads direction, threshold, bands and reliability from the definition", () => {
    const d = datasets.find((x) => x.name === "ucla3")!;
    const result = compareMeasure(
      {
        meaningful_change: d.options.meaningfulChange,
        higher_is_better: d.options.higherIsBetter,
        reliability: d.options.reliability,
        bands: d.options.bands,
      },
      scoresOf(d),
    );
    expect([result.comparison.improved, result.comparison.unchanged, result.comparison.worsened]).toEqual([
      d.summary.improved,
      d.summary.unchanged,
      d.summary.worsened,
    ]);
    expect(result.bands?.improved).toBe(d.bands?.improved);
    expect(result.reliable_change?.reliably_improved).toBe(d.reliable_change?.reliably_improved);
    expect(compareMeasure({}, scoresOf(d))).toMatchObject({ bands: null, reliable_change: null });
  });
});

describe("pair classification and edge cases", () => {
  it("counts a change equal to the meaningful change, and none below it", () => {
    const pairs = [
      { pre: 40, post: 50 }, // +10: improved
      { pre: 40, post: 49 }, // +9: unchanged
      { pre: 40, post: 30 }, // −10: worsened
      { pre: 40, post: 40 },
    ];
    expect(comparePaired(pairs, { meaningfulChange: 10 })).toMatchObject({ improved: 1, unchanged: 2, worsened: 1 });
    expect(comparePaired(pairs, { meaningfulChange: 10, higherIsBetter: false })).toMatchObject({
      improved: 1,
      unchanged: 2,
      worsened: 1,
    });
    expect(comparePaired(pairs, { higherIsBetter: false })).toMatchObject({ improved: 1, unchanged: 1, worsened: 2 });
    expect(() => comparePaired(pairs, { meaningfulChange: -1 })).toThrow(RangeError);
  });

  it("puts a score above a capped last band in no band", () => {
    const result = bandTransitions(
      [
        { pre: 3, post: 12 },
        { pre: 3, post: 8 },
      ],
      [
        { id: "low", max: 5 },
        { id: "high", max: 10 },
      ],
    );
    expect(result.unclassified).toBe(1);
    expect(result.improved).toBe(1);
  });

  it("gives no reliable change without a spread of pre scores", () => {
    expect(reliableChange([{ pre: 1, post: 2 }], { reliability: 0.8 })).toBeNull();
    expect(reliableChange([{ pre: 1, post: 2 }], { reliability: 0.8, sdPre: 5 })?.s_diff).toBeCloseTo(Math.SQRT2 * 5 * Math.sqrt(0.2), 12);
    expect(() => reliableChange([], { reliability: 1 })).toThrow(RangeError);
  });

  it("rejects scores that are not numbers", () => {
    expect(() => comparePaired([{ pre: Number.NaN, post: 1 }])).toThrow(RangeError);
  });
});

describe("distribution functions agree with R", () => {
  const dist = fixture.distributions;
  it("pt", () => {
    for (const { t, df, p } of dist.pt) expectClose(studentTCdf(t, df), p, `pt(${t}, ${df})`);
  });
  it("qt", () => {
    for (const { p, df, q } of dist.qt) expectClose(studentTQuantile(p, df), q, `qt(${p}, ${df})`);
  });
  it("pnorm", () => {
    for (const { z, p } of dist.pnorm) expectClose(normalCdf(z), p, `pnorm(${z})`);
  });
  it("psignrank", () => {
    for (const { v, n, p } of dist.psignrank) expectClose(signedRankCdf(v, n), p, `psignrank(${v}, ${n})`);
  });
});
