/**
 * One numbering system (and one calendar) per language, so every number and date on a page reads
 * the same way: ADR 064, "Digits and dates". Intl and ICU messages use these through the intl
 * instance (intl.ts); code that shows a number outside a message uses formatNumberFor.
 *
 * Farsi and Pashto use Persian digits (۰–۹, Intl's `arabext`), Sorani Arabic-Indic digits (٠–٩,
 * `arab`): Intl's defaults for those languages, and what their catalogues already print. Arabic
 * keeps Latin digits, as UK Arabic-language services commonly print them. Pinned here rather than
 * left to the runtime's CLDR, whose defaults have changed between versions (Arabic did).
 *
 * Study dates are Gregorian, so every language formats them in the Gregorian calendar: Intl's
 * default for `fa` and `ps` is the solar Hijri calendar, which would turn "December 2026" into a
 * month that starts on 22 November. English dates are en-GB (day month year), never US order.
 */
import type { LanguageCode } from "./languages";

export type NumberingSystem = "latn" | "arab" | "arabext";

const numbering: Record<LanguageCode, NumberingSystem> = {
  en: "latn",
  cy: "latn",
  ar: "latn",
  fa: "arabext",
  ps: "arabext",
  ckb: "arab",
};

/** The locale whose date order a language's pages use (only English differs from its code). */
const dateRegion: Partial<Record<LanguageCode, string>> = { en: "en-GB" };

export function numberingSystemOf(language: string): NumberingSystem {
  return numbering[language as LanguageCode] ?? "latn";
}

/**
 * The BCP 47 tag for formatting a language's numbers and dates: "fa-u-ca-gregory-nu-arabext".
 * Use it as the locale of Intl.NumberFormat / DateTimeFormat; `lang` attributes keep the plain code.
 */
export function formattingLocale(language: string): string {
  const base = dateRegion[language as LanguageCode] ?? language;
  return `${base}-u-ca-gregory-nu-${numberingSystemOf(language)}`;
}

const zero: Record<NumberingSystem, number> = { latn: 0x30, arab: 0x660, arabext: 0x6f0 };

/**
 * A number as the language writes it, without grouping (scale points, page numbers). Strings of
 * Latin digits are converted digit by digit; nothing else in them changes.
 */
export function formatNumberFor(language: string, value: number | string): string {
  if (typeof value === "number") return numberFormat(language).format(value);
  const base = zero[numberingSystemOf(language)];
  return value.replace(/[0-9]/g, (d) => String.fromCharCode(base + d.charCodeAt(0) - 0x30));
}

// Building an Intl.NumberFormat costs far more than using one; a page formats every scale point.
const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(language: string): Intl.NumberFormat {
  let format = numberFormats.get(language);
  if (!format) numberFormats.set(language, (format = new Intl.NumberFormat(formattingLocale(language), { useGrouping: false })));
  return format;
}
