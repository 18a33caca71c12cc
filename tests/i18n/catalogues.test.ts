import { parse } from "@formatjs/icu-messageformat-parser";
import { describe, expect, it } from "vitest";
import { messagesFor, participantAreas, participantLanguages, readCatalogues } from "../../app/i18n/catalogues.server";
import { makeTranslate } from "../../app/i18n/intl";
import { getLanguage, languages, sourceLanguage, type LanguageCode } from "../../app/i18n/languages";

const catalogues = readCatalogues();
/** Languages shipped in every area, workspace included. */
const required = ["en", "cy", "ar", "fa"] as const;
/** Languages shipped to participants only (docs/decisions/004-more-languages.md): the workspace falls back to English. */
const participantOnly = ["ps", "ckb"] as const;

describe("UI catalogues", () => {
  const areas = Object.keys(catalogues[sourceLanguage]);

  it("has the source catalogue for every area", () => {
    expect(areas.length).toBeGreaterThan(0);
  });

  for (const language of required) {
    for (const area of areas) {
      it(`${area}/${language}.json has exactly the English keys`, () => {
        const english = Object.keys(catalogues.en[area] ?? {}).sort();
        const translated = Object.keys(catalogues[language][area] ?? {}).sort();
        expect({ missing: english.filter((k) => !translated.includes(k)), extra: translated.filter((k) => !english.includes(k)) }).toEqual({
          missing: [],
          extra: [],
        });
      });
    }
  }

  for (const language of participantOnly) {
    for (const area of participantAreas) {
      it(`${area}/${language}.json has exactly the English keys`, () => {
        expect(catalogues[language][area], `${area}/${language}.json is missing`).toBeDefined();
        const english = Object.keys(catalogues.en[area] ?? {}).sort();
        const translated = Object.keys(catalogues[language][area] ?? {}).sort();
        expect({ missing: english.filter((k) => !translated.includes(k)), extra: translated.filter((k) => !english.includes(k)) }).toEqual({
          missing: [],
          extra: [],
        });
      });
    }

    it(`${language} ships to participants, and its missing workspace areas fall back to English message by message`, () => {
      expect(participantLanguages()).toContain(language);
      const merged = messagesFor(language);
      expect(Object.keys(merged).sort()).toEqual(Object.keys(messagesFor("en")).sort());
      for (const area of Object.keys(catalogues.en)) {
        const expected = participantAreas.includes(area as never)
          ? catalogues[language][area]
          : (catalogues[language][area] ?? catalogues.en[area]);
        for (const [key, message] of Object.entries(messagesFor(language, [area])))
          expect(message, key).toBe(expected?.[key] ?? catalogues.en[area]![key]);
      }
      // A workspace message in Pashto or Sorani is the English one, formatted without error.
      const t = makeTranslate(language, merged);
      expect(t("common.home.signIn")).toBe(catalogues[language].common!["common.home.signIn"]);
    });

    it(`${language} participant texts use Arabic-script punctuation (، ؟ ؛), not Latin`, () => {
      for (const area of participantAreas) {
        for (const [key, message] of Object.entries(catalogues[language][area] ?? {})) {
          // Latin letters and digits are allowed where they are meant (the app's name, an example code).
          expect(literalText(parse(message)), `${area}/${language}.json ${key}`).not.toMatch(/[,?;]/);
        }
      }
    });
  }

  it("offers participants every language with participant catalogues, and only those", () => {
    expect(participantLanguages()).toEqual(["en", "cy", "ar", "fa", "ps", "ckb"]);
  });

  for (const language of languages) {
    it(`every ${language.code} message parses as ICU and uses only the English placeholders`, () => {
      for (const area of Object.keys(catalogues[language.code])) {
        for (const [key, message] of Object.entries(catalogues[language.code][area] ?? {})) {
          expect(() => parse(message), `${area}/${language.code}.json ${key}`).not.toThrow();
          const english = catalogues.en[area]?.[key];
          if (english) expect(placeholders(message), `${language.code} ${key}`).toEqual(placeholders(english));
        }
      }
    });
  }
});

describe("language registry", () => {
  it("gives right-to-left for Arabic, Farsi, Pashto and Sorani, and left-to-right for Welsh", () => {
    expect(["ar", "fa", "ps", "ckb"].map((c) => getLanguage(c).dir)).toEqual(["rtl", "rtl", "rtl", "rtl"]);
    expect(getLanguage("cy").dir).toBe("ltr");
    expect(getLanguage("en").dir).toBe("ltr");
  });

  it("names every language in itself", () => {
    expect(getLanguage("cy").endonym).toBe("Cymraeg");
    expect(getLanguage("ar").endonym).toBe("العربية");
  });

  for (const language of languages) {
    it(`${language.code} plural categories match CLDR`, () => {
      const cldr = new Intl.PluralRules(language.code).resolvedOptions().pluralCategories;
      expect([...cldr].sort()).toEqual([...language.pluralCategories].sort());
    });
  }
});

describe("plurals in Welsh and Arabic", () => {
  const message = "{count, plural, zero {Z} one {O} two {T} few {F} many {M} other {X}}";
  it("uses all six Welsh categories", () => {
    const t = makeTranslate("cy", { m: message });
    expect([0, 1, 2, 3, 6, 4, 10].map((count) => t("m", { count }))).toEqual(["Z", "O", "T", "F", "M", "X", "X"]);
  });
  it("uses all six Arabic categories", () => {
    const t = makeTranslate("ar", { m: message });
    expect([0, 1, 2, 3, 11, 100].map((count) => t("m", { count }))).toEqual(["Z", "O", "T", "F", "M", "X"]);
  });
  for (const language of ["cy", "ar"] as const) {
    it(`every ${language} plural message in the catalogues gives all six forms`, () => {
      let plurals = 0;
      for (const area of Object.keys(catalogues[language])) {
        for (const [key, message] of Object.entries(catalogues[language][area] ?? {})) {
          for (const options of pluralOptions(parse(message))) {
            plurals++;
            expect(options.filter((o) => !o.startsWith("=")).sort(), `${language} ${key}`).toEqual([
              "few",
              "many",
              "one",
              "other",
              "two",
              "zero",
            ]);
          }
        }
      }
      expect(plurals).toBeGreaterThan(0);
    });
  }
});

describe("plural categories in every catalogue", () => {
  for (const language of languages) {
    it(`every ${language.code} plural message gives exactly the CLDR categories (Intl.PluralRules)`, () => {
      const cldr = [...new Intl.PluralRules(language.code).resolvedOptions().pluralCategories].sort();
      const areas = Object.keys(catalogues[language.code]);
      let plurals = 0;
      for (const area of areas) {
        for (const [key, message] of Object.entries(catalogues[language.code][area] ?? {})) {
          for (const options of pluralOptions(parse(message))) {
            plurals++;
            expect(options.filter((o) => !o.startsWith("=")).sort(), `${area}/${language.code}.json ${key}`).toEqual(cldr);
          }
        }
      }
      if ((participantOnly as readonly string[]).includes(language.code)) expect(plurals).toBeGreaterThan(0);
    });
  }

  for (const language of participantOnly) {
    it(`${language}: one for 1, other for 0, 2 and 5, with the language's own digits`, () => {
      const t = makeTranslate(language as LanguageCode, { m: "{count, plural, one {O #} other {X #}}" });
      const digits = new Intl.NumberFormat(language).format;
      expect([0, 1, 2, 5].map((count) => t("m", { count }))).toEqual([
        `X ${digits(0)}`,
        `O ${digits(1)}`,
        `X ${digits(2)}`,
        `X ${digits(5)}`,
      ]);
    });
  }
});

function literalText(elements: ReturnType<typeof parse>): string {
  let text = "";
  for (const element of elements) {
    if (element.type === 0) text += element.value;
    if ("options" in element) for (const option of Object.values(element.options)) text += literalText(option.value);
  }
  return text;
}

function pluralOptions(elements: ReturnType<typeof parse>): string[][] {
  const found: string[][] = [];
  for (const element of elements) {
    if (element.type === 6) found.push(Object.keys(element.options));
    if ("options" in element) for (const option of Object.values(element.options)) found.push(...pluralOptions(option.value));
  }
  return found;
}

function placeholders(message: string): string[] {
  const found = new Set<string>();
  const walk = (elements: ReturnType<typeof parse>) => {
    for (const element of elements) {
      if ("value" in element && typeof element.value === "string" && element.type !== 0) found.add(element.value);
      if ("options" in element) for (const option of Object.values(element.options)) walk(option.value);
    }
  };
  walk(parse(message));
  return [...found].sort();
}
