/**
 * Property test (fast-check) over random studies: random participants with random withdrawals (erase,
 * erase not yet carried out, stop-and-keep) and random quote-consent choices (agreed, refused, agreed
 * then revoked, refused then granted), a focus group with random turns, written answers, and two
 * coders' random spans, and for some people an interpreter's turn linked as the rendering of theirs
 * (which carries their marker too, so it must follow them). Whatever the mix:
 * - no export (answers long and wide, coded spans, quotes CSV and Markdown, REFI-QDA), theme view,
 *   theme count or agreement table holds text from a participant who withdrew with erasure;
 * - no quote output holds text from anyone without current quote consent, or who has withdrawn;
 * - and the gate is not simply shut: everyone else's words do come out.
 * Every participant's words carry a unique marker, so a leak is found by searching the outputs for it.
 * A failure is shrunk by fast-check to a small study and reported with its seed and path to replay.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agreementReport } from "../../app/coding/agreement.server";
import { createTheme } from "../../app/coding/codebook.server";
import { applyTheme, setFinished } from "../../app/coding/codings.server";
import { exportAnswersLong, exportAnswersWide, exportCodedSpans } from "../../app/coding/exports.server";
import { buildQdpx } from "../../app/coding/qdpx.server";
import { exportQuotes } from "../../app/coding/quotes.server";
import { codePointLength } from "../../app/coding/spans";
import { themeCounts, themeExtracts } from "../../app/coding/theme-views.server";
import { readUnits } from "../../app/consent/units.server";
import { addAttendee, createGathering, importTranscript, type SpeakerMapping } from "../../app/fieldwork/gatherings.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addAnswer, addParticipant, createCodingFixture, setQuoteConsent, withdraw } from "./fixtures";

type Withdrawal = "none" | "keep" | "erase" | "erase_flag";
type QuoteChoice = "agreed" | "refused" | "revoked" | "granted_later";
const WORDS = ["gŵr", "شعرت", "🙏", "care", "amser", "الأمان", "safe", "ŷd"] as const;

const personArb = fc.record({
  withdrawal: fc.constantFrom<Withdrawal>("none", "keep", "erase", "erase_flag"),
  quotes: fc.constantFrom<QuoteChoice>("agreed", "refused", "revoked", "granted_later"),
  language: fc.constantFrom("en", "cy", "ar"),
  answers: fc.boolean(),
  interpreted: fc.boolean(),
});

const studyArb = fc.record({
  people: fc.array(personArb, { minLength: 1, maxLength: 6 }),
  turns: fc.array(fc.record({ speaker: fc.nat(), before: fc.constantFrom(...WORDS), after: fc.constantFrom(...WORDS) }), { maxLength: 12 }),
  codings: fc.array(
    fc.record({
      unit: fc.nat(),
      coder: fc.constantFrom(0, 1),
      theme: fc.constantFrom(0, 1),
      start: fc.nat({ max: 99 }),
      length: fc.integer({ min: 1, max: 100 }),
    }),
    { maxLength: 16 },
  ),
});

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.destroy());

let run = 0;

async function collect(produce: (write: (chunk: string) => void) => Promise<unknown>): Promise<string> {
  let text = "";
  await produce((chunk) => {
    text += chunk;
  });
  return text;
}

describe("privacy invariants over random studies", () => {
  it("no output holds an erased participant's words, and no quote output words without quote consent", async () => {
    await fc.assert(
      fc.asyncProperty(studyArb, async (study) => {
        const tag = run++;
        const fx = await createCodingFixture(t.db);
        const actor = { userId: fx.users.researcher, via: "workspace" as const };
        const themes = [
          (await createTheme(t.db, fx.scope, null, { name: "A" })).id,
          (await createTheme(t.db, fx.scope, null, { name: "B" })).id,
        ];
        const coders = [fx.users.researcher, fx.users.second];
        const people: {
          id: string;
          marker: string;
          withdrawal: Withdrawal;
          quotes: QuoteChoice;
          answers: boolean;
          interpreted: boolean;
        }[] = [];
        for (const [i, p] of study.people.entries()) {
          const agreedAtFirst = p.quotes === "agreed" || p.quotes === "revoked";
          const id = await addParticipant(t.db, fx, { quotes: agreedAtFirst, language: p.language });
          people.push({
            id,
            marker: `MARK${tag}X${i}Q`,
            withdrawal: p.withdrawal,
            quotes: p.quotes,
            answers: p.answers,
            interpreted: p.interpreted,
          });
        }

        // A focus group with everyone: random turns, then one turn each that only holds their marker.
        const session = await createGathering(t.db, fx.scope, null, { kind: "focus_group", label: `FG ${tag}`, heldOn: "2026-03-03" });
        const mapping: Record<string, SpeakerMapping> = { F: { role: "facilitator" }, I: { role: "interpreter" } };
        for (const [i, p] of people.entries()) {
          await addAttendee(t.db, fx.scope, session, p.id);
          mapping[`P${i}`] = { role: "participant", participantId: p.id };
        }
        const lines = ["F: welcome"];
        for (const turn of study.turns) {
          const i = turn.speaker % people.length;
          lines.push(`P${i}: ${turn.before} ${people[i]!.marker} ${turn.after}`);
        }
        for (const [i, p] of people.entries()) {
          lines.push(`P${i}: ${p.marker}`);
          // the interpreter's rendering of that turn, linked by the "=" convention: their words too
          if (p.interpreted) lines.push(`I: = rendered ${p.marker}`);
        }
        lines.push("I: the interpreter's own aside");
        await importTranscript(t.db, fx.scope, session, { source: lines.join("\n"), language: "en", mapping });
        for (const p of people) if (p.answers) await addAnswer(t.db, fx, p.id, `${WORDS[0]} ${p.marker} ${WORDS[2]}`);

        // Everyone's own marker turn is coded, so a quotable person always has a quote; then random spans.
        const units = [...(await readUnits(t.db, fx.scope, "analysis")).values()];
        for (const p of people) {
          const own = units.find((u) => u.text === p.marker)!;
          await applyTheme(t.db, fx.scope, coders[0]!, { unit: own.key, themeId: themes[0]!, start: 0, end: codePointLength(own.text) });
        }
        for (const c of study.codings) {
          const u = units[c.unit % units.length]!;
          const len = codePointLength(u.text);
          const start = Math.min(c.start, len - 1);
          const end = Math.min(len, start + c.length);
          await applyTheme(t.db, fx.scope, coders[c.coder]!, { unit: u.key, themeId: themes[c.theme]!, start, end });
        }
        for (const coder of coders) await setFinished(t.db, fx.scope, coder, true);

        // The participants' choices, after the coding (as in life: people withdraw later).
        for (const p of people) {
          if (p.quotes === "revoked") await setQuoteConsent(t.db, p.id, false);
          if (p.quotes === "granted_later") await setQuoteConsent(t.db, p.id, true);
          if (p.withdrawal === "keep") await withdraw(t.db, p.id, "keep");
          if (p.withdrawal === "erase") await withdraw(t.db, p.id, "erase");
          if (p.withdrawal === "erase_flag") {
            await t.db
              .updateTable("participant")
              .set({ withdrawn_on: "2026-04-01", withdrawal_mode: "erase" })
              .where("id", "=", p.id)
              .execute();
          }
        }
        const erased = people.filter((p) => p.withdrawal === "erase" || p.withdrawal === "erase_flag");
        const inAnalysis = people.filter((p) => !erased.includes(p));
        const quotable = people.filter((p) => p.withdrawal === "none" && (p.quotes === "agreed" || p.quotes === "granted_later"));
        const notQuotable = people.filter((p) => !quotable.includes(p));

        const answersLong = await collect((w) => exportAnswersLong(t.db, fx.scope, actor, w));
        const answersWide = await collect((w) => exportAnswersWide(t.db, fx.scope, actor, w));
        const codedSpans = (await exportCodedSpans(t.db, fx.scope, actor)).csv;
        const quotesCsv = (await exportQuotes(t.db, fx.scope, actor, { themeIds: themes }, "csv")).body;
        const quotesMd = (await exportQuotes(t.db, fx.scope, actor, { themeIds: themes }, "md")).body;
        const qdpx = await buildQdpx(t.db, fx.scope);
        const qdpxText = qdpx.xml + qdpx.sources.map((s) => s.text).join("\n");
        const extracts = (await Promise.all(themes.map((id) => themeExtracts(t.db, fx.scope, id)))).flat();
        const extractText = extracts.map((e) => `${e.before}${e.extract}${e.after}`).join("\n");
        const counts = await themeCounts(t.db, fx.scope);
        const agreement = await agreementReport(t.db, fx.scope, { coders });
        const agreementUnits = await readUnits(t.db, fx.scope, "analysis", { keys: agreement.units });
        // The agreement page shows the report and the text of the units it compares.
        const agreementText = JSON.stringify(agreement) + [...agreementUnits.values()].map((u) => u.text).join("\n");

        const outputs = {
          answersLong,
          answersWide,
          codedSpans,
          quotesCsv,
          quotesMd,
          qdpx: qdpxText,
          themeExtracts: extractText,
          themeCounts: JSON.stringify(counts),
          agreement: agreementText,
        };
        for (const p of erased) {
          for (const [what, text] of Object.entries(outputs))
            expect(text.includes(p.marker), `${what} holds erased ${p.marker}`).toBe(false);
        }
        // The agreement table compares no unit the gate would not show.
        expect(agreementUnits.size).toBe(agreement.units.length);
        for (const p of notQuotable) {
          expect(quotesCsv.includes(p.marker), `quotes CSV holds ${p.marker} (${p.withdrawal}, ${p.quotes})`).toBe(false);
          expect(quotesMd.includes(p.marker), `quotes Markdown holds ${p.marker} (${p.withdrawal}, ${p.quotes})`).toBe(false);
        }
        for (const c of counts) expect(c.people).toBeLessThanOrEqual(inAnalysis.length);

        // Not simply shut: everyone still in the analysis is in it, and every quotable person is quoted.
        for (const p of inAnalysis) {
          expect(qdpxText.includes(p.marker), `qdpx lacks ${p.marker}`).toBe(true);
          expect(codedSpans.includes(p.marker), `coded spans lack ${p.marker}`).toBe(true);
          if (p.answers) expect(answersLong.includes(p.marker) && answersWide.includes(p.marker), `answers lack ${p.marker}`).toBe(true);
        }
        for (const p of quotable) {
          expect(quotesCsv.includes(p.marker), `quotes CSV lacks ${p.marker}`).toBe(true);
          expect(quotesMd.includes(p.marker), `quotes Markdown lacks ${p.marker}`).toBe(true);
        }
      }),
      { numRuns: 25 },
    );
  }, 180_000);
});
