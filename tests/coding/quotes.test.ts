// The privacy invariants of quotes and redaction: the consent gate decides who appears, redacted
// text is what leaves, every export is audited without text.
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTheme } from "../../app/coding/codebook.server";
import { applyTheme, setRedactionNames } from "../../app/coding/codings.server";
import { collectQuotes, escapeMarkdown, exportQuotes } from "../../app/coding/quotes.server";
import { addRedaction, decideRedaction, extendRedaction, redactionsFor, suggestRedactions } from "../../app/coding/redactions.server";
import { readUnits } from "../../app/consent/units.server";
import { codePointLength } from "../../app/coding/spans";
import { addAttendee, createGathering, importTranscript, setTranslation } from "../../app/fieldwork/gatherings.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addAnswer, addParticipant, createCodingFixture, setQuoteConsent, withdraw, type CodingFixture } from "./fixtures";

let t: TestDatabase;
let fx: CodingFixture;
let themeId: string;
beforeAll(async () => {
  t = await createTestDatabase();
  fx = await createCodingFixture(t.db);
  themeId = (await createTheme(t.db, fx.scope, fx.users.researcher, { name: "Being heard" })).id;
});
afterAll(() => t?.destroy());

async function codeWhole(unit: string) {
  const text = (await readUnits(t.db, fx.scope, "analysis", { keys: [unit] })).get(unit)!.text;
  await applyTheme(t.db, fx.scope, fx.users.researcher, { unit, themeId, start: 0, end: codePointLength(text) });
}

describe("quote export through the consent gate", () => {
  it("includes only participants with current quote consent who have not withdrawn", async () => {
    const yes = await addParticipant(t.db, fx, { quotes: true });
    const no = await addParticipant(t.db, fx, { quotes: false });
    const kept = await addParticipant(t.db, fx, { quotes: true });
    const erased = await addParticipant(t.db, fx, { quotes: true });
    const changesMind = await addParticipant(t.db, fx, { quotes: true });
    await codeWhole(await addAnswer(t.db, fx, yes, "QUOTE-YES the staff listened"));
    await codeWhole(await addAnswer(t.db, fx, no, "QUOTE-NO never quote me"));
    await codeWhole(await addAnswer(t.db, fx, kept, "QUOTE-KEPT withdrew but kept data"));
    await codeWhole(await addAnswer(t.db, fx, erased, "QUOTE-ERASED gone"));
    await codeWhole(await addAnswer(t.db, fx, changesMind, "QUOTE-CHANGED later said no"));

    const before = (await collectQuotes(t.db, fx.scope, { themeIds: [themeId] })).map((q) => q.text.split(" ")[0]).sort();
    expect(before).toEqual(["QUOTE-CHANGED", "QUOTE-ERASED", "QUOTE-KEPT", "QUOTE-YES"]);

    await withdraw(t.db, kept, "keep");
    await withdraw(t.db, erased, "erase");
    await setQuoteConsent(t.db, changesMind, false);
    const { body, quotes } = await exportQuotes(
      t.db,
      fx.scope,
      { userId: fx.users.researcher, via: "workspace" },
      { themeIds: [themeId] },
      "csv",
    );
    expect(quotes.map((q) => q.text)).toEqual(["QUOTE-YES the staff listened"]);
    for (const gone of ["QUOTE-NO", "QUOTE-KEPT", "QUOTE-ERASED", "QUOTE-CHANGED"]) expect(body).not.toContain(gone);
    // withdrawn-but-kept still counts for analysis, never for quotes
    const analysis = [...(await readUnits(t.db, fx.scope, "analysis")).values()].map((u) => u.text);
    expect(analysis.some((x) => x.startsWith("QUOTE-KEPT"))).toBe(true);
    expect(analysis.some((x) => x.startsWith("QUOTE-ERASED"))).toBe(false);
    // the erasure took their codings with them
    expect(await t.db.selectFrom("coding").select("id").where("study_id", "=", fx.scope.studyId).execute()).toHaveLength(4);

    const audit = await t.db.selectFrom("audit_event").selectAll().where("action", "=", "export").execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.detail).toMatchObject({ export: "quotes", format: "csv", rows: 1, themes: [themeId] });
    expect(JSON.stringify(audit[0]!.detail)).not.toContain("QUOTE");
  });

  it("a participant who withdraws with erasure but is only flagged (not yet deleted) is already gone", async () => {
    const p = await addParticipant(t.db, fx);
    const unit = await addAnswer(t.db, fx, p, "FLAGGED-ERASE text");
    await codeWhole(unit);
    await t.db.updateTable("participant").set({ withdrawn_on: "2026-05-01", withdrawal_mode: "erase" }).where("id", "=", p).execute();
    expect((await readUnits(t.db, fx.scope, "analysis")).has(unit)).toBe(false);
    expect((await collectQuotes(t.db, fx.scope, { themeIds: [themeId] })).some((q) => q.text.includes("FLAGGED"))).toBe(false);
  });

  it("never crosses organisations", async () => {
    const other = await createCodingFixture(t.db);
    await expect(
      collectQuotes(t.db, { organisationId: other.scope.organisationId, studyId: fx.scope.studyId }, { themeIds: [themeId] }),
    ).rejects.toThrow(/No such study/);
  });
});

describe("redaction and the exported quote", () => {
  it("suggests, confirms, extends, dismisses and adds; exports the redacted text, labelled by pseudonym, never the code", async () => {
    await setRedactionNames(t.db, fx.scope, ["Amal Haddad", "Rhodri"]);
    const session = await createGathering(t.db, fx.scope, null, { kind: "focus_group", label: "Focus group 1", heldOn: "2026-03-14" });
    const a = await addParticipant(t.db, fx, { language: "ar" });
    const b = await addParticipant(t.db, fx, { language: "cy" });
    await addAttendee(t.db, fx.scope, session, a);
    await addAttendee(t.db, fx.scope, session, b);
    await importTranscript(t.db, fx.scope, session, {
      source: [
        "Facilitator: Thank you, Amal Haddad.",
        'P1: =HYPERLINK("x") My Home Office ref is B1234567, call +44 7700 900123 — Rhodri Jones helped 🙏',
        "P2: <script>alert(1)</script> Diolch, Rhodri. Ffôn: 029 2018 3000",
      ].join("\n"),
      language: "en",
      mapping: {
        Facilitator: { role: "facilitator" },
        P1: { role: "participant", participantId: a },
        P2: { role: "participant", participantId: b },
      },
    });
    const units = [...(await readUnits(t.db, fx.scope, "analysis", { sessionId: session })).values()];
    const [, p1, p2] = units;
    expect(await suggestRedactions(t.db, fx.scope, { sessionId: session })).toBeGreaterThanOrEqual(5);
    expect(await suggestRedactions(t.db, fx.scope, { sessionId: session })).toBe(0);
    const stored = await redactionsFor(t.db, fx.scope, [p1!.key, p2!.key]);
    const p1r = stored.get(p1!.key)!;
    expect(p1r.map((r) => r.kind)).toEqual(expect.arrayContaining(["home_office_reference", "phone", "name"]));
    // extend "Rhodri" to "Rhodri Jones"; dismiss nothing yet; add a redaction the check missed
    const rhodri = p1r.find((r) => r.kind === "name")!;
    await extendRedaction(t.db, fx.scope, fx.users.researcher, rhodri.id, { start: rhodri.start, end: rhodri.end + 6 });
    const phone = p1r.find((r) => r.kind === "phone")!;
    await decideRedaction(t.db, fx.scope, fx.users.researcher, phone.id, "dismissed");
    const p2text = p2!.text;
    const ffon = Array.from(p2text).join("").indexOf("Ffôn");
    await addRedaction(t.db, fx.scope, fx.users.researcher, p2!.key, { start: ffon, end: ffon + 4 }, "other");
    await setTranslation(t.db, fx.scope, null, { segmentId: p2!.key.slice(2) }, "ar", "شكراً يا Rhodri");

    for (const u of [p1!, p2!]) await codeWhole(u.key);
    const { quotes, body } = await exportQuotes(
      t.db,
      fx.scope,
      { userId: null, via: "cli" },
      { themeIds: [themeId], translationLanguage: "ar" },
      "csv",
    );
    const q1 = quotes.find((q) => q.speaker === "Participant 1, Focus group 1")!;
    const q2 = quotes.find((q) => q.speaker === "Participant 2, Focus group 1")!;
    expect(q1.text).not.toContain("B1234567");
    expect(q1.text).not.toContain("Rhodri Jones");
    expect(q1.text).toContain("+44 7700 900123"); // dismissed by the researcher
    expect(q2.text).not.toContain("Rhodri");
    expect(q2.text).not.toContain("Ffôn");
    expect(q2.translation).not.toContain("Rhodri");
    expect(q2.translationLanguage).toBe("ar");
    expect(q1).toMatchObject({ source: "focus_group", month: "2026-03", themes: ["Being heard"] });
    // the facilitator's turn is never a quote, and the CSV is formula-safe with a BOM
    expect(body).not.toContain("Amal");
    expect(body.startsWith("\uFEFF")).toBe(true);
    const rows = Papa.parse<string[]>(body.slice(1)).data;
    expect(rows[0]).toEqual([
      "quote",
      "translation",
      "translation_language",
      "language",
      "interpretation",
      "interpretation_language",
      "original",
      "original_language",
      "themes",
      "source",
      "speaker",
      "month",
    ]);
    const cell = rows.find((r) => r[rows[0]!.indexOf("speaker")] === q1.speaker)![0]!;
    expect(cell.startsWith("'=")).toBe(true);
    const codeHashes = (await t.db.selectFrom("participant").select("code_hash").execute()).map((r) => r.code_hash);
    for (const h of codeHashes) expect(body).not.toContain(h);

    const md = (await exportQuotes(t.db, fx.scope, { userId: null, via: "cli" }, { themeIds: [themeId] }, "md")).body;
    expect(md).not.toContain("<script>");
    expect(md).toContain("&lt;script&gt;");
  });

  it("escapes Markdown so participants' words stay text", () => {
    expect(escapeMarkdown("# [x](javascript:alert(1)) <b>")).toBe("\\# \\[x\\]\\(javascript:alert\\(1\\)\\) &lt;b&gt;");
  });
});
