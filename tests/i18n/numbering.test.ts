// One numbering system and the Gregorian calendar per language (ADR 064, "Digits and dates"): the
// helper, and messages formatted through the intl instance agree with it.
import { describe, expect, it } from "vitest";
import { makeTranslate } from "../../app/i18n/intl";
import { formatNumberFor, formattingLocale, numberingSystemOf } from "../../app/i18n/numbering";

const day = new Date("2026-12-02T12:00:00Z");

describe("numbering per language", () => {
  it("Farsi and Pashto write Persian digits, Sorani Arabic-Indic, Arabic, Welsh and English Latin", () => {
    expect(["en", "cy", "ar", "fa", "ps", "ckb"].map(numberingSystemOf)).toEqual(["latn", "latn", "latn", "arabext", "arabext", "arab"]);
    expect(formatNumberFor("fa", 10)).toBe("۱۰");
    expect(formatNumberFor("ps", 0)).toBe("۰");
    expect(formatNumberFor("ckb", 7)).toBe("٧");
    expect(formatNumberFor("ar", 10)).toBe("10");
    expect(formatNumberFor("cy", 1234)).toBe("1234");
    // Strings of digits convert digit by digit; other characters stay.
    expect(formatNumberFor("fa", "2 / 3")).toBe("۲ / ۳");
  });

  it("page numbers in a message follow the language", () => {
    const progress = (language: "fa" | "ar" | "ckb") =>
      makeTranslate(language, { p: "{page, number} / {total, number}" })("p", { page: 2, total: 10 });
    expect(progress("fa")).toBe("۲ / ۱۰");
    expect(progress("ckb")).toBe("٢ / ١٠");
    expect(progress("ar")).toBe("2 / 10");
  });

  it("dates: Welsh and English day month year, Farsi in the Gregorian calendar and Persian digits", () => {
    const long = (language: "en" | "cy" | "fa" | "ps") => makeTranslate(language, { d: "{d, date, long}" })("d", { d: day });
    const month = (language: "fa" | "ps") => makeTranslate(language, { d: "{d, date, ::MMMMyyyy}" })("d", { d: day });
    expect(long("cy")).toBe("2 Rhagfyr 2026");
    expect(long("en")).toBe("2 December 2026");
    expect(long("fa")).toBe("۲ دسامبر ۲۰۲۶");
    // Gregorian December, not Azar 1405 (which starts on 22 November).
    expect(month("fa")).toBe("دسامبر ۲۰۲۶");
    expect(month("ps")).toContain("۲۰۲۶");
    expect(new Intl.DateTimeFormat(formattingLocale("fa")).resolvedOptions().calendar).toBe("gregory");
  });
});
