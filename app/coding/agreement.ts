/**
 * Inter-coder agreement for qualitative coding. The datum for a theme is binary: did this coder
 * apply the theme to this unit (an answer or a segment)? The general nominal functions accept any
 * category values so that they can be checked against published multi-category examples.
 *
 * Checked against R in tests/coding/agreement.test.ts (fixtures in tests/fixtures/r/).
 */

export type CodeValue = string | number | boolean;
/** null or undefined: this coder did not code this unit (missing, not "theme absent"). */
export type Coding = CodeValue | null | undefined;

export interface ThemeAgreement {
  /**
   * Share of units, among those coded by at least two coders, on which every coder who coded the
   * unit made the same decision. With more than two coders this is the strict "all agree" rule,
   * lower than the mean pairwise agreement; it is the one a reader can check against the list of
   * disagreements. Null when no unit was coded twice.
   */
  percentAgreement: number | null;
  /** Only with exactly two coders, over units both coded; null when undefined (chance agreement is 1). */
  cohensKappa: number | null;
  /** Nominal alpha over units coded by at least two coders; null when undefined (no variation). */
  krippendorffAlpha: number | null;
  /** Units coded by at least two coders: the units every figure above is about. */
  units: number;
  /** Units coded by at least two coders on which they did not all agree, in the given order. */
  disagreements: string[];
}

export function agreementForTheme(
  unitIds: readonly string[],
  coders: readonly string[],
  applied: (unitId: string, coderId: string) => boolean | undefined,
): ThemeAgreement {
  if (new Set(coders).size !== coders.length) throw new Error("Each coder may be listed only once");
  if (new Set(unitIds).size !== unitIds.length) throw new Error("Each unit may be listed only once");

  const codings = unitIds.map((unit) => coders.map((coder) => applied(unit, coder)));
  let pairable = 0;
  let agreeing = 0;
  const disagreements: string[] = [];
  codings.forEach((row, i) => {
    const present = row.filter((value): value is boolean => value !== undefined);
    if (present.length < 2) return;
    pairable++;
    if (present.every((value) => value === present[0])) agreeing++;
    else disagreements.push(unitIds[i] ?? "");
  });

  return {
    percentAgreement: pairable > 0 ? agreeing / pairable : null,
    cohensKappa: coders.length === 2 ? cohensKappa(codings.map((row) => [row[0], row[1]] as const)) : null,
    krippendorffAlpha: krippendorffAlphaNominal(codings),
    units: pairable,
    disagreements,
  };
}

/**
 * Cohen's unweighted kappa for two coders, over the units both coded (as irr::kappa2, which drops
 * incomplete units). Null when no unit was coded by both, or when chance agreement is 1 (both
 * coders used one and the same category throughout), where kappa is 0/0.
 */
export function cohensKappa(ratings: ReadonlyArray<readonly [Coding, Coding]>): number | null {
  const complete = ratings.filter((pair): pair is readonly [CodeValue, CodeValue] => isCoded(pair[0]) && isCoded(pair[1]));
  const n = complete.length;
  if (n === 0) return null;
  const first = new Map<CodeValue, number>();
  const second = new Map<CodeValue, number>();
  let agree = 0;
  for (const [a, b] of complete) {
    first.set(a, (first.get(a) ?? 0) + 1);
    second.set(b, (second.get(b) ?? 0) + 1);
    if (a === b) agree++;
  }
  let chance = 0;
  for (const [category, count] of first) chance += (count / n) * ((second.get(category) ?? 0) / n);
  if (chance >= 1) return null;
  return (agree / n - chance) / (1 - chance);
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

function isCoded(value: Coding): value is CodeValue {
  return value !== null && value !== undefined;
}
