// The pure pieces behind alpha's bootstrap interval (docs/decisions/070-agreement-figures.md): the
// seeded generator, the binomial draws, R's type 7 quantile and Krippendorff's bootstrap itself. The
// bootstrap is also checked against a pair-by-pair R implementation in agreement-cli.test.ts.
import { describe, expect, it } from "vitest";
import {
  alphaInterval,
  binomial,
  bootstrapAlphasNominal,
  krippendorffAlphaNominal,
  lnGamma,
  quantileType7,
  seededRandom,
} from "~/coding/krippendorff";

// Krippendorff (2011), section A: binary data, two observers; alpha = 0.095.
const A = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
const B = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
const binaryUnits = A.map((a, i) => [a, B[i]]);

describe("seeded generator", () => {
  it("repeats for a seed, differs between seeds, and stays in [0, 1)", () => {
    const take = (seed: number) => {
      const r = seededRandom(seed);
      return Array.from({ length: 1000 }, () => r());
    };
    expect(take(42)).toEqual(take(42));
    expect(take(42)).not.toEqual(take(43));
    const values = take(7);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(values.reduce((a, b) => a + b, 0) / values.length).toBeCloseTo(0.5, 1);
    expect(() => seededRandom(-1)).toThrow(RangeError);
    expect(() => seededRandom(2 ** 32)).toThrow(RangeError);
  });
});

describe("binomial draws", () => {
  it("lnGamma gives log factorials", () => {
    expect(lnGamma(1)).toBeCloseTo(0, 12);
    expect(lnGamma(11)).toBeCloseTo(Math.log(3628800), 10);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });

  for (const [n, p] of [
    [20, 0.1],
    [5000, 0.3],
    [200_000, 0.02],
    [1000, 0.9],
  ] as const) {
    it(`Binomial(${n}, ${p}) has its mean and variance`, () => {
      const random = seededRandom(9);
      const draws = Array.from({ length: 20_000 }, () => binomial(n, p, random));
      const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
      const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / (draws.length - 1);
      const sd = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(mean - n * p)).toBeLessThan((4 * sd) / Math.sqrt(draws.length));
      expect(variance / (n * p * (1 - p))).toBeGreaterThan(0.95);
      expect(variance / (n * p * (1 - p))).toBeLessThan(1.05);
      expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...draws)).toBeLessThanOrEqual(n);
    });
  }

  it("matches the exact probabilities of a small binomial", () => {
    const random = seededRandom(3);
    const counts = new Array<number>(7).fill(0);
    const draws = 60_000;
    for (let i = 0; i < draws; i++) counts[binomial(6, 0.35, random)]!++;
    const choose = (n: number, k: number) => Math.exp(lnGamma(n + 1) - lnGamma(k + 1) - lnGamma(n - k + 1));
    counts.forEach((count, k) => {
      const expected = choose(6, k) * 0.35 ** k * 0.65 ** (6 - k);
      expect(Math.abs(count / draws - expected)).toBeLessThan(0.006);
    });
  });
});

describe("Krippendorff's bootstrap", () => {
  it("R's type 7 quantile", () => {
    // quantile(1:10, c(.025, .975)) in R: 1.225 and 9.775
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(quantileType7(sorted, 0.025)).toBeCloseTo(1.225, 12);
    expect(quantileType7(sorted, 0.975)).toBeCloseTo(9.775, 12);
  });

  it("centres on alpha with two coders, and the interval holds alpha", () => {
    const alpha = krippendorffAlphaNominal(binaryUnits)!;
    expect(alpha).toBeCloseTo(0.095, 3);
    const alphas = bootstrapAlphasNominal(binaryUnits, { resamples: 20_000, seed: 11 })!;
    const mean = alphas.reduce((a, b) => a + b, 0) / alphas.length;
    // With every unit coded twice the resamples' mean is alpha (less the few counted as −1 at the floor).
    expect(Math.abs(mean - alpha)).toBeLessThan(0.02);
    const interval = alphaInterval(binaryUnits, { resamples: 20_000, seed: 11 })!;
    expect(interval.low).toBeLessThan(alpha);
    expect(interval.high).toBeGreaterThan(alpha);
    expect(interval).toMatchObject({ resamples: 20_000, seed: 11 });
  });

  it("is reproducible from its seed and narrows with more units", () => {
    expect(alphaInterval(binaryUnits, { seed: 5 })).toEqual(alphaInterval(binaryUnits, { seed: 5 }));
    expect(alphaInterval(binaryUnits, { seed: 5 })).not.toEqual(alphaInterval(binaryUnits, { seed: 6 }));
    const many = Array.from({ length: 20 }, () => binaryUnits).flat();
    const wide = alphaInterval(binaryUnits)!;
    const narrow = alphaInterval(many)!;
    expect(narrow.high - narrow.low).toBeLessThan((wide.high - wide.low) / 2);
  });

  it("gives no interval where alpha is undefined, and refuses a bad number of resamples", () => {
    expect(
      alphaInterval([
        [1, 1],
        [1, 1],
        [1, null],
      ]),
    ).toBeNull();
    expect(alphaInterval([[1, null]])).toBeNull();
    expect(() => bootstrapAlphasNominal(binaryUnits, { resamples: 0 })).toThrow(RangeError);
  });
});
