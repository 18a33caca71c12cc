import { parse } from "@formatjs/icu-messageformat-parser";
import { describe, expect, it } from "vitest";
import { readCatalogues } from "../app/i18n/catalogues.server";
import { makeTranslate } from "../app/i18n/intl";
import { getLanguage, languages, sourceLanguage } from "../app/i18n/languages";

const catalogues = readCatalogues();
const required = ["en", "cy", "ar", "fa"] as const;

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
            expect(options.filter((o) => !o.startsWith("=")).sort(), `${language} ${key}`).toEqual(
              ["few", "many", "one", "other", "two", "zero"],
            );
          }
        }
      }
      expect(plurals).toBeGreaterThan(0);
    });
  }
});

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
