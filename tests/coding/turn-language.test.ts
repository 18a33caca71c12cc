// Each turn in its own language, and interpreters' renderings linked to the turn they render
// (docs/decisions/063-turn-language-and-linked-translations.md): a mixed-language focus group whose
// Arabic turns export and count as Arabic, and whose interpreter turns follow the participant whose
// words they render through consent, withdrawal and erasure — in every export, on both databases.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTheme } from "../../app/coding/codebook.server";
import { applyTheme } from "../../app/coding/codings.server";
import { exportCodedSpans } from "../../app/coding/exports.server";
import { exportQdpx } from "../../app/coding/qdpx.server";
import { exportQuotes } from "../../app/coding/quotes.server";
import { codePointLength } from "../../app/coding/spans";
import { themeCounts } from "../../app/coding/theme-views.server";
import { readSegments, readUnits } from "../../app/consent/units.server";
import { consentedQuotesByCoding } from "../../app/report-back/quotes.server";
import { withdrawParticipant } from "../../app/participants/withdrawal.server";
import {
  addAttendee,
  createGathering,
  importTranscript,
  listTurns,
  GatheringError,
  updateTurns,
  type SpeakerMapping,
} from "../../app/fieldwork/gatherings.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addParticipant, createCodingFixture, type CodingFixture } from "./fixtures";

const SCHEMA = path.resolve(__dirname, "../fixtures/refi-qda/Project.xsd");
const actor = (fx: CodingFixture) => ({ userId: fx.users.researcher, via: "workspace" as const });

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.destroy());

// Every participant's words and every rendering carry a marker, so a leak is found by searching.
const TRANSCRIPT = [
  "F: Welcome. What helped you most?",
  "A: شعرت بالأمان هنا مع الموظفين QAO",
  "I: = I felt safe here with the staff QAR",
  "B: لم أكن أريد الكلام في البداية QBO",
  "I: = I did not want to talk at first QBR",
  "C: Roedd y cyfieithydd yn garedig iawn QCO",
  "I: = The interpreter was very kind QCR",
  "D: الموظفون كانوا لطفاء معي جدا QDO",
  "I: = The staff were very kind to me QDR",
  "E: كان المكان دافئا ومريحا QEO",
  "I: = The place was warm and comfortable QER",
  "I: Can you say more? QIX",
].join("\n");

async function focusGroup() {
  const fx = await createCodingFixture(t.db);
  const theme = (await createTheme(t.db, fx.scope, fx.users.researcher, { name: "Feeling safe" })).id;
  const amal = await addParticipant(t.db, fx, { quotes: true });
  const bashir = await addParticipant(t.db, fx, { quotes: false });
  const carys = await addParticipant(t.db, fx, { quotes: true });
  const dara = await addParticipant(t.db, fx, { quotes: true });
  const eli = await addParticipant(t.db, fx, { quotes: true });
  const session = await createGathering(t.db, fx.scope, null, {
    kind: "focus_group",
    label: "Group 1",
    heldOn: "2026-03-03",
    languages: ["en", "ar"],
    interpreter: "in_person",
  });
  const mapping: Record<string, SpeakerMapping> = { F: { role: "facilitator" }, I: { role: "interpreter" } };
  for (const [label, id] of Object.entries({ A: amal, B: bashir, C: carys, D: dara, E: eli })) {
    await addAttendee(t.db, fx.scope, session, id);
    mapping[label] = { role: "participant", participantId: id };
  }
  await importTranscript(t.db, fx.scope, session, { source: TRANSCRIPT, language: "en", mapping });
  const turns = await listTurns(t.db, fx.scope, session);
  const byMarker = (marker: string) => turns.find((x) => x.text.includes(marker))!;
  // every turn coded whole, by the researcher
  for (const turn of turns) {
    await applyTheme(t.db, fx.scope, fx.users.researcher, {
      unit: `s:${turn.id}`,
      themeId: theme,
      start: 0,
      end: codePointLength(turn.text),
    });
  }
  return { fx, theme, session, turns, byMarker, people: { amal, bashir, carys, dara, eli } };
}

async function outputs(fx: CodingFixture, theme: string) {
  const coded = (await exportCodedSpans(t.db, fx.scope, actor(fx))).csv;
  const quotes = await exportQuotes(t.db, fx.scope, actor(fx), { themeIds: [theme] }, "csv");
  const quotesMd = (await exportQuotes(t.db, fx.scope, actor(fx), { themeIds: [theme] }, "md")).body;
  const qdpx = await exportQdpx(t.db, fx.scope, actor(fx));
  const codingIds = (await t.db.selectFrom("coding").select("id").where("study_id", "=", fx.scope.studyId).execute()).map((r) => r.id);
  const reportBack = JSON.stringify([...(await consentedQuotesByCoding(t.db, fx.scope, codingIds)).values()]);
  const codingPage = (await readSegments(t.db, fx.scope, "analysis")).map((u) => u.text).join("\n");
  return {
    coded,
    quotesCsv: quotes.body,
    quotes: quotes.quotes,
    quotesMd,
    qdpx,
    qdpxText: qdpx.xml + qdpx.sources.map((s) => s.text).join("\n"),
    reportBack,
    codingPage,
  };
}

const rows = (csv: string) => Papa.parse<Record<string, string>>(csv.replace(/^\uFEFF/, ""), { header: true, skipEmptyLines: true }).data;

describe("each turn in its own language", () => {
  it("is suggested from its script at upload, links '=' turns to the turn they render, and can be corrected", async () => {
    const { fx, session, turns, byMarker } = await focusGroup();
    expect(turns.map((x) => x.language)).toEqual(["en", "ar", "en", "ar", "en", "en", "en", "ar", "en", "ar", "en", "en"]);
    expect(byMarker("QAR").rendersId).toBe(byMarker("QAO").id);
    expect(byMarker("QBR").rendersId).toBe(byMarker("QBO").id);
    expect(byMarker("QIX").rendersId).toBeNull();
    expect(byMarker("QAR").attendee).toBe(1);
    expect(byMarker("QAR").text.startsWith("=")).toBe(false);

    // Welsh read as the transcript's English: corrected on the session page
    await updateTurns(t.db, fx.scope, session, [
      { segmentId: byMarker("QCO").id, language: "cy" },
      { segmentId: byMarker("QIX").id, rendersSegmentId: byMarker("Welcome").id },
    ]);
    const after = await listTurns(t.db, fx.scope, session);
    expect(after.find((x) => x.text.includes("QCO"))!.language).toBe("cy");
    expect(after.find((x) => x.text.includes("QIX"))!.rendersId).toBe(after[0]!.id);
    await updateTurns(t.db, fx.scope, session, [{ segmentId: byMarker("QIX").id, rendersSegmentId: null }]);

    // Bad changes are refused whole: nothing of the batch is written
    const refused = async (changes: Parameters<typeof updateTurns>[3], reason: string) => {
      const before = JSON.stringify(await listTurns(t.db, fx.scope, session));
      await expect(updateTurns(t.db, fx.scope, session, changes)).rejects.toMatchObject({ reason });
      expect(JSON.stringify(await listTurns(t.db, fx.scope, session))).toBe(before);
    };
    const ok = { segmentId: byMarker("QEO").id, language: "fa" };
    await refused([ok, { segmentId: byMarker("QAO").id, rendersSegmentId: byMarker("QBO").id }], "rendering_invalid"); // a participant's turn renders nothing
    await refused([ok, { segmentId: byMarker("QIX").id, rendersSegmentId: byMarker("QAR").id }], "rendering_invalid"); // no rendering of a rendering
    await refused([ok, { segmentId: byMarker("QEO").id, language: "not a language" }], "language_invalid");
    const other = await createGathering(t.db, fx.scope, null, { kind: "interview", label: "Other", heldOn: "2026-03-04" });
    await importTranscript(t.db, fx.scope, other, { source: "F: hello QOTHER", language: "en", mapping: { F: { role: "facilitator" } } });
    const otherTurn = (await listTurns(t.db, fx.scope, other))[0]!;
    await refused([ok, { segmentId: byMarker("QIX").id, rendersSegmentId: otherTurn.id }], "rendering_invalid"); // another session
    await refused([ok, { segmentId: otherTurn.id, language: "cy" }], "turn_not_found");
    // and the database holds the same rules whoever writes
    await expect(
      t.db.updateTable("transcript_segment").set({ renders_segment_id: otherTurn.id }).where("id", "=", byMarker("QIX").id).execute(),
    ).rejects.toThrow();
    await expect(
      t.db
        .updateTable("transcript_segment")
        .set({ renders_segment_id: byMarker("QAR").id })
        .where("id", "=", byMarker("QIX").id)
        .execute(),
    ).rejects.toThrow();
    await expect(
      t.db
        .updateTable("transcript_segment")
        .set({ renders_segment_id: byMarker("QBO").id })
        .where("id", "=", byMarker("QAO").id)
        .execute(),
    ).rejects.toThrow();
  });

  it("reads '=' only on the interpreter's turns, and refuses an interpreter's '=' turn with nothing before it, adding nothing", async () => {
    const fx = await createCodingFixture(t.db);
    const p = await addParticipant(t.db, fx);
    const session = await createGathering(t.db, fx.scope, null, { kind: "interview", label: "Interview", heldOn: "2026-03-03" });
    await addAttendee(t.db, fx.scope, session, p);
    const mapping: Record<string, SpeakerMapping> = {
      F: { role: "facilitator" },
      I: { role: "interpreter" },
      P: { role: "participant", participantId: p },
    };
    await expect(importTranscript(t.db, fx.scope, session, { source: "I: = hello\nP: hi", language: "en", mapping })).rejects.toMatchObject(
      { reason: "rendering_without_original" },
    );
    await expect(
      importTranscript(t.db, fx.scope, session, { source: "I: = hello\nP: hi", language: "en", mapping }),
    ).rejects.toBeInstanceOf(GatheringError);
    expect(await listTurns(t.db, fx.scope, session)).toEqual([]);
    // a participant's "=" is their words, kept as written and linked to nothing
    await importTranscript(t.db, fx.scope, session, { source: "F: hi\nP: = hello\nI: = she says hello", language: "en", mapping });
    expect((await listTurns(t.db, fx.scope, session)).map((x) => [x.text, x.rendersId !== null])).toEqual([
      ["hi", false],
      ["= hello", false],
      ["she says hello", true],
    ]);
  });

  it("exports Arabic turns as ar (coded CSV, quotes, REFI-QDA) and counts them under ar", async () => {
    const { fx, theme, session, byMarker } = await focusGroup();
    const out = await outputs(fx, theme);

    const coded = rows(out.coded);
    const codedRow = (marker: string) => coded.find((r) => r.text!.includes(marker))!;
    expect(codedRow("QAO").language).toBe("ar");
    expect(codedRow("QAR")).toMatchObject({ language: "en", speaker: "interpreter", renders: codedRow("QAO").speaker });
    expect(codedRow("Welcome").language).toBe("en");
    expect(codedRow("QIX").renders).toBe("");

    // Amal's quote: her Arabic words as ar, with the interpreter's English beside them; and the
    // quote of the rendering carries her original
    const own = out.quotes.find((q) => q.text.includes("QAO"))!;
    expect(own).toMatchObject({ language: "ar", interpretationLanguage: "en", original: "" });
    expect(own.interpretation).toContain("I felt safe here with the staff QAR");
    const rendered = out.quotes.find((q) => q.text.includes("QAR"))!;
    expect(rendered).toMatchObject({ language: "en", originalLanguage: "ar", speaker: "Participant 1, Group 1, through the interpreter" });
    expect(rendered.original).toContain("شعرت بالأمان");
    const csvRow = rows(out.quotesCsv).find((r) => r.quote!.includes("QAO"))!;
    expect(csvRow).toMatchObject({ language: "ar", interpretation_language: "en" });
    expect(csvRow.interpretation).toContain("QAR");
    expect(out.quotesMd).toContain("Interpreter (en): I felt safe here with the staff QAR");

    // REFI-QDA: each turn names its language, renderings name whom they render and are linked
    const sessionSource = out.qdpx.sources.find((s) => s.text.includes("QAO"))!.text;
    expect(sessionSource).toContain("Participant 1 (ar): شعرت بالأمان هنا مع الموظفين QAO");
    expect(sessionSource).toContain("Interpreter (en), rendering Participant 1: I felt safe here with the staff QAR");
    expect(sessionSource).toContain("Facilitator (en): Welcome.");
    expect(out.qdpx.xml).toMatch(/<Link guid="[^"]+" name="renders" direction="OneWay" originGUID="[^"]+" targetGUID="[^"]+"\/>/);
    expect(out.qdpx.xml.match(/<Link /g)).toHaveLength(5);
    validate(out.qdpx.zip);

    // counted under the language they were said in: Amal, Bashir, Dara and Eli spoke Arabic, Carys Welsh
    // (read as English at upload; the rendering counts under its original's language too)
    const count = (await themeCounts(t.db, fx.scope)).find((c) => c.themeId === theme)!;
    expect(count.people).toBe(5);
    expect(count.byLanguage).toEqual({ ar: 4, en: 1 });
    await updateTurns(t.db, fx.scope, session, [{ segmentId: byMarker("QCO").id, language: "cy" }]);
    expect((await themeCounts(t.db, fx.scope)).find((c) => c.themeId === theme)!.byLanguage).toEqual({ ar: 4, cy: 1 });
  });
});

describe("a linked translation belongs to the participant whose words it renders", () => {
  it("erasure removes the interpreter's rendering and its codings from coding pages, exports and the REFI-QDA project", async () => {
    const { fx, theme, byMarker, people } = await focusGroup();
    const rendering = byMarker("QDR").id;
    expect((await outputs(fx, theme)).qdpxText).toContain("QDR");
    await withdrawParticipant(t.db, { studyId: fx.scope.studyId, participantId: people.dara, mode: "erase" });

    expect(await t.db.selectFrom("transcript_segment").select("id").where("id", "=", rendering).execute()).toEqual([]);
    expect(await t.db.selectFrom("coding").select("id").where("segment_id", "=", rendering).execute()).toEqual([]);
    const out = await outputs(fx, theme);
    for (const [what, text] of Object.entries({ ...out, quotes: JSON.stringify(out.quotes), qdpx: out.qdpxText })) {
      expect(text.includes("QDO"), `${what} holds Dara's words`).toBe(false);
      expect(text.includes("QDR"), `${what} holds the rendering of Dara's words`).toBe(false);
    }
    // the interpreter's own turn and everyone else's stay
    expect(out.codingPage).toContain("QIX");
    expect(out.qdpxText).toContain("QAR");
    validate(out.qdpx.zip);
  });

  it("a participant without quote consent: the interpreter's rendering of their words never reaches a quote", async () => {
    const { fx, theme } = await focusGroup();
    const out = await outputs(fx, theme);
    for (const [what, text] of Object.entries({ csv: out.quotesCsv, md: out.quotesMd, reportBack: out.reportBack })) {
      expect(text.includes("QBO"), `${what} quotes Bashir`).toBe(false);
      expect(text.includes("QBR"), `${what} quotes the rendering of Bashir's words`).toBe(false);
      expect(text.includes("QIX"), `${what} quotes the interpreter's own words`).toBe(false);
      expect(text.includes("QAR"), `${what} lacks the rendering of Amal's words`).toBe(true);
    }
    // still analysed, as his own words are
    expect(out.coded).toContain("QBR");
    expect(out.qdpxText).toContain("QBR");
  });

  it("withdrawal (keep) and no consent apply to the renderings exactly as to the person's own turns", async () => {
    const { fx, theme, people } = await focusGroup();
    await withdrawParticipant(t.db, { studyId: fx.scope.studyId, participantId: people.carys, mode: "keep" });
    // Eli's consent record is gone (recorded in error): nothing of theirs may be analysed
    await t.db.deleteFrom("consent_record").where("participant_id", "=", people.eli).execute();
    const out = await outputs(fx, theme);
    for (const [what, text] of Object.entries({
      coded: out.coded,
      qdpx: out.qdpxText,
      codingPage: out.codingPage,
      quotes: out.quotesCsv,
      md: out.quotesMd,
    })) {
      expect(text.includes("QEO"), `${what} holds Eli's words`).toBe(false);
      expect(text.includes("QER"), `${what} holds the rendering of Eli's words`).toBe(false);
    }
    // Carys chose "stop and keep": her words and their rendering stay in analysis, out of quotes
    for (const text of [out.coded, out.qdpxText, out.codingPage]) {
      expect(text).toContain("QCO");
      expect(text).toContain("QCR");
    }
    for (const text of [out.quotesCsv, out.quotesMd, out.reportBack]) {
      expect(text).not.toContain("QCO");
      expect(text).not.toContain("QCR");
    }
    const units = [...(await readUnits(t.db, fx.scope, "quote")).values()];
    expect(
      units
        .filter((u) => u.renders)
        .map((u) => u.text.slice(-3))
        .sort(),
    ).toEqual(["QAR", "QDR"]);
  });
});

function validate(zip: Buffer) {
  const dir = mkdtempSync(path.join(tmpdir(), "qdpx-"));
  writeFileSync(path.join(dir, "project.qdpx"), zip);
  execFileSync("unzip", ["-o", "-q", path.join(dir, "project.qdpx"), "-d", dir]);
  try {
    execFileSync("xmllint", ["--version"], { stdio: "ignore" });
  } catch {
    if (process.env.CI) throw new Error("xmllint is not installed");
    return;
  }
  execFileSync("xmllint", ["--noout", "--schema", SCHEMA, path.join(dir, "project.qde")], { stdio: "pipe" });
}
