/**
 * Property test over random studies (seeded, so a failure can be replayed with its seed): whatever
 * the mix of consent choices and withdrawals, no theme view, agreement table, extract, REFI-QDA
 * project or readable unit holds text from a participant who withdrew with erasure, and no quote comes
 * from anyone without current quote consent or who has withdrawn. Every participant's words carry a
 * unique marker so a leak is found by searching the outputs for it.
 *
 * fast-check is not a dependency of the project yet; a small seeded generator (mulberry32) stands in.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agreementReport } from "../app/coding/agreement.server";
import { createTheme } from "../app/coding/codebook.server";
import { applyTheme, setFinished } from "../app/coding/codings.server";
import { buildQdpx } from "../app/coding/qdpx.server";
import { collectQuotes } from "../app/coding/quotes.server";
import { codePointLength } from "../app/coding/spans";
import { themeCounts, themeExtracts } from "../app/coding/theme-views.server";
import { readUnits } from "../app/consent/gate-coding.server";
import { addAttendee, createSession, importTranscript, type SpeakerMapping } from "../app/sessions/sessions.server";
import { createTestDatabase, type TestDatabase } from "./support/database";
import { addAnswer, addParticipant, createCodingFixture, setQuoteConsent, withdraw } from "./coding-fixtures";

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Fate = "stays" | "keep" | "erase" | "erase_flag" | "no_quotes" | "revokes";
const FATES: Fate[] = ["stays", "keep", "erase", "erase_flag", "no_quotes", "revokes"];
const WORDS = ["gŵr", "شعرت", "🙏", "care", "amser", "الأمان", "safe", "ŷd"];

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.destroy());

const SEEDS = Array.from({ length: 8 }, (_, i) => 1000 + i * 7919);

describe("privacy invariants over random studies", () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}`, async () => {
      const rand = mulberry32(seed);
      const pick = <T,>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
      const fx = await createCodingFixture(t.db);
      const themes = [
        (await createTheme(t.db, fx.scope, null, { name: "A" })).id,
        (await createTheme(t.db, fx.scope, null, { name: "B" })).id,
      ];
      const n = 3 + Math.floor(rand() * 5);
      const people: { id: string; fate: Fate; marker: string }[] = [];
      for (let i = 0; i < n; i++) {
        const fate = pick(FATES);
        const id = await addParticipant(t.db, fx, { quotes: fate !== "no_quotes", language: pick(["en", "cy", "ar"]) });
        people.push({ id, fate, marker: `MARK${seed}X${i}Q` });
      }
      // a focus group with everyone, and a written answer from some
      const session = await createSession(t.db, fx.scope, null, { kind: "focus_group", label: `FG ${seed}`, heldOn: "2026-03-03" });
      const mapping: Record<string, SpeakerMapping> = { F: { role: "facilitator" } };
      for (const [i, p] of people.entries()) {
        await addAttendee(t.db, fx.scope, session, p.id);
        mapping[`P${i}`] = { role: "participant", participantId: p.id };
      }
      const lines = ["F: welcome"];
      for (let turn = 0; turn < n * 3; turn++) {
        const i = Math.floor(rand() * n);
        lines.push(`P${i}: ${pick(WORDS)} ${people[i]!.marker} ${pick(WORDS)}`);
      }
      for (const [i] of people.entries()) lines.push(`P${i}: ${people[i]!.marker}`);
      await importTranscript(t.db, fx.scope, session, { source: lines.join("\n"), language: "en", mapping });
      for (const p of people) if (rand() < 0.6) await addAnswer(t.db, fx, p.id, `${pick(WORDS)} ${p.marker} ${pick(WORDS)}`);
      // two coders code random spans of everything
      const units = [...(await readUnits(t.db, fx.scope, "analysis")).values()];
      for (const coder of [fx.users.researcher, fx.users.second]) {
        for (const u of units) {
          if (rand() < 0.3) continue;
          const len = codePointLength(u.text);
          const start = Math.floor(rand() * (len - 1));
          await applyTheme(t.db, fx.scope, coder, { unit: u.key, themeId: pick(themes), start, end: start + 1 + Math.floor(rand() * (len - start - 1)) });
          if (rand() < 0.5) await applyTheme(t.db, fx.scope, coder, { unit: u.key, themeId: pick(themes), start: 0, end: len });
        }
        await setFinished(t.db, fx.scope, coder, true);
      }
      // the fates
      for (const p of people) {
        if (p.fate === "keep") await withdraw(t.db, p.id, "keep");
        if (p.fate === "erase") await withdraw(t.db, p.id, "erase");
        if (p.fate === "erase_flag") await t.db.updateTable("participant").set({ withdrawn_on: "2026-04-01", withdrawal_mode: "erase" }).where("id", "=", p.id).execute();
        if (p.fate === "revokes") await setQuoteConsent(t.db, p.id, false);
      }
      const erased = people.filter((p) => p.fate === "erase" || p.fate === "erase_flag");
      const notQuotable = people.filter((p) => p.fate !== "stays");
      const quotable = people.filter((p) => p.fate === "stays");

      const analysisText = [...(await readUnits(t.db, fx.scope, "analysis")).values()].map((u) => u.text).join("\n");
      const extracts = (await Promise.all(themes.map((id) => themeExtracts(t.db, fx.scope, id)))).flat();
      const extractText = extracts.map((e) => `${e.before}${e.extract}${e.after}`).join("\n");
      const agreement = await agreementReport(t.db, fx.scope, { coders: [fx.users.researcher, fx.users.second] });
      const agreementUnits = [...(await readUnits(t.db, fx.scope, "analysis", { keys: agreement.units })).values()].map((u) => u.text).join("\n");
      const qdpx = await buildQdpx(t.db, fx.scope);
      const qdpxText = qdpx.xml + qdpx.sources.map((s) => s.text).join("\n");
      const quotes = await collectQuotes(t.db, fx.scope, { themeIds: themes });
      const quoteText = quotes.map((q) => `${q.text} ${q.translation}`).join("\n");

      for (const p of erased) {
        for (const [what, text] of [["analysis", analysisText], ["extracts", extractText], ["agreement", agreementUnits], ["qdpx", qdpxText], ["quotes", quoteText]] as const) {
          expect(text.includes(p.marker), `${what} holds erased ${p.marker} (seed ${seed})`).toBe(false);
        }
      }
      for (const p of notQuotable) expect(quoteText.includes(p.marker), `quote from ${p.fate} ${p.marker} (seed ${seed})`).toBe(false);
      // people counts never exceed the people still in the analysis
      const counts = await themeCounts(t.db, fx.scope);
      for (const c of counts) expect(c.people).toBeLessThanOrEqual(n - erased.length);
      // and the gate is not simply shut: with anyone quotable, quotes come out
      if (quotable.length > 0) expect(quotes.length).toBeGreaterThan(0);
      if (quotable.length > 0 && quotes.length > 0) expect(quotes.every((q) => !/MARK\d+X\d+Q/.test(q.text) || quotable.some((p) => q.text.includes(p.marker)))).toBe(true);
    }, 60_000);
  }
});
