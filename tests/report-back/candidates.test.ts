// The quotes an editor may choose (issue 14 item 11): each passage once, however many coders and themes
// it has, with the speaker's pseudonym and the gathering; and still only what the consent gate returns.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyTheme } from "../../app/coding/codings.server";
import { respondentLabel } from "../../app/coding/quotes.server";
import { readUnits } from "../../app/consent/units.server";
import { addAttendee, createGathering, importTranscript } from "../../app/fieldwork/gatherings.server";
import { groupCandidates, type CodedQuote } from "../../app/report-back/candidates";
import { editorEntry } from "../../app/report-back/editor.server";
import { addEntryQuote, createEntry, setEntryThemes } from "../../app/report-back/entries.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addParticipant, setQuoteConsent, withdraw } from "../coding/fixtures";
import { createReportBackFixture, QUOTED, type ReportBackFixture } from "./fixtures";

const SAID = "The volunteers made time for us every week";
const WITHDRAWN = "I would rather nobody heard this again";
const NOT_QUOTABLE = "Please do not put my words anywhere";

let t: TestDatabase;
let fx: ReportBackFixture;
let speaker: string;
beforeAll(async () => {
  t = await createTestDatabase();
  fx = await createReportBackFixture(t.db, { heardPeople: 1 });
  const { scope } = fx;
  speaker = await addParticipant(t.db, fx, { quotes: true });
  const leaves = await addParticipant(t.db, fx, { quotes: true });
  const declines = await addParticipant(t.db, fx, { quotes: true });
  const gathering = await createGathering(t.db, scope, null, { kind: "focus_group", label: "Tuesday drop-in", heldOn: "2026-03-03" });
  for (const p of [speaker, leaves, declines]) await addAttendee(t.db, scope, gathering, p);
  await importTranscript(t.db, scope, gathering, {
    source: `F: How did the drop-in feel?\nA: ${SAID}\nB: ${WITHDRAWN}\nC: ${NOT_QUOTABLE}`,
    language: "en",
    mapping: {
      F: { role: "facilitator" },
      A: { role: "participant", participantId: speaker },
      B: { role: "participant", participantId: leaves },
      C: { role: "participant", participantId: declines },
    },
  });
  const [, said, withdrawn, notQuotable] = [...(await readUnits(t.db, scope, "analysis", { sessionId: gathering })).values()];
  const end = (u: typeof said) => Array.from(u!.text).length;
  // two coders code the same words with "being heard"; one of them codes most of it with "waiting" too
  await applyTheme(t.db, scope, fx.users.researcher, { unit: said!.key, themeId: fx.themes.heard, start: 0, end: end(said) });
  await applyTheme(t.db, scope, fx.users.second, { unit: said!.key, themeId: fx.themes.heard, start: 0, end: end(said) });
  await applyTheme(t.db, scope, fx.users.second, { unit: said!.key, themeId: fx.themes.waiting, start: 4, end: end(said) });
  for (const unit of [withdrawn!, notQuotable!])
    for (const coder of [fx.users.researcher, fx.users.second])
      await applyTheme(t.db, scope, coder, { unit: unit.key, themeId: fx.themes.heard, start: 0, end: end(unit) });
  await withdraw(t.db, leaves, "keep");
  await setQuoteConsent(t.db, declines, false);

  const entry = await createEntry(t.db, scope.organisationId, { userId: fx.users.publisher }, { studyId: scope.studyId, slug: "once" });
  await setEntryThemes(t.db, scope.organisationId, { userId: fx.users.publisher }, entry, [
    { themeId: fx.themes.heard },
    { themeId: fx.themes.waiting },
  ]);
});
afterAll(() => t?.destroy());

describe("quote candidates in the editor", () => {
  it("lists words coded by two coders under two themes once, with the speaker's pseudonym and the gathering", async () => {
    const view = await editorEntry(t.db, fx.scope.organisationId, "once");
    const said = view!.candidates.filter((c) => c.text.includes("made time for us"));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatchObject({
      text: SAID,
      speaker: respondentLabel(fx.scope.studyId, speaker),
      gathering: "Tuesday drop-in",
      on: "2026-03-03",
      source: "focus_group",
      interpreted: false,
    });
    // both themes, in the entry's order, each with a coding of that theme to link
    expect(said[0]!.themes.map((th) => th.themeId)).toEqual([fx.themes.heard, fx.themes.waiting]);
    // every passage is listed once: no two candidates share a coding or their words
    const texts = view!.candidates.map((c) => c.text);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it("never offers the words of someone who withdrew or who does not agree to be quoted", async () => {
    const view = await editorEntry(t.db, fx.scope.organisationId, "once");
    const shown = JSON.stringify(view!.candidates);
    expect(shown).not.toContain(WITHDRAWN);
    expect(shown).not.toContain(NOT_QUOTABLE);
    // the answers of people who agreed are there, so the gate is not simply returning nothing
    expect(shown).toContain(QUOTED);
  });

  it("stops offering a passage once the entry uses it, under either theme", async () => {
    const before = await editorEntry(t.db, fx.scope.organisationId, "once");
    const passage = before!.candidates.find((c) => c.text === SAID)!;
    const waiting = passage.themes.find((th) => th.themeId === fx.themes.waiting)!;
    await addEntryQuote(t.db, fx.scope.organisationId, { userId: fx.users.publisher }, before!.entry.id, waiting.codingId);
    const after = await editorEntry(t.db, fx.scope.organisationId, "once");
    expect(after!.candidates.some((c) => c.text.includes("made time for us"))).toBe(false);
    // the quote in use names its speaker and gathering too, and is under the theme chosen
    expect(after!.quotes).toEqual([
      expect.objectContaining({ themeId: fx.themes.waiting, state: "shown", speaker: passage.speaker, gathering: "Tuesday drop-in" }),
    ]);
  });
});

describe("grouping", () => {
  const quote = (over: Partial<CodedQuote>): CodedQuote => ({
    codingId: "c",
    themeId: "t1",
    unit: "s:1",
    start: 0,
    end: 10,
    text: "0123456789",
    language: "en",
    source: "interview",
    speaker: "ABCD",
    interpreted: false,
    gathering: "G",
    on: "2026-01-01",
    ...over,
  });

  it("joins overlapping spans of one turn, shows the longest, and keeps apart what does not overlap", () => {
    const list = groupCandidates(
      [
        quote({ codingId: "a", start: 0, end: 6, text: "012345" }),
        quote({ codingId: "b", start: 2, end: 10, text: "23456789x" }),
        quote({ codingId: "c", start: 20, end: 25, text: "later" }),
        quote({ codingId: "d", unit: "s:2", text: "other turn" }),
        quote({ codingId: "e", themeId: "not-on-entry", unit: "s:3", text: "other theme" }),
      ],
      new Set(),
      ["t1"],
    );
    expect(list.map((c) => [c.text, c.themes])).toEqual([
      ["23456789x", [{ themeId: "t1", codingId: "b" }]],
      ["later", [{ themeId: "t1", codingId: "c" }]],
      ["other turn", [{ themeId: "t1", codingId: "d" }]],
    ]);
  });

  it("links, for each theme, the coding of exactly the words shown when there is one", () => {
    const list = groupCandidates(
      [
        quote({ codingId: "x", themeId: "t2", start: 0, end: 10 }),
        quote({ codingId: "y", themeId: "t1", start: 0, end: 4 }),
        quote({ codingId: "z", themeId: "t1", start: 0, end: 10 }),
      ],
      new Set(),
      ["t1", "t2"],
    );
    expect(list).toHaveLength(1);
    expect(list[0]!.themes).toEqual([
      { themeId: "t1", codingId: "z" },
      { themeId: "t2", codingId: "x" },
    ]);
  });
});
