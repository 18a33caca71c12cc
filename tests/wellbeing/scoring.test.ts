import { describe, expect, it } from "vitest";
import { bandOf, scoreMeasure, type ItemScales, type MeasureDefinition } from "~/wellbeing/scoring";

const who5: MeasureDefinition = {
  id: "who5",
  items: ["who5_1", "who5_2", "who5_3", "who5_4", "who5_5"],
  reverse: [],
  method: "sum",
  multiplier: 4,
  min_answered: 5,
  range: { min: 0, max: 100 },
  higher_is_better: true,
  meaningful_change: 10,
  reliability: 0.84,
  bands: [
    { id: "low", max: 28, label: "Poor wellbeing" },
    { id: "moderate", max: 50, label: "Low wellbeing" },
    { id: "good", label: "Good wellbeing" },
  ],
};
const who5Scales: ItemScales = Object.fromEntries(who5.items.map((item) => [item, { min: 0, max: 5 }]));

const ucla3: MeasureDefinition = {
  id: "ucla3",
  items: ["ucla_1", "ucla_2", "ucla_3"],
  method: "sum",
  min_answered: 3,
  range: { min: 3, max: 9 },
  higher_is_better: false,
  bands: [
    { id: "not_lonely", max: 5, label: "Not lonely" },
    { id: "lonely", label: "Lonely" },
  ],
};
const ucla3Scales: ItemScales = Object.fromEntries(ucla3.items.map((item) => [item, { min: 1, max: 3 }]));

// A made-up 1–5 agreement measure with two negatively worded items.
const confidence: MeasureDefinition = {
  id: "confidence",
  items: ["conf_1", "conf_2", "conf_3", "conf_4"],
  reverse: ["conf_2", "conf_4"],
  method: "mean",
  min_answered: 3,
};
const confidenceScales: ItemScales = Object.fromEntries(confidence.items.map((item) => [item, { min: 1, max: 5 }]));

describe("WHO-5", () => {
  it("is the raw sum times 4", () => {
    const answers = { who5_1: 3, who5_2: 4, who5_3: 2, who5_4: 5, who5_5: 1 };
    expect(scoreMeasure(who5, answers, who5Scales)).toBe(60);
    expect(scoreMeasure(who5, { who5_1: 0, who5_2: 0, who5_3: 0, who5_4: 0, who5_5: 0 }, who5Scales)).toBe(0);
    expect(scoreMeasure(who5, { who5_1: 5, who5_2: 5, who5_3: 5, who5_4: 5, who5_5: 5 }, who5Scales)).toBe(100);
  });

  it("is missing when any item is unanswered", () => {
    expect(scoreMeasure(who5, { who5_1: 3, who5_2: 4, who5_3: 2, who5_4: 5 }, who5Scales)).toBeNull();
    expect(scoreMeasure(who5, { who5_1: 3, who5_2: 4, who5_3: 2, who5_4: 5, who5_5: null }, who5Scales)).toBeNull();
    // A text answer is not a rating: treated as missing rather than coerced.
    expect(scoreMeasure(who5, { who5_1: 3, who5_2: 4, who5_3: 2, who5_4: 5, who5_5: "1" }, who5Scales)).toBeNull();
  });

  it("rejects an answer outside the item's scale", () => {
    expect(() => scoreMeasure(who5, { who5_1: 6, who5_2: 4, who5_3: 2, who5_4: 5, who5_5: 1 }, who5Scales)).toThrow(RangeError);
  });

  it("bands at the published cut-offs, inclusive of each max", () => {
    expect(bandOf(who5, 0)?.id).toBe("low");
    expect(bandOf(who5, 28)?.id).toBe("low");
    expect(bandOf(who5, 32)?.id).toBe("moderate");
    expect(bandOf(who5, 50)?.id).toBe("moderate");
    expect(bandOf(who5, 52)?.id).toBe("good");
    expect(bandOf(who5, 100)?.label).toBe("Good wellbeing");
  });
});

describe("UCLA-3", () => {
  it("is the sum of the three items, 3 to 9", () => {
    expect(scoreMeasure(ucla3, { ucla_1: 1, ucla_2: 1, ucla_3: 1 }, ucla3Scales)).toBe(3);
    expect(scoreMeasure(ucla3, { ucla_1: 1, ucla_2: 2, ucla_3: 3 }, ucla3Scales)).toBe(6);
    expect(scoreMeasure(ucla3, { ucla_1: 3, ucla_2: 3, ucla_3: 3 }, ucla3Scales)).toBe(9);
  });

  it("needs all three items", () => {
    expect(scoreMeasure(ucla3, { ucla_1: 3, ucla_3: 3 }, ucla3Scales)).toBeNull();
  });

  it("bands 6 and over as lonely", () => {
    expect(bandOf(ucla3, 5)?.id).toBe("not_lonely");
    expect(bandOf(ucla3, 6)?.id).toBe("lonely");
  });
});

describe("reverse scoring and prorating", () => {
  it("reverses as max + min − value", () => {
    // conf_2 = 1 → 5 and conf_4 = 2 → 4: mean of 5, 5, 4, 4.
    expect(scoreMeasure(confidence, { conf_1: 5, conf_2: 1, conf_3: 4, conf_4: 2 }, confidenceScales)).toBe(4.5);
    expect(scoreMeasure(confidence, { conf_1: 1, conf_2: 5, conf_3: 1, conf_4: 5 }, confidenceScales)).toBe(1);
  });

  it("takes the mean of the answered items when enough are answered", () => {
    expect(scoreMeasure(confidence, { conf_1: 5, conf_2: 1, conf_3: 4 }, confidenceScales)).toBeCloseTo(14 / 3, 12);
    expect(scoreMeasure(confidence, { conf_1: 5, conf_2: 1 }, confidenceScales)).toBeNull();
  });

  it("prorates a sum to the full number of items, then applies the multiplier", () => {
    const summed: MeasureDefinition = { ...confidence, method: "sum", multiplier: 2 };
    expect(scoreMeasure(summed, { conf_1: 5, conf_2: 1, conf_3: 4, conf_4: 2 }, confidenceScales)).toBe(36);
    // Answered 5, (1 → 5), 4: mean 14/3, times 4 items, times 2.
    expect(scoreMeasure(summed, { conf_1: 5, conf_2: 1, conf_3: 4 }, confidenceScales)).toBeCloseTo((14 / 3) * 4 * 2, 12);
  });

  it("needs the scale of every reversed item", () => {
    expect(() => scoreMeasure(confidence, { conf_1: 5, conf_2: 1, conf_3: 4, conf_4: 2 })).toThrow(/needs its scale/);
  });

  it("refuses a definition whose min_answered cannot be met", () => {
    expect(() => scoreMeasure({ ...confidence, min_answered: 5 }, {}, confidenceScales)).toThrow(RangeError);
  });

  it("puts a score above a capped last band in no band", () => {
    expect(bandOf({ bands: [{ id: "only", max: 10 }] }, 11)).toBeNull();
    expect(bandOf({}, 11)).toBeNull();
  });
});
