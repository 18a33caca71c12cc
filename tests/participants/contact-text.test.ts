/** Contact lines cut into text, phone numbers and e-mail addresses (issue 12 item 2; ADR 064). */
import { describe, expect, it } from "vitest";
import { contactParts } from "../../app/participants/contact-text";

const links = (text: string) =>
  contactParts(text)
    .filter((p) => p.kind !== "text")
    .map((p) => [p.kind, p.text, "href" in p ? p.href : ""]);

describe("contactParts", () => {
  it("finds UK helpline numbers, in Latin or Persian digits, and gives the number to dial", () => {
    expect(links("Call 0800 132 737 (free)")).toEqual([["tel", "0800 132 737", "tel:0800132737"]]);
    expect(links("با ۰۸۰۰ ۱۳۲ ۷۳۷ تماس بگیرید (رایگان)")).toEqual([["tel", "۰۸۰۰ ۱۳۲ ۷۳۷", "tel:0800132737"]]);
    expect(links("اتصل على ١١٦ ١٢٣")).toEqual([["tel", "١١٦ ١٢٣", "tel:116123"]]);
    expect(links("Ring +44 (0)29 2018 3000 or 999")).toEqual([
      ["tel", "+44 (0)29 2018 3000", "tel:+442920183000"],
      ["tel", "999", "tel:999"],
    ]);
  });

  it("leaves hours, years and short numbers as text", () => {
    expect(links("Open 24 hours, 9-5, since 2026, room 101")).toEqual([]);
  });

  it("makes e-mail addresses mailto: links and keeps the text around them whole", () => {
    const parts = contactParts("Demo research team, research@demo.tandem.test, Demo Council");
    expect(parts.map((p) => p.text).join("")).toBe("Demo research team, research@demo.tandem.test, Demo Council");
    expect(links("research@demo.tandem.test")).toEqual([["email", "research@demo.tandem.test", "mailto:research@demo.tandem.test"]]);
  });
});
