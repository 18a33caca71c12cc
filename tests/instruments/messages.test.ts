import { describe, expect, it } from "vitest";
import { instrumentMessages, isShown, localise, parseAnswer } from "../../app/instruments/messages";
import { instrumentDefinitionSchema, itemSchema, type Item } from "../../app/instruments/schema";

const item = (raw: unknown): Item => itemSchema.parse(raw);

describe("answers", () => {
  it("treats blank and absent answers as skipped", () => {
    const yesNo = item({ id: "a", type: "yes_no", text: "?" });
    expect(parseAnswer(yesNo, undefined)).toEqual({ ok: true, value: undefined });
    expect(parseAnswer(yesNo, "  ")).toEqual({ ok: true, value: undefined });
    expect(parseAnswer(yesNo, [])).toEqual({ ok: true, value: undefined });
    expect(parseAnswer(yesNo, " yes ")).toEqual({ ok: true, value: "yes" });
    expect(parseAnswer(yesNo, "Yes")).toEqual({ ok: false, error: "not_an_option" });
    expect(parseAnswer(yesNo, ["yes", "no"])).toEqual({ ok: false, error: "multiple_values" });
    expect(parseAnswer(item({ id: "h", type: "heading", text: "H" }), "x")).toEqual({ ok: false, error: "not_answerable" });
  });

  it("checks options, scales and numbers", () => {
    const options = [{ value: "weekly", label: "W" }, { value: "daily", label: "D" }];
    expect(parseAnswer(item({ id: "c", type: "single_choice", text: "?", options }), "monthly")).toEqual({ ok: false, error: "not_an_option" });
    const multi = item({ id: "m", type: "multiple_choice", text: "?", options });
    expect(parseAnswer(multi, ["daily", "weekly", "daily"])).toEqual({ ok: true, value: ["weekly", "daily"] });
    expect(parseAnswer(multi, ["daily", "never"])).toEqual({ ok: false, error: "not_an_option" });
    const rating = item({ id: "r", type: "rating", text: "?", scale: { min: 1, max: 3, labels: { 1: "a", 2: "b", 3: "c" } } });
    expect(parseAnswer(rating, "3")).toEqual({ ok: true, value: 3 });
    expect(parseAnswer(rating, "4")).toEqual({ ok: false, error: "out_of_range" });
    expect(parseAnswer(rating, "2.5")).toEqual({ ok: false, error: "not_an_integer" });
    expect(parseAnswer(rating, "two")).toEqual({ ok: false, error: "not_a_number" });
    expect(parseAnswer(rating, "1e0")).toEqual({ ok: false, error: "not_a_number" });
    const number = item({ id: "n", type: "number", text: "?", min: 0, max: 120, integer: true });
    expect(parseAnswer(number, "42")).toEqual({ ok: true, value: 42 });
    expect(parseAnswer(number, "-1")).toEqual({ ok: false, error: "out_of_range" });
    expect(parseAnswer(number, "4.5")).toEqual({ ok: false, error: "not_an_integer" });
  });

  it("limits text by code points and rejects control characters", () => {
    const short = item({ id: "s", type: "short_text", text: "?", max_length: 3 });
    expect(parseAnswer(short, "😀😀😀")).toEqual({ ok: true, value: "😀😀😀" });
    expect(parseAnswer(short, "abcd")).toEqual({ ok: false, error: "too_long" });
    expect(parseAnswer(short, "a\u0000")).toEqual({ ok: false, error: "invalid_characters" });
    expect(parseAnswer(short, "a\uD800")).toEqual({ ok: false, error: "invalid_characters" });
    const long = item({ id: "l", type: "long_text", text: "?" });
    expect(parseAnswer(long, "one\r\ntwo\tthree")).toEqual({ ok: true, value: "one\ntwo\tthree" });
    expect((long as { max_length: number }).max_length).toBe(5000);
  });

  it("evaluates show_if", () => {
    expect(isShown({ show_if: { item: "a", equals: "yes" } }, { a: "yes" })).toBe(true);
    expect(isShown({ show_if: { item: "a", equals: "yes" } }, {})).toBe(false);
    expect(isShown({ show_if: { item: "m", in: ["x", "y"] } }, { m: ["z", "y"] })).toBe(true);
    expect(isShown({}, {})).toBe(true);
  });
});

describe("localise", () => {
  const definition = instrumentDefinitionSchema.parse({
    id: "survey",
    version: 1,
    kind: "question_set",
    title: "Hello {name}",
    sections: [{ id: "main", items: [{ id: "q", type: "yes_no", text: "Are you well?" }] }],
  });

  it("derives the message keys", () => {
    expect(instrumentMessages(definition)).toEqual({ title: "Hello {name}", "items.q.text": "Are you well?" });
  });

  it("formats the translation and falls back to English, saying so", () => {
    const t = localise(definition, { cy: { review: { status: "draft", reviewed_by: null }, messages: { title: "Helo {name}" } } }, "cy");
    expect(t("title", { name: "Siân" })).toBe("Helo Siân");
    expect(t.detail("items.q.text")).toEqual({ text: "Are you well?", language: "en", fallback: true });
    expect(t.detail("title", { name: "A" })).toEqual({ text: "Helo A", language: "cy", fallback: false });
    expect(localise(definition, {}, "en").detail("items.q.text")).toEqual({ text: "Are you well?", language: "en", fallback: false });
    expect(() => t("items.nope.text")).toThrow(/no message "items.nope.text"/);
  });
});
