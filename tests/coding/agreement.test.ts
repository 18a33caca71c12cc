import { describe, expect, it } from "vitest";
import fixture from "../fixtures/r/coding-agreement.json";
import { agreementForTheme, cohensKappa, krippendorffAlphaNominal } from "~/coding/agreement";

// Figures computed in R by tests/fixtures/r/coding-agreement.R; see tests/fixtures/r/README.md.
interface Dataset {
  name: string;
  coders: string[];
  units: string[];
  /** coders × units; null where a coder did not code a unit */
  data: Array<Array<number | null>>;
  expected: {
    percentAgreement: number | null;
    cohensKappa: number | null;
    krippendorffAlpha: number | null;
    units: number;
    disagreements: string[];
  };
}
const datasets = fixture.datasets as unknown as Dataset[];
const byName = (name: string) => datasets.find((d) => d.name === name)!;

function expectClose(actual: number | null, expected: number | null, label: string): void {
  if (expected === null) {
    expect(actual, label).toBeNull();
    return;
  }
  expect(actual, label).not.toBeNull();
  expect(Math.abs(actual! - expected), `${label}: ${actual} vs R ${expected}`).toBeLessThanOrEqual(1e-9);
}

/** Units × coders, the shape krippendorffAlphaNominal takes. */
const unitsOf = (d: Dataset) => d.units.map((_, u) => d.coders.map((_, c) => d.data[c]?.[u] ?? null));

describe("textbook values", () => {
  it("Krippendorff 2011, nominal with missing values: alpha = 0.743", () => {
    const alpha = krippendorffAlphaNominal(unitsOf(byName("krippendorff_2011_nominal_missing")));
    expect(alpha).not.toBeNull();
    expect(alpha!).toBeCloseTo(0.743, 3);
    expectClose(alpha, byName("krippendorff_2011_nominal_missing").expected.krippendorffAlpha, "alpha");
  });

  it("Krippendorff 2011, binary, two observers: alpha = 0.095", () => {
    expect(krippendorffAlphaNominal(unitsOf(byName("krippendorff_2011_binary")))!).toBeCloseTo(0.095, 3);
  });

  it("Cohen's kappa for the 20/5/10/15 table is 0.4", () => {
    const d = byName("cohen_2x2_textbook");
    const kappa = cohensKappa(d.units.map((_, u) => [d.data[0]?.[u], d.data[1]?.[u]] as const));
    expect(kappa!).toBeCloseTo(0.4, 12);
  });
});

describe("agreementForTheme agrees with R", () => {
  const binary = datasets.filter((d) => d.name !== "krippendorff_2011_nominal_missing");
  for (const d of binary) {
    it(d.name, () => {
      const applied = (unitId: string, coderId: string): boolean | undefined => {
        const value = d.data[d.coders.indexOf(coderId)]?.[d.units.indexOf(unitId)];
        return value === null || value === undefined ? undefined : value === 1;
      };
      const result = agreementForTheme(d.units, d.coders, applied);
      expectClose(result.percentAgreement, d.expected.percentAgreement, "percentAgreement");
      expectClose(result.cohensKappa, d.expected.cohensKappa, "cohensKappa");
      expectClose(result.krippendorffAlpha, d.expected.krippendorffAlpha, "krippendorffAlpha");
      expect(result.units).toBe(d.expected.units);
      expect(result.disagreements).toEqual(d.expected.disagreements);
    });
  }

  it("the nominal example's percentage agreement and disagreements match R too", () => {
    const d = byName("krippendorff_2011_nominal_missing");
    // Not binary, so checked through the general pieces: all-agree share over pairable units.
    const units = unitsOf(d);
    const pairable = units.filter((u) => u.filter((v) => v !== null).length >= 2);
    const agreeing = pairable.filter((u) => new Set(u.filter((v) => v !== null)).size === 1);
    expect(pairable).toHaveLength(d.expected.units);
    expectClose(agreeing.length / pairable.length, d.expected.percentAgreement, "percentAgreement");
  });
});

describe("edge cases", () => {
  it("gives no figures when no unit was coded by two coders", () => {
    const result = agreementForTheme(["a", "b"], ["x", "y"], (unit, coder) => ((unit === "a") === (coder === "x") ? true : undefined));
    expect(result).toEqual({
      percentAgreement: null,
      cohensKappa: null,
      krippendorffAlpha: null,
      units: 0,
      disagreements: [],
    });
  });

  it("gives alpha but no kappa with three coders", () => {
    const result = agreementForTheme(["a", "b", "c"], ["x", "y", "z"], (unit, coder) => unit === "a" || (unit === "b" && coder === "z"));
    expect(result.cohensKappa).toBeNull();
    expect(result.krippendorffAlpha).not.toBeNull();
    expect(result.disagreements).toEqual(["b"]);
    expect(result.percentAgreement).toBeCloseTo(2 / 3, 12);
  });

  it("rejects a coder listed twice", () => {
    expect(() => agreementForTheme(["a"], ["x", "x"], () => true)).toThrow();
  });
});
