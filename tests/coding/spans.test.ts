import { describe, expect, it } from "vitest";
import { createTheme } from "../../app/coding/codebook.server";
import { addMemo, applyTheme, codingsForUnits, listMemos, removeCoding, setBlind, setFinished } from "../../app/coding/codings.server";
import {
  checkSpan,
  codePointLength,
  codePointToUtf16,
  extractWithContext,
  sliceCodePoints,
  utf16ToCodePoint,
} from "../../app/coding/spans";
import { addAnswer, addParticipant, codingStudyForTests } from "./fixtures";

// Texts chosen for code points that are not UTF-16 units: emoji (surrogate pairs, a skin-tone
// modifier, a ZWJ family), Welsh with precomposed circumflexes, Arabic with a shadda.
const EMOJI = "We laughed 👋🏽 and 👨‍👩‍👧 cried";
const WELSH = "Roedd y gŵr a’r ŷd yn dda";
const ARABIC = "شعرتُ بالأمان هنا 🙏 شكراً";

describe("code point spans (pure)", () => {
  it("counts code points, not UTF-16 units", () => {
    expect(EMOJI.length).toBe(34);
    expect(codePointLength(EMOJI)).toBe(29); // 👋🏽 is 2 code points, the ZWJ family 5
    expect(codePointLength(WELSH)).toBe(WELSH.length);
    expect(codePointLength(ARABIC)).toBe(ARABIC.length - 1);
  });

  it("slices and converts offsets both ways", () => {
    // "👋🏽" is code points 11–12 and UTF-16 units 11–14
    expect(sliceCodePoints(EMOJI, 11, 13)).toBe("👋🏽");
    expect(utf16ToCodePoint(EMOJI, 15)).toBe(13);
    expect(codePointToUtf16(EMOJI, 13)).toBe(15);
    const tanween = ARABIC.indexOf("ً");
    expect(utf16ToCodePoint(ARABIC, tanween)).toBe(tanween - 1); // after one surrogate pair (🙏)
    for (let i = 0; i <= codePointLength(ARABIC); i++) expect(utf16ToCodePoint(ARABIC, codePointToUtf16(ARABIC, i))).toBe(i);
    expect(sliceCodePoints(WELSH, 8, 11)).toBe("gŵr");
  });

  it("checks bounds in code points", () => {
    expect(checkSpan(EMOJI, { start: 0, end: 29 })).toBeNull();
    expect(checkSpan(EMOJI, { start: 0, end: 30 })).toBe("out_of_bounds");
    expect(checkSpan(EMOJI, { start: 3, end: 3 })).toBe("empty");
    expect(checkSpan(EMOJI, { start: 1.5, end: 3 })).toBe("not_integer");
    expect(checkSpan(EMOJI, { start: -1, end: 3 })).toBe("out_of_bounds");
  });

  it("extracts with context at word boundaries", () => {
    const text = "one two three four five six seven";
    expect(extractWithContext(text, { start: 14, end: 18 }, 6)).toEqual({ before: "…three ", extract: "four", after: " five…" });
  });
});

const study = codingStudyForTests();

describe("coding in the database", () => {
  it("stores spans in code points and validates them against the stored text in Arabic, Welsh and emoji", async () => {
    const theme = await createTheme(study.db, study.fx.scope, study.fx.users.researcher, { name: "Safety" });
    const p = await addParticipant(study.db, study.fx, { language: "ar" });
    const ar = await addAnswer(study.db, study.fx, p, ARABIC, "what_helped", "ar");
    const cy = await addAnswer(study.db, study.fx, p, WELSH, "short_note", "ar");
    await applyTheme(study.db, study.fx.scope, study.fx.users.researcher, {
      unit: ar,
      themeId: theme.id,
      start: 6,
      end: codePointLength(ARABIC),
    });
    await applyTheme(study.db, study.fx.scope, study.fx.users.researcher, { unit: cy, themeId: theme.id, start: 8, end: 11 });
    await expect(
      applyTheme(study.db, study.fx.scope, study.fx.users.researcher, { unit: ar, themeId: theme.id, start: 0, end: ARABIC.length }),
    ).rejects.toMatchObject({ reason: "out_of_bounds" });
    const rows = await codingsForUnits(study.db, study.fx.scope, study.fx.users.researcher, [ar, cy]);
    expect(rows.map((r) => [r.start, r.end])).toEqual([
      [6, codePointLength(ARABIC)],
      [8, 11],
    ]);
    // PostgreSQL agrees that the stored text has that many characters
    const len = await study.db
      .selectFrom("answer")
      .select((eb) => eb.fn<number>("length", [eb.cast(eb.ref("value"), "text")]).as("n"))
      .where("item_id", "=", "what_helped")
      .executeTakeFirstOrThrow();
    expect(Number(len.n)).toBe(codePointLength(ARABIC) + 2); // the JSON quotes
    // a yes/no answer is not free text, so it is not a unit
    const yn = await addAnswer(study.db, study.fx, await addParticipant(study.db, study.fx), "yes", "liked");
    await expect(
      applyTheme(study.db, study.fx.scope, study.fx.users.researcher, { unit: yn, themeId: theme.id, start: 0, end: 1 }),
    ).rejects.toMatchObject({ reason: "unit_not_found" });
  });

  it("keeps each coder's coding as theirs and hides others' in blind mode until the viewer has finished", async () => {
    const theme = await createTheme(study.db, study.fx.scope, study.fx.users.researcher, { name: "Care" });
    const unit = await addAnswer(study.db, study.fx, await addParticipant(study.db, study.fx), EMOJI);
    const mine = await applyTheme(study.db, study.fx.scope, study.fx.users.researcher, { unit, themeId: theme.id, start: 0, end: 10 });
    await applyTheme(study.db, study.fx.scope, study.fx.users.second, { unit, themeId: theme.id, start: 11, end: 13 });
    expect(await codingsForUnits(study.db, study.fx.scope, study.fx.users.second, [unit])).toHaveLength(2);
    await setBlind(study.db, study.fx.scope, study.fx.users.researcher, true);
    expect((await codingsForUnits(study.db, study.fx.scope, study.fx.users.second, [unit])).map((c) => c.coderId)).toEqual([
      study.fx.users.second,
    ]);
    await setFinished(study.db, study.fx.scope, study.fx.users.second, true);
    expect(await codingsForUnits(study.db, study.fx.scope, study.fx.users.second, [unit])).toHaveLength(2);
    await expect(removeCoding(study.db, study.fx.scope, study.fx.users.second, mine)).rejects.toMatchObject({ reason: "not_yours" });
    await addMemo(
      study.db,
      study.fx.scope,
      study.fx.users.second,
      { on: "coding", codingId: mine },
      "Laughing and crying together — care?",
    );
    await addMemo(study.db, study.fx.scope, study.fx.users.researcher, { on: "study" }, "Coding round 1 started");
    expect(await listMemos(study.db, study.fx.scope, { on: "coding", codingId: mine })).toHaveLength(1);
    expect(await listMemos(study.db, study.fx.scope, { on: "study" })).toHaveLength(1);
    await setBlind(study.db, study.fx.scope, study.fx.users.researcher, false);
  });
});
