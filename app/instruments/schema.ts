import { z } from "zod";

/*
 * The instrument format (docs/instrument-format.md) as zod schemas. Every object is strict: an unknown
 * key is almost always a typo ("lables"), and a typo silently ignored would change what a participant
 * sees without anyone noticing.
 *
 * Published definitions are stored as the parsed output of these schemas and re-parsed when read, so
 * changes here must stay backward compatible (add optional keys; never remove or narrow), or older
 * published versions would stop being readable.
 */

export const INSTRUMENT_KINDS = [
  "information_sheet",
  "consent_form",
  "question_set",
  "topic_guide",
  "scored_measure",
] as const;
export type InstrumentKind = (typeof INSTRUMENT_KINDS)[number];

export const ITEM_TYPES = [
  "heading",
  "text",
  "list",
  "study_contact",
  "prompt",
  "yes_no",
  "single_choice",
  "multiple_choice",
  "rating",
  "scale_0_10",
  "number",
  "short_text",
  "long_text",
] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

/** Item types that record an answer (and so become an export column). */
export const ANSWER_TYPES = [
  "yes_no",
  "single_choice",
  "multiple_choice",
  "rating",
  "scale_0_10",
  "number",
  "short_text",
  "long_text",
] as const satisfies readonly ItemType[];

export const CONSENT_FLAGS = ["audio_recording", "quotes"] as const;
export type ConsentFlag = (typeof CONSENT_FLAGS)[number];

/** Who may be named as a translation's reviewer: a role, never a person (translations are public). */
export const REVIEWER_ROLES = [
  "peer_researcher",
  "researcher",
  "facilitator",
  "translator",
  "admin",
  "publisher",
] as const;

export const DEFAULT_SHORT_TEXT_MAX = 200;
export const DEFAULT_LONG_TEXT_MAX = 5000;

export const INSTRUMENT_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
export const SNAKE_ID = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
export const LANGUAGE_CODE = /^[a-z]{2,3}(-[A-Za-z0-9]+)*$/;

const snakeId = z.string().regex(SNAKE_ID, "must be snake_case (a–z, 0–9 and _, starting with a letter)");
/** Every text is an ICU message; whether it parses is checked by the loader (it needs the parser). */
const message = z.string().min(1, "must not be empty");
const timepoint = z.string().regex(SNAKE_ID, "a timepoint must be snake_case, e.g. pre, post");

const showIf = z.union([
  z.strictObject({ item: snakeId, equals: z.union([z.string(), z.number()]) }),
  z.strictObject({ item: snakeId, in: z.array(z.union([z.string(), z.number()])).min(1) }),
]);
export type ShowIf = z.infer<typeof showIf>;

// Scale labels are keyed by the point; YAML `0:` arrives as the string "0" once converted to JS.
const scaleLabels = z.record(z.string().regex(/^-?\d+$/, "a scale label's key must be a whole number"), message);
const scale = z.strictObject({
  min: z.number().int(),
  max: z.number().int(),
  labels: scaleLabels,
});
export type Scale = z.infer<typeof scale>;

const option = z.strictObject({ value: snakeId, label: message });
export type ChoiceOption = z.infer<typeof option>;

const base = { id: snakeId, show_if: showIf.optional() };
const question = { ...base, text: message, hint: message.optional() };

export const headingItem = z.strictObject({ ...base, type: z.literal("heading"), text: message });
export const textItem = z.strictObject({ ...base, type: z.literal("text"), text: message });
/**
 * A list of short texts (bullets, or numbered when the order matters). Each entry has its own id so a
 * translation keys it by meaning, not position, as options are keyed by value.
 */
const listEntry = z.strictObject({ id: snakeId, text: message });
export type ListEntry = z.infer<typeof listEntry>;
export const listItem = z.strictObject({
  ...base,
  type: z.literal("list"),
  numbered: z.boolean().optional(),
  entries: z.array(listEntry).min(1, "a list needs at least one entry"),
});
export const studyContactItem = z.strictObject({ ...base, type: z.literal("study_contact") });
export const promptItem = z.strictObject({
  ...base,
  type: z.literal("prompt"),
  text: message,
  hint: message.optional(),
  /** As printed in the guide ("3", "3a"); not translated. */
  number: z.union([z.string().min(1), z.number()]).optional(),
});
export const yesNoItem = z.strictObject({ ...question, type: z.literal("yes_no") });
export const singleChoiceItem = z.strictObject({
  ...question,
  type: z.literal("single_choice"),
  options: z.array(option).min(1, "needs at least one option"),
});
export const multipleChoiceItem = z.strictObject({
  ...question,
  type: z.literal("multiple_choice"),
  options: z.array(option).min(1, "needs at least one option"),
});
export const ratingItem = z.strictObject({ ...question, type: z.literal("rating"), scale });
export const scale010Item = z.strictObject({ ...question, type: z.literal("scale_0_10"), scale });
export const numberItem = z.strictObject({
  ...question,
  type: z.literal("number"),
  min: z.number().optional(),
  max: z.number().optional(),
  integer: z.boolean().optional(),
});
export const shortTextItem = z.strictObject({
  ...question,
  type: z.literal("short_text"),
  // The default is written into the parsed definition, so a published version keeps its limit even if
  // the default changes later.
  max_length: z.number().int().positive().default(DEFAULT_SHORT_TEXT_MAX),
});
export const longTextItem = z.strictObject({
  ...question,
  type: z.literal("long_text"),
  max_length: z.number().int().positive().default(DEFAULT_LONG_TEXT_MAX),
});

export const itemSchema = z.discriminatedUnion("type", [
  headingItem,
  textItem,
  listItem,
  studyContactItem,
  promptItem,
  yesNoItem,
  singleChoiceItem,
  multipleChoiceItem,
  ratingItem,
  scale010Item,
  numberItem,
  shortTextItem,
  longTextItem,
]);
export type Item = z.infer<typeof itemSchema>;
export type ItemOfType<T extends ItemType> = Extract<Item, { type: T }>;
export type AnswerItem = ItemOfType<(typeof ANSWER_TYPES)[number]>;
export type ChoiceItem = ItemOfType<"single_choice" | "multiple_choice">;
export type ScaleItem = ItemOfType<"rating" | "scale_0_10">;

export function isAnswerItem(item: Item): item is AnswerItem {
  return (ANSWER_TYPES as readonly string[]).includes(item.type);
}

export const sectionSchema = z.strictObject({
  id: snakeId,
  title: message.optional(),
  intro: message.optional(),
  /** Only shown at these timepoints; absent = every timepoint. */
  timepoints: z.array(timepoint).min(1).optional(),
  items: z.array(itemSchema),
});
export type Section = z.infer<typeof sectionSchema>;

export const consentStatementSchema = z.strictObject({
  id: snakeId,
  text: message,
  required: z.boolean(),
  flag: z.enum(CONSENT_FLAGS).optional(),
});
export type ConsentStatement = z.infer<typeof consentStatementSchema>;

/**
 * A consent form that tells people their quotes are checked with them before publication says what
 * silence means: a quote is published (`publish`) or not (`withhold`) when the person has not answered
 * by the day the study gave them (docs/decisions/078-quote-checks.md). The study cannot decide it.
 */
export const QUOTE_CHECK_SILENCE = ["publish", "withhold"] as const;
export const quoteCheckRuleSchema = z.strictObject({ silence: z.enum(QUOTE_CHECK_SILENCE) });
export type QuoteCheckRule = z.infer<typeof quoteCheckRuleSchema>;

export const bandSchema = z.strictObject({ id: snakeId, max: z.number().optional(), label: message });
export type Band = z.infer<typeof bandSchema>;

export const measureSchema = z.strictObject({
  id: snakeId,
  name: message,
  items: z.array(snakeId).min(1, "a measure needs at least one item"),
  reverse: z.array(snakeId).default([]),
  method: z.enum(["sum", "mean"]),
  multiplier: z.number().positive().default(1),
  /** Absent = every item must be answered (see measureMinAnswered). */
  min_answered: z.number().int().positive().optional(),
  range: z.strictObject({ min: z.number(), max: z.number() }),
  higher_is_better: z.boolean(),
  meaningful_change: z.number().positive().optional(),
  reliability: z.number().gt(0).lt(1).optional(),
  bands: z.array(bandSchema).optional(),
  attribution: message.optional(),
  licence: message.optional(),
  source: message.optional(),
});
export type Measure = z.infer<typeof measureSchema>;

export function measureMinAnswered(measure: Measure): number {
  return measure.min_answered ?? measure.items.length;
}

export const instrumentDefinitionSchema = z.strictObject({
  id: z.string().regex(INSTRUMENT_ID, "must be kebab-case, e.g. consent-form"),
  version: z.number().int().positive(),
  kind: z.enum(INSTRUMENT_KINDS),
  title: message,
  description: message.optional(),
  sections: z.array(sectionSchema).optional(),
  statements: z.array(consentStatementSchema).optional(),
  quote_check: quoteCheckRuleSchema.optional(),
  measures: z.array(measureSchema).optional(),
});
export type InstrumentDefinition = z.infer<typeof instrumentDefinitionSchema>;

export const REVIEW_STATUSES = ["draft", "reviewed"] as const;
export const translationReviewSchema = z.strictObject({
  status: z.enum(REVIEW_STATUSES),
  reviewed_by: z.enum(REVIEWER_ROLES).nullable().default(null),
});
export type TranslationReview = z.infer<typeof translationReviewSchema>;

export const translationFileSchema = z.strictObject({
  language: z.string().regex(LANGUAGE_CODE, "must be a language code such as cy, ar, fa or pt-BR"),
  review: translationReviewSchema,
  messages: z.record(z.string(), z.string()),
});
export type TranslationFile = z.infer<typeof translationFileSchema>;

/** A translation as stored with a published version: the file minus its (redundant) language. */
export const translationSchema = z.strictObject({
  review: translationReviewSchema,
  messages: z.record(z.string(), z.string()),
});
export type Translation = z.infer<typeof translationSchema>;
export type Translations = Record<string, Translation>;
export const translationsSchema = z.record(z.string(), translationSchema);

/** Every item of the instrument in document order, with its section. */
export function allItems(definition: InstrumentDefinition): { section: Section; item: Item }[] {
  return (definition.sections ?? []).flatMap((section) => section.items.map((item) => ({ section, item })));
}

export function findItem(definition: InstrumentDefinition, id: string): Item | undefined {
  for (const section of definition.sections ?? []) {
    const item = section.items.find((candidate) => candidate.id === id);
    if (item) return item;
  }
  return undefined;
}

/** Lowest and highest answer a scored item can take (for reverse scoring and ranges). */
export function itemRange(item: Item): { min: number; max: number } | undefined {
  if (item.type === "rating" || item.type === "scale_0_10") return { min: item.scale.min, max: item.scale.max };
  if (item.type === "number" && item.min !== undefined && item.max !== undefined) return { min: item.min, max: item.max };
  return undefined;
}

export interface DefinitionIssue {
  /** Path into the base file, as zod would give it (used to find the line). */
  path: (string | number)[];
  message: string;
}

/**
 * Rules that span several parts of a definition (cross references, per-kind requirements). Kept out of
 * the zod schema so each problem can point at the exact node it is about.
 */
export function checkDefinition(definition: InstrumentDefinition): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const add = (path: (string | number)[], message: string) => issues.push({ path, message });
  const { kind } = definition;
  const sections = definition.sections ?? [];

  // Per-kind shape.
  if (kind === "consent_form") {
    if (definition.sections) add(["sections"], "a consent_form has statements, not sections");
    if (!definition.statements || definition.statements.length === 0) {
      add(definition.statements ? ["statements"] : [], "a consent_form needs statements");
    } else if (!definition.statements.some((s) => s.required)) {
      add(["statements"], "a consent_form needs at least one required statement");
    }
    if (definition.quote_check && !(definition.statements ?? []).some((s) => s.flag === "quotes")) {
      add(["quote_check"], "quote_check needs a statement with flag: quotes (the quotes being checked)");
    }
  } else {
    if (definition.statements) add(["statements"], `statements are only for a consent_form, not a ${kind}`);
    if (definition.quote_check) add(["quote_check"], `quote_check is only for a consent_form, not a ${kind}`);
    if (!definition.sections) add([], `a ${kind} needs sections`);
  }
  if (kind === "scored_measure") {
    if (!definition.measures || definition.measures.length === 0) {
      add(definition.measures ? ["measures"] : [], "a scored_measure needs measures");
    }
  } else if (definition.measures) {
    add(["measures"], `measures are only for a scored_measure, not a ${kind}`);
  }

  // Ids.
  duplicates(sections.map((s) => s.id), (i, id) => add(["sections", i, "id"], `duplicate section id "${id}"`));
  const itemPaths: { id: string; path: (string | number)[] }[] = [];
  sections.forEach((section, s) =>
    section.items.forEach((item, i) => itemPaths.push({ id: item.id, path: ["sections", s, "items", i] })),
  );
  duplicates(itemPaths.map((p) => p.id), (i, id) => add([...itemPaths[i]!.path, "id"], `duplicate item id "${id}"`));
  (definition.statements ?? []).forEach((statement, i) => {
    if (statement.required && statement.flag) {
      add(["statements", i, "flag"], `required statement "${statement.id}" must not carry a flag (only optional ones do)`);
    }
    if (!statement.required && !statement.flag) {
      add(["statements", i], `optional statement "${statement.id}" needs a flag (${CONSENT_FLAGS.join(" | ")})`);
    }
  });
  duplicates((definition.statements ?? []).map((s) => s.id), (i, id) =>
    add(["statements", i, "id"], `duplicate statement id "${id}"`),
  );
  duplicates(
    (definition.statements ?? []).map((s) => s.flag ?? ""),
    (i, flag) => flag && add(["statements", i, "flag"], `flag "${flag}" is already used by another statement`),
  );
  duplicates((definition.measures ?? []).map((m) => m.id), (i, id) =>
    add(["measures", i, "id"], `duplicate measure id "${id}"`),
  );

  // Items.
  const order = new Map(itemPaths.map((p, index) => [p.id, index] as const));
  sections.forEach((section, s) =>
    section.items.forEach((item, i) => {
      const path = ["sections", s, "items", i];
      if (item.type === "single_choice" || item.type === "multiple_choice") {
        duplicates(item.options.map((o) => o.value), (o, value) =>
          add([...path, "options", o, "value"], `duplicate option value "${value}" in item "${item.id}"`),
        );
      }
      if (item.type === "rating" || item.type === "scale_0_10") checkScale(item, [...path, "scale"], add);
      if (item.type === "list") {
        duplicates(item.entries.map((e) => e.id), (e, id) =>
          add([...path, "entries", e, "id"], `duplicate entry id "${id}" in list "${item.id}"`),
        );
      }
      if (item.type === "number" && item.min !== undefined && item.max !== undefined && item.min > item.max) {
        add([...path, "max"], `max (${item.max}) is below min (${item.min})`);
      }
      if (item.show_if) {
        const showPath = [...path, "show_if"];
        const target = itemPaths.find((p) => p.id === item.show_if!.item);
        const position = order.get(item.id)!;
        const targetPosition = order.get(item.show_if.item);
        if (!target || targetPosition === undefined) {
          add([...showPath, "item"], `show_if names unknown item "${item.show_if.item}"`);
        } else if (targetPosition >= position) {
          add(
            [...showPath, "item"],
            item.show_if.item === item.id
              ? `show_if of item "${item.id}" names the item itself; it must name an earlier item`
              : `show_if of item "${item.id}" names "${item.show_if.item}", which comes later; it must name an earlier item`,
          );
        } else {
          const targetItem = findItem(definition, item.show_if.item)!;
          if (!isAnswerItem(targetItem) || targetItem.type === "short_text" || targetItem.type === "long_text") {
            add([...showPath, "item"], `show_if names "${targetItem.id}", a ${targetItem.type} item, which has no answer to compare`);
          } else {
            const values = "equals" in item.show_if ? [item.show_if.equals] : item.show_if.in;
            values.forEach((value, v) => {
              if (!isValidAnswerCode(targetItem, value)) {
                add(
                  "equals" in item.show_if! ? [...showPath, "equals"] : [...showPath, "in", v],
                  `show_if value ${JSON.stringify(value)} is not an answer of item "${targetItem.id}" (${describeAnswers(targetItem)})`,
                );
              }
            });
          }
        }
      }
    }),
  );

  // Measures.
  (definition.measures ?? []).forEach((measure, m) => {
    const path = ["measures", m];
    measure.items.forEach((id, i) => {
      const item = findItem(definition, id);
      if (!item) add([...path, "items", i], `measure "${measure.id}" names unknown item "${id}"`);
      else if (item.type !== "rating" && item.type !== "scale_0_10" && item.type !== "number") {
        add([...path, "items", i], `measure "${measure.id}" names "${id}", a ${item.type} item; only rating, scale_0_10 and number items can be scored`);
      }
    });
    duplicates(measure.items, (i, id) => add([...path, "items", i], `item "${id}" is listed twice in measure "${measure.id}"`));
    measure.reverse.forEach((id, i) => {
      if (!measure.items.includes(id)) {
        add([...path, "reverse", i], `reverse item "${id}" is not one of measure "${measure.id}"'s items`);
      } else {
        const item = findItem(definition, id);
        if (item && !itemRange(item)) add([...path, "reverse", i], `reverse item "${id}" needs a min and max to be reversed`);
      }
    });
    if (measure.min_answered !== undefined && measure.min_answered > measure.items.length) {
      add([...path, "min_answered"], `min_answered (${measure.min_answered}) is more than the ${measure.items.length} items`);
    }
    if (measure.range.min >= measure.range.max) add([...path, "range"], "range.min must be below range.max");
    const bands = measure.bands ?? [];
    duplicates(bands.map((b) => b.id), (i, id) => add([...path, "bands", i, "id"], `duplicate band id "${id}"`));
    bands.forEach((band, b) => {
      const last = b === bands.length - 1;
      if (last && band.max !== undefined) add([...path, "bands", b, "max"], "the last band has no max (it takes every higher score)");
      if (!last && band.max === undefined) add([...path, "bands", b], `band "${band.id}" needs a max (only the last band has none)`);
      const previous = bands[b - 1]?.max;
      if (band.max !== undefined && previous !== undefined && band.max <= previous) {
        add([...path, "bands", b, "max"], `bands must ascend: ${band.max} is not above ${previous}`);
      }
    });
  });
  return issues;
}

function checkScale(
  item: ScaleItem,
  path: (string | number)[],
  add: (path: (string | number)[], message: string) => void,
) {
  const { min, max, labels } = item.scale;
  if (item.type === "scale_0_10" && (min !== 0 || max !== 10)) {
    add(path, "a scale_0_10 scale has min: 0 and max: 10");
    return;
  }
  if (min >= max) {
    add([...path, "max"], `max (${max}) must be above min (${min})`);
    return;
  }
  if (max - min > 20) {
    add([...path, "max"], `a rating has at most 21 points (${min}..${max} has ${max - min + 1}); use a number item`);
    return;
  }
  for (const key of Object.keys(labels)) {
    const point = Number(key);
    if (point < min || point > max) add([...path, "labels", key], `label ${key} is outside the scale ${min}..${max}`);
  }
  if (item.type === "rating") {
    const missing = range(min, max).filter((point) => labels[String(point)] === undefined);
    if (missing.length > 0) add([...path, "labels"], `a rating needs a label for every point; missing ${missing.join(", ")}`);
  } else {
    const missing = [min, max].filter((point) => labels[String(point)] === undefined);
    if (missing.length > 0) add([...path, "labels"], `a scale_0_10 needs labels at both ends; missing ${missing.join(", ")}`);
  }
}

/** Whether `value` (from show_if, written in YAML) is an answer code the item can record. */
export function isValidAnswerCode(item: AnswerItem, value: string | number): boolean {
  switch (item.type) {
    case "yes_no":
      return value === "yes" || value === "no";
    case "single_choice":
    case "multiple_choice":
      return item.options.some((o) => o.value === value);
    case "rating":
    case "scale_0_10":
      return typeof value === "number" && Number.isInteger(value) && value >= item.scale.min && value <= item.scale.max;
    case "number":
      return (
        typeof value === "number" &&
        (!item.integer || Number.isInteger(value)) &&
        (item.min === undefined || value >= item.min) &&
        (item.max === undefined || value <= item.max)
      );
    default:
      return false;
  }
}

function describeAnswers(item: AnswerItem): string {
  switch (item.type) {
    case "yes_no":
      return "yes or no";
    case "single_choice":
    case "multiple_choice":
      return `one of ${item.options.map((o) => o.value).join(", ")}`;
    case "rating":
    case "scale_0_10":
      return `a whole number ${item.scale.min}..${item.scale.max}`;
    case "number":
      return `a number${item.min !== undefined ? ` ≥ ${item.min}` : ""}${item.max !== undefined ? ` ≤ ${item.max}` : ""}`;
    default:
      return "text";
  }
}

function range(min: number, max: number): number[] {
  return Array.from({ length: max - min + 1 }, (_, i) => min + i);
}

/** Calls `report` for the second and later occurrences of a value. */
function duplicates(values: string[], report: (index: number, value: string) => void) {
  const seen = new Set<string>();
  values.forEach((value, index) => {
    if (seen.has(value)) report(index, value);
    seen.add(value);
  });
}
