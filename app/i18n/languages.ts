/**
 * The language registry. Direction and names come from here, never from guessing at text: a
 * participant's Arabic answer quoted in an English page is still Arabic, and a Welsh page is never
 * right-to-left because someone typed a Farsi name into it.
 */
export interface Language {
  /** BCP 47 tag used in URLs, files and the database. */
  code: string;
  /** The language's name in itself, as a participant looks for it. */
  endonym: string;
  /** The English name, for researchers' lists. */
  englishName: string;
  dir: "ltr" | "rtl";
  /** CLDR cardinal plural categories (Intl.PluralRules agrees; tests check). */
  pluralCategories: Intl.LDMLPluralRule[];
}

export const languages = [
  { code: "en", endonym: "English", englishName: "English", dir: "ltr", pluralCategories: ["one", "other"] },
  { code: "cy", endonym: "Cymraeg", englishName: "Welsh", dir: "ltr", pluralCategories: ["zero", "one", "two", "few", "many", "other"] },
  { code: "ar", endonym: "العربية", englishName: "Arabic", dir: "rtl", pluralCategories: ["zero", "one", "two", "few", "many", "other"] },
  { code: "fa", endonym: "فارسی", englishName: "Farsi", dir: "rtl", pluralCategories: ["one", "other"] },
  { code: "ps", endonym: "پښتو", englishName: "Pashto", dir: "rtl", pluralCategories: ["one", "other"] },
  { code: "ckb", endonym: "کوردیی ناوەندی", englishName: "Sorani Kurdish", dir: "rtl", pluralCategories: ["one", "other"] },
] as const satisfies readonly Language[];

export type LanguageCode = (typeof languages)[number]["code"];
export const sourceLanguage: LanguageCode = "en";
export const languageCodes = languages.map((l) => l.code) as LanguageCode[];

export function isLanguageCode(value: unknown): value is LanguageCode {
  return typeof value === "string" && (languageCodes as string[]).includes(value);
}

export function getLanguage(code: string): Language {
  return languages.find((l) => l.code === code) ?? languages[0];
}
