/**
 * Scoring a `scored_measure` from its definition (docs/instrument-format.md, "Scored measures").
 */

/**
 * The revision of the scoring code below. Kept scores (docs/decisions/054-measure-score-store.md)
 * record it and are used only while it is unchanged: raise it with any change to how a score is
 * computed from a definition and answers (arithmetic, reversal, proration, missing rules, scales).
 */
export const SCORING_REVISION = 1;

export interface Band {
  id: string;
  /** Inclusive upper bound; absent on the last band. */
  max?: number;
  label?: string;
}

export interface MeasureDefinition {
  id: string;
  items: readonly string[];
  /** Item ids scored reversed: max + min − value on the item's own scale. */
  reverse?: readonly string[];
  method: "sum" | "mean";
  /** Applied after the sum or mean; 1 when absent. */
  multiplier?: number;
  /** With fewer items answered the score is missing. */
  min_answered: number;
  range?: { min: number; max: number };
  /** Ascending: a score belongs to the first band whose max is at least the score. */
  bands?: readonly Band[];
  meaningful_change?: number;
  reliability?: number;
  higher_is_better?: boolean;
}

export interface ItemScale {
  min: number;
  max: number;
}

/** Each item's response scale, keyed by item id: the `scale` of the instrument's rating items. */
export type ItemScales = Readonly<Record<string, ItemScale>>;

/**
 * The measure's score from one response's answers, or null when fewer than `min_answered` of its
 * items were answered.
 *
 * An item counts as answered when its answer is a finite number; anything else (absent, null, an
 * empty string) is missing. A number outside the item's scale is a data error, not a missing
 * answer, and throws, because scoring it would silently distort the result.
 *
 * With some items missing (only possible when min_answered < number of items) the score is
 * prorated: the mean of the answered items stands in for each missing one. For `mean` that is
 * simply the mean of the answered items; for `sum` it is that mean times the number of items, so a
 * prorated sum stays on the same range as a complete one. WHO-5 and UCLA-3 require every item, so
 * for them the question never arises.
 *
 * `scales` must give the scale of every reversed item (reversal needs min and max); other items'
 * scales, when given, are used to reject out-of-range answers.
 */
export function scoreMeasure(
  measure: MeasureDefinition,
  answers: Readonly<Record<string, unknown>>,
  scales: ItemScales = {},
): number | null {
  const prepared = prepareMeasure(measure, scales);
  return scorePrepared(measure, prepared, (i) => answers[measure.items[i]!]);
}

/**
 * scoreMeasure checked and prepared once, for scoring many responses whose answers arrive as an
 * array of values in the order of `columns` (as app/consent/wellbeing.server.ts reads them). Same
 * rules, same arithmetic in the same order, so the same scores to the last bit.
 */
export function measureScorer(
  measure: MeasureDefinition,
  scales: ItemScales,
  columns: readonly string[],
): (values: readonly unknown[]) => number | null {
  const prepared = prepareMeasure(measure, scales);
  const at = measure.items.map((item) => columns.indexOf(item));
  return (values) => scorePrepared(measure, prepared, (i) => (at[i]! < 0 ? undefined : values[at[i]!]));
}

interface PreparedItem {
  item: string;
  scale: ItemScale | undefined;
  reversed: boolean;
}

function prepareMeasure(measure: MeasureDefinition, scales: ItemScales): PreparedItem[] {
  const itemCount = measure.items.length;
  if (itemCount === 0) throw new Error(`Measure ${measure.id} has no items`);
  if (!(Number.isInteger(measure.min_answered) && measure.min_answered >= 1 && measure.min_answered <= itemCount)) {
    throw new RangeError(`Measure ${measure.id}: min_answered must be a whole number from 1 to ${itemCount}`);
  }
  const reversed = new Set(measure.reverse ?? []);
  for (const item of reversed) {
    if (!measure.items.includes(item)) throw new Error(`Measure ${measure.id}: reversed item ${item} is not one of its items`);
    if (!scales[item]) throw new Error(`Measure ${measure.id}: reversed item ${item} needs its scale`);
  }
  return measure.items.map((item) => ({ item, scale: scales[item], reversed: reversed.has(item) && scales[item] !== undefined }));
}

function scorePrepared(measure: MeasureDefinition, prepared: readonly PreparedItem[], answerAt: (index: number) => unknown): number | null {
  const itemCount = prepared.length;
  const values: number[] = [];
  for (let i = 0; i < itemCount; i++) {
    const { item, scale, reversed } = prepared[i]!;
    const answer = answerAt(i);
    if (typeof answer !== "number" || !Number.isFinite(answer)) continue;
    if (scale && (answer < scale.min || answer > scale.max)) {
      throw new RangeError(`Measure ${measure.id}: answer ${answer} to ${item} is outside ${scale.min}..${scale.max}`);
    }
    values.push(reversed && scale ? scale.max + scale.min - answer : answer);
  }
  if (values.length < measure.min_answered) return null;

  let total = 0;
  for (const v of values) total += v;
  const itemMean = total / values.length;
  // A complete sum is kept as the sum itself rather than mean × count, so it carries no rounding.
  const raw = measure.method === "mean" ? itemMean : values.length === itemCount ? total : itemMean * itemCount;
  return raw * (measure.multiplier ?? 1);
}

/** The band a score falls in, or null when it lies above a last band that has a max. */
export function bandOf<B extends Band>(measure: { bands?: readonly B[] }, score: number): B | null {
  for (const band of measure.bands ?? []) {
    if (band.max === undefined || score <= band.max) return band;
  }
  return null;
}
