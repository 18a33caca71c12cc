import { describe, expect, it } from "vitest";
import { applyRedactions, findRedactionCandidates, redactionMarker, type RedactionKind } from "~/coding/redaction";

/** What a researcher sees flagged: [kind, text] in order. */
function flagged(text: string, names?: string[]): Array<[RedactionKind, string]> {
  return findRedactionCandidates(text, { names }).map((c) => [c.kind, c.text]);
}

/** Code point slice, the way offsets are defined. */
function cpSlice(text: string, start: number, end: number): string {
  return Array.from(text).slice(start, end).join("");
}

describe("findRedactionCandidates: contact details", () => {
  it("finds e-mail addresses, including non-Latin ones, without the sentence's full stop", () => {
    expect(flagged("Write to amira.hassan+tandem@example.org.uk or to siân@cymru.cymru.")).toEqual([
      ["email", "amira.hassan+tandem@example.org.uk"],
      ["email", "siân@cymru.cymru"],
    ]);
  });

  it("finds UK mobile and landline numbers however they are spaced", () => {
    expect(flagged("Ring me on 07700 900123, or 07700-900-456, home (029) 2018 0123 or 0117 496 0000.")).toEqual([
      ["phone", "07700 900123"],
      ["phone", "07700-900-456"],
      ["phone", "(029) 2018 0123"],
      ["phone", "0117 496 0000"],
    ]);
  });

  it("finds international numbers, including Syrian ones and +44 (0) forms", () => {
    expect(flagged("My brother in Damascus is +963 944 123 456 and my cousin 00963-11-234-5678; UK +44 (0)20 7946 0958.")).toEqual([
      ["phone", "+963 944 123 456"],
      ["phone", "00963-11-234-5678"],
      ["phone", "+44 (0)20 7946 0958"],
    ]);
    expect(flagged("رقمي +٩٦٣ ٩٤٤ ١٢٣ ٤٥٦ شكراً")).toEqual([["phone", "+٩٦٣ ٩٤٤ ١٢٣ ٤٥٦"]]);
  });

  it("does not take a number that follows the phone number into it", () => {
    expect(flagged("Call 07700 900123 5 times")).toEqual([["phone", "07700 900123"]]);
  });

  it("leaves ordinary figures alone", () => {
    expect(flagged("We met 12 people, 3 times a week for 2024 hours; score 1234567; £250.")).toEqual([]);
  });

  it("finds web addresses without trailing punctuation", () => {
    expect(
      flagged(
        "My story is at https://facebook.com/amira.h?id=123, and www.example.org/page (see https://en.wikipedia.org/wiki/Cardiff_(city)).",
      ),
    ).toEqual([
      ["url", "https://facebook.com/amira.h?id=123"],
      ["url", "www.example.org/page"],
      ["url", "https://en.wikipedia.org/wiki/Cardiff_(city)"],
    ]);
  });
});

describe("findRedactionCandidates: places, dates and references", () => {
  it("finds full UK postcodes in any case, with or without the space", () => {
    expect(flagged("We live near CF10 1AA now, before that sw1a 2aa and M11AE.")).toEqual([
      ["uk_postcode", "CF10 1AA"],
      ["uk_postcode", "sw1a 2aa"],
      ["uk_postcode", "M11AE"],
    ]);
    expect(flagged("The CF10 area is nice.")).toEqual([]);
    expect(flagged("Room B12 3rd floor, flat 4 2nd door")).toEqual([]);
  });

  it("flags every full date, in the forms people write them", () => {
    expect(
      flagged("Born 12/03/1990, arrived 3-9-21, interview 2023-11-05, and on 12th March 1990 or March 12, 1990 or 1 Sept. 2019."),
    ).toEqual([
      ["date_of_birth", "12/03/1990"],
      ["date_of_birth", "3-9-21"],
      ["date_of_birth", "2023-11-05"],
      ["date_of_birth", "12th March 1990"],
      ["date_of_birth", "March 12, 1990"],
      ["date_of_birth", "1 Sept. 2019"],
    ]);
  });

  it("flags Welsh and Arabic dates", () => {
    expect(flagged("Ces i fy ngeni ar 12fed o Fawrth 1990.")).toEqual([["date_of_birth", "12fed o Fawrth 1990"]]);
    expect(flagged("ولدت في ١٢ آذار ١٩٩٠ في حلب")).toEqual([["date_of_birth", "١٢ آذار ١٩٩٠"]]);
    expect(flagged("وصلت يوم 5 كانون الثاني 2022")).toEqual([["date_of_birth", "5 كانون الثاني 2022"]]);
  });

  it("does not flag a month and year alone, or impossible dates", () => {
    expect(flagged("We came in March 2019 and left 45/13/2020.")).toEqual([]);
  });

  it("finds Home Office references, UANs and the number after 'HO ref'", () => {
    expect(flagged("My Home Office letter says B1234567 and my UAN is 1234-5678-9012-3456.")).toEqual([
      ["home_office_reference", "B1234567"],
      ["home_office_reference", "1234-5678-9012-3456"],
    ]);
    expect(flagged("HO ref: 12345678/2, and Home Office reference number 987654")).toEqual([
      ["home_office_reference", "12345678/2"],
      ["home_office_reference", "987654"],
    ]);
  });

  it("finds port references and GWF numbers", () => {
    expect(flagged("At the airport they gave me LHR/12345/2024 and later GWF012345678. Also ABC12/345/2023.")).toEqual([
      ["port_reference", "LHR/12345/2024"],
      ["port_reference", "GWF012345678"],
      ["port_reference", "ABC12/345/2023"],
    ]);
  });
});

describe("findRedactionCandidates: names from the study's list", () => {
  it("finds names whatever their case, only as whole words", () => {
    expect(flagged("Amira said SAM helped; Samira and Samuel did not.", ["Amira", "Sam"])).toEqual([
      ["name", "Amira"],
      ["name", "SAM"],
    ]);
  });

  it("finds several-word names and Welsh names with diacritics", () => {
    expect(flagged("Rhys ap  Siôn and SIÔN met Dafydd.", ["Rhys ap Siôn", "Siôn", "Dafydd"])).toEqual([
      ["name", "Rhys ap  Siôn"],
      ["name", "SIÔN"],
      ["name", "Dafydd"],
    ]);
    // Decomposed ô (o + combining circumflex) as some systems paste it.
    expect(flagged("Siôn".normalize("NFD") + " came", ["Siôn"])).toEqual([["name", "Siôn".normalize("NFD")]]);
  });

  it("finds Arabic names with diacritics, alef variants and attached conjunctions", () => {
    expect(flagged("قال أحمد إن مُحَمَّد وصل مع فاطمه وأحمد", ["احمد", "محمد", "فاطمة"])).toEqual([
      ["name", "أحمد"],
      ["name", "مُحَمَّد"],
      ["name", "فاطمه"],
      ["name", "أحمد"],
    ]);
    // Not inside a longer word.
    expect(flagged("الأحمدي", ["أحمد"])).toEqual([]);
  });

  it("prefers the more specific finding when they overlap", () => {
    expect(flagged("Email amira@example.org", ["Amira"])).toEqual([["email", "amira@example.org"]]);
    expect(flagged("Amira Hassan and Amira", ["Amira", "Amira Hassan"])).toEqual([
      ["name", "Amira Hassan"],
      ["name", "Amira"],
    ]);
  });

  it("ignores empty and one-letter names", () => {
    expect(flagged("A cat and a dog", ["", "  ", "a"])).toEqual([]);
  });
});

describe("offsets", () => {
  it("are code point offsets, so emoji before a finding do not shift it", () => {
    const text = "🙏🏽👨‍👩‍👧 call 07700 900123 🙂 Amira";
    const found = findRedactionCandidates(text, { names: ["Amira"] });
    expect(found.map((f) => f.kind)).toEqual(["phone", "name"]);
    for (const f of found) expect(cpSlice(text, f.start, f.end)).toBe(f.text);
    expect(found[0]!.start).toBe(Array.from("🙏🏽👨‍👩‍👧 call ").length);
    expect(found[0]!.start).not.toBe("🙏🏽👨‍👩‍👧 call ".length);
  });

  it("hold in Arabic and Welsh text", () => {
    const text = "شكراً 🌙 لأحمد، رقمه ‎07700 900123‎ — diolch i Siân ŵ ŷ, CF10 1AA.";
    const found = findRedactionCandidates(text, { names: ["أحمد", "Siân"] });
    expect(found.map((f) => [f.kind, f.text])).toEqual([
      ["name", "أحمد"],
      ["phone", "07700 900123"],
      ["name", "Siân"],
      ["uk_postcode", "CF10 1AA"],
    ]);
    for (const f of found) expect(cpSlice(text, f.start, f.end)).toBe(f.text);
  });

  it("are sorted and never overlap", () => {
    const text = "Amira amira@example.org 12/03/1990 B1234567 https://x.org/B1234567 07700 900123";
    const found = findRedactionCandidates(text, { names: ["Amira", "example"] });
    for (let i = 1; i < found.length; i++) expect(found[i]!.start).toBeGreaterThanOrEqual(found[i - 1]!.end);
  });
});

describe("applyRedactions", () => {
  it("replaces what the researcher confirmed with neutral markers, leaving the rest word for word", () => {
    const text = "I'm Amira, call 07700 900123 or amira@example.org. We live at CF10 1AA.";
    const found = findRedactionCandidates(text, { names: ["Amira"] });
    expect(applyRedactions(text, found)).toBe(
      "I'm [redacted: name], call [redacted: phone] or [redacted: email]. We live at [redacted: uk postcode].",
    );
  });

  it("applies only the confirmed subset and researcher-added spans", () => {
    const text = "Amira works at the bakery on 12/03/1990.";
    const [name, date] = findRedactionCandidates(text, { names: ["Amira"] });
    const bakery = { start: 19, end: 25, kind: "workplace" };
    expect(applyRedactions(text, [name!, bakery])).toBe("[redacted: name] works at the [redacted: workplace] on 12/03/1990.");
    expect(applyRedactions(text, [date!])).toBe("Amira works at the bakery on [redacted: date of birth].");
    expect(applyRedactions(text, [])).toBe(text);
  });

  it("keeps emoji and Arabic around the markers intact", () => {
    const text = "🌙 وأحمد 🙂 +963 944 123 456!";
    const found = findRedactionCandidates(text, { names: ["أحمد"] });
    expect(applyRedactions(text, found)).toBe("🌙 و[redacted: name] 🙂 [redacted: phone]!");
  });

  it("merges overlapping spans into one marker", () => {
    expect(
      applyRedactions("abcdefghij", [
        { start: 2, end: 6, kind: "name" },
        { start: 4, end: 8, kind: "phone" },
      ]),
    ).toBe("ab[redacted: name, phone]ij");
  });

  it("refuses spans outside the text rather than publishing what they should have covered", () => {
    expect(() => applyRedactions("short", [{ start: 2, end: 9, kind: "name" }])).toThrow(RangeError);
    expect(() => applyRedactions("short", [{ start: 3, end: 3, kind: "name" }])).toThrow(RangeError);
    expect(() => applyRedactions("short", [{ start: -1, end: 2, kind: "name" }])).toThrow(RangeError);
  });

  it("names the kind in plain words", () => {
    expect(redactionMarker("home_office_reference")).toBe("[redacted: home office reference]");
  });
});
