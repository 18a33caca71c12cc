import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { IntlMessageFormat } from "intl-messageformat";
import {
  allItems,
  isAnswerItem,
  type InstrumentDefinition,
  type Item,
  type ShowIf,
  type Translations,
} from "./schema";

/*
 * Every text of an instrument has a message key (its path); a translation file maps the same keys to
 * the language's messages. The keys are derived from the definition, never written by hand, so the
 * base file and its translations cannot drift apart without `instruments check` noticing.
 */

export const SOURCE_LANGUAGE = "en";

export interface MessageEntry {
  key: string;
  /** The English ICU message. */
  text: string;
  /** Where it is in the base file (sections[0].items[2].text → ["sections", 0, "items", 2, "text"]). */
  path: (string | number)[];
}

/**
 * Every text of a definition with its message key, in document order. Keys use ids and option values,
 * never positions, so reordering items does not invalidate a translation.
 */
export function instrumentMessageEntries(definition: InstrumentDefinition): MessageEntry[] {
  const entries: MessageEntry[] = [];
  const put = (key: string, text: string | undefined, path: (string | number)[]) => {
    if (text !== undefined) entries.push({ key, text, path });
  };
  put("title", definition.title, ["title"]);
  put("description", definition.description, ["description"]);
  (definition.sections ?? []).forEach((section, s) => {
    put(`sections.${section.id}.title`, section.title, ["sections", s, "title"]);
    put(`sections.${section.id}.intro`, section.intro, ["sections", s, "intro"]);
    section.items.forEach((item, i) => {
      const key = `items.${item.id}`;
      const path = ["sections", s, "items", i];
      if ("text" in item) put(`${key}.text`, item.text, [...path, "text"]);
      if ("hint" in item) put(`${key}.hint`, item.hint, [...path, "hint"]);
      if (item.type === "rating" || item.type === "scale_0_10") {
        for (const point of Object.keys(item.scale.labels).sort((a, b) => Number(a) - Number(b))) {
          put(`${key}.scale.labels.${point}`, item.scale.labels[point], [...path, "scale", "labels", point]);
        }
      }
      if (item.type === "list") {
        item.entries.forEach((entry, e) => put(`${key}.entries.${entry.id}.text`, entry.text, [...path, "entries", e, "text"]));
      }
      if (item.type === "single_choice" || item.type === "multiple_choice") {
        item.options.forEach((option, o) =>
          put(`${key}.options.${option.value}.label`, option.label, [...path, "options", o, "label"]),
        );
      }
    });
  });
  (definition.statements ?? []).forEach((statement, s) =>
    put(`statements.${statement.id}.text`, statement.text, ["statements", s, "text"]),
  );
  (definition.measures ?? []).forEach((measure, m) => {
    const key = `measures.${measure.id}`;
    const path = ["measures", m];
    put(`${key}.name`, measure.name, [...path, "name"]);
    (measure.bands ?? []).forEach((band, b) => put(`${key}.bands.${band.id}.label`, band.label, [...path, "bands", b, "label"]));
    put(`${key}.attribution`, measure.attribution, [...path, "attribution"]);
    put(`${key}.licence`, measure.licence, [...path, "licence"]);
    put(`${key}.source`, measure.source, [...path, "source"]);
  });
  return entries;
}

/**
 * The flat key → English ICU message map of a definition, in document order: what a translation file's
 * `messages` must contain, key for key.
 */
export function instrumentMessages(definition: InstrumentDefinition): Record<string, string> {
  return Object.fromEntries(instrumentMessageEntries(definition).map((entry) => [entry.key, entry.text]));
}

// Instruments are plain text: `<` and `>` are ordinary characters, not markup tags.
const PARSER_OPTIONS = { ignoreTag: true, requiresOtherClause: true } as const;

const ICU_ERRORS: Record<string, string> = {
  EXPECT_ARGUMENT_CLOSING_BRACE: "a { is not closed",
  EMPTY_ARGUMENT: "{} is empty",
  MALFORMED_ARGUMENT: "an argument name inside { } is malformed",
  UNCLOSED_QUOTE_IN_ARGUMENT_STYLE: "a quote is not closed",
  MISSING_OTHER_CLAUSE: "a plural or select needs an `other` case",
  INVALID_ARGUMENT_TYPE: "unknown argument type (use number, date, time, plural, select or selectordinal)",
};

export type IcuCheck = { ok: true; arguments: string[] } | { ok: false; error: string };

/**
 * Whether a message parses as ICU, and the argument names it uses. A literal `{` is written `'{'`.
 */
export function checkIcuMessage(message: string): IcuCheck {
  try {
    const ast = parse(message, PARSER_OPTIONS);
    return { ok: true, arguments: [...argumentNames(ast)].sort() };
  } catch (error) {
    const code = (error as Error).message;
    const offset = (error as { location?: { start?: { offset?: number } } }).location?.start?.offset;
    const what = ICU_ERRORS[code] ?? code;
    return {
      ok: false,
      error: `not a valid ICU message: ${what}${offset !== undefined ? ` (at character ${offset + 1})` : ""}; write a literal { or } as '{' or '}'`,
    };
  }
}

function argumentNames(elements: MessageFormatElement[], names = new Set<string>()): Set<string> {
  for (const element of elements) {
    if (element.type === TYPE.literal || element.type === TYPE.pound) continue;
    names.add(element.value);
    if (element.type === TYPE.select || element.type === TYPE.plural) {
      for (const option of Object.values(element.options)) argumentNames(option.value, names);
    }
    if (element.type === TYPE.tag) argumentNames(element.children, names);
  }
  return names;
}

export type MessageValues = Record<string, string | number | Date>;

export interface LocalisedMessage {
  text: string;
  /** The language the text is in: the requested one, or English when it fell back. */
  language: string;
  /** True when the requested language lacked this message and English was used instead. */
  fallback: boolean;
}

export interface Localiser {
  /** The formatted message for `key` in the localiser's language, or English when it has none. */
  (key: string, values?: MessageValues): string;
  /** The same, saying which language the text is in (for a `lang` attribute) and whether it fell back. */
  detail(key: string, values?: MessageValues): LocalisedMessage;
  /** Whether `key` exists in the instrument at all. */
  has(key: string): boolean;
  language: string;
  /** The translation's review state; undefined for English or an absent translation. */
  review: Translations[string]["review"] | undefined;
}

/**
 * A message function for one instrument version in one language. A missing translation (or a missing
 * message in it) falls back to the English text, and `detail` reports that it did so. An unknown key
 * is a programming error and throws.
 */
export function localise(definition: InstrumentDefinition, translations: Translations, language: string): Localiser {
  const english = instrumentMessages(definition);
  const translation = language === SOURCE_LANGUAGE ? undefined : translations[language];
  const compiled = new Map<string, IntlMessageFormat>();
  const format = (source: string, lang: string, values: MessageValues | undefined) => {
    const cacheKey = `${lang}\u0000${source}`;
    let formatter = compiled.get(cacheKey);
    if (!formatter) {
      formatter = new IntlMessageFormat(source, lang, undefined, { ignoreTag: true });
      compiled.set(cacheKey, formatter);
    }
    return String(formatter.format(values));
  };
  const detail = (key: string, values?: MessageValues): LocalisedMessage => {
    const source = english[key];
    if (source === undefined) throw new Error(`Instrument ${definition.id} v${definition.version} has no message "${key}".`);
    const translated = translation?.messages[key];
    if (translated !== undefined) return { text: format(translated, language, values), language, fallback: false };
    return {
      text: format(source, SOURCE_LANGUAGE, values),
      language: SOURCE_LANGUAGE,
      fallback: language !== SOURCE_LANGUAGE,
    };
  };
  const t = ((key: string, values?: MessageValues) => detail(key, values).text) as Localiser;
  t.detail = detail;
  t.has = (key) => key in english;
  t.language = language;
  t.review = translation?.review;
  return t;
}

/** Message keys for the parts of an item, so pages need not build key strings themselves. */
export const messageKeys = {
  title: "title",
  description: "description",
  sectionTitle: (sectionId: string) => `sections.${sectionId}.title`,
  sectionIntro: (sectionId: string) => `sections.${sectionId}.intro`,
  itemText: (itemId: string) => `items.${itemId}.text`,
  itemHint: (itemId: string) => `items.${itemId}.hint`,
  scaleLabel: (itemId: string, point: number | string) => `items.${itemId}.scale.labels.${point}`,
  optionLabel: (itemId: string, value: string) => `items.${itemId}.options.${value}.label`,
  listEntry: (itemId: string, entryId: string) => `items.${itemId}.entries.${entryId}.text`,
  statementText: (statementId: string) => `statements.${statementId}.text`,
  measureName: (measureId: string) => `measures.${measureId}.name`,
  bandLabel: (measureId: string, bandId: string) => `measures.${measureId}.bands.${bandId}.label`,
  measureAttribution: (measureId: string) => `measures.${measureId}.attribution`,
} as const;

// ---------------------------------------------------------------------------------------------------
// Answers

export type AnswerError =
  | "not_answerable" // a heading, text block, contact block or prompt got an answer
  | "not_an_option" // not yes/no, or not one of the item's option values
  | "not_a_number"
  | "not_an_integer"
  | "out_of_range"
  | "too_long"
  | "invalid_characters" // control characters (other than newline and tab) or broken Unicode
  | "multiple_values"; // several values for an item that takes one

/** A parsed answer: yes/no and option codes as strings, multiple choice as a list, scales as numbers. */
export type AnswerValue = string | number | string[];
export type ParsedAnswer = { ok: true; value: AnswerValue | undefined } | { ok: false; error: AnswerError };

// C0 controls except tab (\u0009) and newline (\u000A), DEL, C1 controls, and unpaired surrogates.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const FORBIDDEN = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Validates and normalises one answer as it arrives from a form field or an imported CSV cell. Every
 * question is optional, so an absent or blank answer is `{ ok: true, value: undefined }` (skipped).
 * Values are the item's answer codes: "yes"/"no", option values, whole numbers for scales.
 */
export function parseAnswer(item: Item, raw: string | string[] | undefined): ParsedAnswer {
  const values = (raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]).filter((v) => v.trim() !== "");
  if (values.length === 0) return { ok: true, value: undefined };
  if (!isAnswerItem(item)) return { ok: false, error: "not_answerable" };

  if (item.type === "multiple_choice") {
    const chosen = new Set(values.map((v) => v.trim()));
    if ([...chosen].some((v) => !item.options.some((o) => o.value === v))) return { ok: false, error: "not_an_option" };
    // Stored in the options' order, so the same choices always give the same value.
    return { ok: true, value: item.options.map((o) => o.value).filter((v) => chosen.has(v)) };
  }

  const distinct = new Set(item.type === "short_text" || item.type === "long_text" ? values : values.map((v) => v.trim()));
  if (distinct.size > 1) return { ok: false, error: "multiple_values" };
  const value = values[0]!;

  switch (item.type) {
    case "yes_no": {
      const code = value.trim();
      return code === "yes" || code === "no" ? { ok: true, value: code } : { ok: false, error: "not_an_option" };
    }
    case "single_choice": {
      const code = value.trim();
      return item.options.some((o) => o.value === code) ? { ok: true, value: code } : { ok: false, error: "not_an_option" };
    }
    case "rating":
    case "scale_0_10": {
      const number = parseNumber(value);
      if (number === undefined) return { ok: false, error: "not_a_number" };
      if (!Number.isInteger(number)) return { ok: false, error: "not_an_integer" };
      if (number < item.scale.min || number > item.scale.max) return { ok: false, error: "out_of_range" };
      return { ok: true, value: number };
    }
    case "number": {
      const number = parseNumber(value);
      if (number === undefined) return { ok: false, error: "not_a_number" };
      if (item.integer && !Number.isInteger(number)) return { ok: false, error: "not_an_integer" };
      if ((item.min !== undefined && number < item.min) || (item.max !== undefined && number > item.max)) {
        return { ok: false, error: "out_of_range" };
      }
      return { ok: true, value: number };
    }
    case "short_text":
    case "long_text": {
      // Line endings from browsers (CRLF) and old files (CR) are stored as \n; NFC so that the same
      // visible text is the same stored text, whatever keyboard produced it.
      const text = value.replace(/\r\n?/g, "\n").trim();
      if (FORBIDDEN.test(text)) return { ok: false, error: "invalid_characters" };
      const normalised = text.normalize("NFC");
      if ([...normalised].length > item.max_length) return { ok: false, error: "too_long" };
      return { ok: true, value: normalised };
    }
  }
}

/** A plain decimal number ("12", "-3", "2.5"); no exponents, thousands separators or hex. */
function parseNumber(raw: string): number | undefined {
  const text = raw.trim();
  if (!/^-?(\d+(\.\d+)?|\.\d+)$/.test(text)) return undefined;
  const number = Number(text);
  return Number.isFinite(number) ? number : undefined;
}

/**
 * Whether an item with `show_if` is shown, given the answers so far (parsed values by item id). A
 * multiple-choice answer matches when any chosen value matches. An unanswered condition hides the item.
 */
export function isShown(item: { show_if?: ShowIf }, answers: Record<string, AnswerValue | undefined>): boolean {
  const condition = item.show_if;
  if (!condition) return true;
  const answer = answers[condition.item];
  if (answer === undefined) return false;
  const wanted = "equals" in condition ? [condition.equals] : condition.in;
  const given = Array.isArray(answer) ? answer : [answer];
  return given.some((value) => wanted.some((w) => w === value));
}

/** The items that record answers, in document order: the export columns of an instrument version. */
export function answerItemIds(definition: InstrumentDefinition): string[] {
  return allItems(definition)
    .map(({ item }) => item)
    .filter(isAnswerItem)
    .map((item) => item.id);
}
