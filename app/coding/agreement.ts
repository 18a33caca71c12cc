/**
 * Inter-coder agreement for qualitative coding. The datum for a theme is binary: did this coder
 * apply the theme to this unit (an answer or a segment)? The general nominal functions accept any
 * category values so that they can be checked against published multi-category examples.
 *
 * Checked against R in tests/coding/agreement.test.ts (fixtures in tests/fixtures/r/).
 */

import { isCoded, krippendorffAlphaNominal, type CodeValue, type Coding } from "./krippendorff";

export { krippendorffAlphaNominal, type CodeValue, type Coding };

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
 * The coders who made one and the same decision on every unit the figures are about (coded by at
 * least two coders), with that decision. With two coders, one such coder makes Cohen's kappa 0
 * however often they agree (chance agreement then equals observed agreement), and two such coders
 * with the same decision make it undefined: the page says so beside the figure.
 */
export function unvaryingCoders(
  unitIds: readonly string[],
  coders: readonly string[],
  applied: (unitId: string, coderId: string) => boolean | undefined,
): { coderId: string; applied: boolean }[] {
  const seen = new Map<string, Set<boolean>>(coders.map((c) => [c, new Set()]));
  for (const unit of unitIds) {
    const row = coders.map((coder) => [coder, applied(unit, coder)] as const);
    if (row.filter(([, value]) => value !== undefined).length < 2) continue;
    for (const [coder, value] of row) if (value !== undefined) seen.get(coder)!.add(value);
  }
  return coders.flatMap((coderId) => {
    const values = [...seen.get(coderId)!];
    return values.length === 1 ? [{ coderId, applied: values[0]! }] : [];
  });
}
