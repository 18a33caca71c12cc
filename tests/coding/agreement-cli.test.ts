/**
 * `report agreement` (issue 16 items 2 and 3): figures a paper can use, per theme and pooled over
 * themes, with alpha's bootstrap interval reproducible from its seed, and the coder × unit × theme
 * decisions as CSV. Alpha is recomputed from that CSV by an independent R script
 * (tests/fixtures/r/agreement-from-csv.R) when Rscript is present; in CI it must be.
 *
 * The data: one focus group (a facilitator turn, an interpreter turn and four participants' turns)
 * and eight written answers: 14 units. Rhian and Dafydd code, then finish; Samir codes two answers.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Papa from "papaparse";
import { beforeAll, describe, expect, it } from "vitest";
import { createTheme } from "../../app/coding/codebook.server";
import { applyTheme, setFinished } from "../../app/coding/codings.server";
import { addAttendee, createGathering, importTranscript, listTurns } from "../../app/fieldwork/gatherings.server";
import { bootstrapAlphasNominal } from "../../app/coding/krippendorff";
import { agreementCommands } from "../../scripts/commands/agreement";
import { allCommands } from "../../scripts/commands/index";
import type { CommandContext } from "../../scripts/commands/types";
import { addAnswer, addParticipant, codingStudyForTests, withdraw } from "./fixtures";

const hasR = (() => {
  try {
    execFileSync("Rscript", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

const study = codingStudyForTests();
const report = agreementCommands.find((c) => c.name === "report agreement")!;
let out: string[];
let ctx: CommandContext;
let dir: string;
let instrumentId: string;
let turns: string[]; // F, A1, I, B1, A2, B2
let answers: string[];
let participants: string[];
const themes: Record<string, string> = {};

// Who applied what, by unit index (0–5 the turns, 6–13 the answers).
const TRUST = { rhian: [0, 1, 2, 3, 6, 7, 8, 11], dafydd: [0, 1, 3, 4, 6, 7, 9, 11] };
const RARE = { rhian: [5], dafydd: [] as number[] };
const ALL = [...Array(14).keys()];

async function run(...args: string[]) {
  out = [];
  const code = await report.run(["--study", study.fx.studySlug, ...args], ctx);
  return { code, out: out.join("\n") };
}
async function json(...args: string[]) {
  const r = await run(...args, "--json");
  expect(r.code).toBe(0);
  return JSON.parse(r.out) as {
    units: { count: number; choice: string; participantTurnsOnly: boolean };
    coders: { id: string; name: string }[];
    bootstrap: { resamples: number; seed: number };
    themes: {
      theme: string;
      themeId: string;
      units: number;
      percentAgreement: number | null;
      cohensKappa: number | null;
      krippendorffAlpha: number | null;
      alphaCi95: [number, number] | null;
      disagreements: number;
      unvaryingCoders: { coder: string; decision: string }[];
    }[];
    overall: {
      decisions: number;
      percentAgreement: number;
      cohensKappa: number | null;
      krippendorffAlpha: number;
      alphaCi95: [number, number];
    };
  };
}
function csvRows(file: string) {
  const text = readFileSync(file, "utf8");
  expect(text.startsWith("\uFEFF")).toBe(true);
  return Papa.parse<Record<string, string>>(text.slice(1), { header: true, skipEmptyLines: true }).data;
}

beforeAll(async () => {
  const { db, fx } = study;
  dir = mkdtempSync(path.join(tmpdir(), "agreement-cli-"));
  ctx = { out: (l) => out.push(l), err: (l) => out.push(l), env: process.env, openDb: async () => study.database };
  instrumentId = (
    await db.selectFrom("instrument_version").select("instrument_id").where("id", "=", fx.versionId).executeTakeFirstOrThrow()
  ).instrument_id;
  participants = [];
  for (let i = 0; i < 8; i++) participants.push(await addParticipant(db, fx));
  const session = await createGathering(db, fx.scope, null, { kind: "focus_group", label: "Group 1", heldOn: "2026-03-03" });
  await addAttendee(db, fx.scope, session, participants[0]!);
  await addAttendee(db, fx.scope, session, participants[1]!);
  await importTranscript(db, fx.scope, session, {
    source: [
      "F: Welcome, what helped?",
      "A: The caseworker listened to me",
      "I: He says the office was far",
      "B: I waited months for a letter",
      "A: Nobody called me back",
      "B: My friend came with me",
    ].join("\n"),
    language: "en",
    mapping: {
      F: { role: "facilitator" },
      I: { role: "interpreter" },
      A: { role: "participant", participantId: participants[0]! },
      B: { role: "participant", participantId: participants[1]! },
    },
  });
  turns = (await listTurns(db, fx.scope, session)).map((t) => `s:${t.id}`);
  answers = [];
  for (let i = 0; i < 8; i++) answers.push(await addAnswer(db, fx, participants[i]!, `Written answer number ${i + 1}`));
  const units = [...turns, ...answers];
  for (const name of ["Trust", "=SUM(1,2)", "Everywhere"]) themes[name] = (await createTheme(db, fx.scope, null, { name })).id;
  const { researcher: rhian, second: dafydd, peer: samir } = fx.users;
  const code = (coder: string, i: number, theme: string) =>
    applyTheme(db, fx.scope, coder, { unit: units[i]!, themeId: themes[theme]!, start: 0, end: 3 });
  for (const i of TRUST.rhian) await code(rhian, i, "Trust");
  for (const i of TRUST.dafydd) await code(dafydd, i, "Trust");
  for (const i of RARE.rhian) await code(rhian, i, "=SUM(1,2)");
  for (const i of ALL) {
    await code(rhian, i, "Everywhere");
    await code(dafydd, i, "Everywhere");
  }
  await code(samir, 6, "Trust");
  await code(samir, 7, "Everywhere");
  await setFinished(db, fx.scope, rhian, true);
  await setFinished(db, fx.scope, dafydd, true);
}, 120_000);

describe("report agreement --json", () => {
  it("is registered, and gives each theme's figures unrounded, coders by name, and an overall figure", async () => {
    expect(allCommands.some((c) => c.name === "report agreement")).toBe(true);
    const r = await json("--coders", "Rhian,Dafydd");
    expect(r.units).toMatchObject({ count: 14, choice: "default", participantTurnsOnly: false });
    expect(r.coders.map((c) => c.name)).toEqual(["Rhian", "Dafydd"]);
    expect(r.bootstrap).toMatchObject({ resamples: 10_000, seed: 1 });
    const trust = r.themes.find((t) => t.theme === "Trust")!;
    // (R, D) over 14 units: both on 0 1 3 6 7 11 (6), R only on 2 8 (2), D only on 4 9 (2), neither on 4.
    // Agreement 10/14; kappa: po = 10/14, pe = (8/14)² + (6/14)² = 100/196, (140/196 − 100/196)/(96/196) = 40/96;
    // alpha: n = 28, n1 = 16, n0 = 12, disagreeing ordered pairs 8: 1 − 27·8/(2·16·12) = 1 − 216/384.
    expect(trust.units).toBe(14);
    expect(trust.percentAgreement).toBeCloseTo(10 / 14, 12);
    expect(trust.cohensKappa).toBeCloseTo(40 / 96, 12);
    expect(trust.krippendorffAlpha).toBeCloseTo(1 - 216 / 384, 12);
    expect(trust.disagreements).toBe(4);
    expect(trust.alphaCi95![0]).toBeLessThan(trust.krippendorffAlpha!);
    expect(trust.alphaCi95![1]).toBeGreaterThan(trust.krippendorffAlpha!);
    // "92.9 % agreement, κ 0.000": Dafydd never applied it, so kappa is 0 whatever the agreement.
    const rare = r.themes.find((t) => t.theme === "=SUM(1,2)")!;
    expect(rare.percentAgreement).toBeCloseTo(13 / 14, 12);
    expect(rare.cohensKappa).toBeCloseTo(0, 12);
    expect(rare.unvaryingCoders).toEqual([{ coder: "Dafydd", decision: "not_applied" }]);
    // Both applied "Everywhere" everywhere: kappa and alpha undefined (null), agreement 100 %.
    const everywhere = r.themes.find((t) => t.theme === "Everywhere")!;
    expect([everywhere.percentAgreement, everywhere.cohensKappa, everywhere.krippendorffAlpha, everywhere.alphaCi95]).toEqual([
      1,
      null,
      null,
      null,
    ]);
    // Overall: every unit × theme decision pooled, 14 × 3 = 42, disagreeing on 4 + 1.
    expect(r.overall.decisions).toBe(42);
    expect(r.overall.percentAgreement).toBeCloseTo(37 / 42, 12);
    expect(r.overall.krippendorffAlpha).not.toBeNull();
  });

  it("gives the same interval for the same seed, and states the resamples and seed", async () => {
    const a = await json("--seed", "20260504");
    const b = await json("--seed", "20260504");
    const c = await json("--seed", "7", "--resamples", "2000");
    const ci = (r: typeof a) => r.themes.find((t) => t.theme === "Trust")!.alphaCi95;
    expect(ci(a)).toEqual(ci(b));
    expect(a.overall.alphaCi95).toEqual(b.overall.alphaCi95);
    expect(a.bootstrap).toMatchObject({ resamples: 10_000, seed: 20260504 });
    expect(c.bootstrap).toMatchObject({ resamples: 2000, seed: 7 });
    expect(ci(c)).not.toEqual(ci(a));
    // Monte Carlo error only: the intervals from two seeds are close.
    expect(Math.abs(ci(c)![0] - ci(a)![0])).toBeLessThan(0.05);
  });

  it("prints a readable table without --json", async () => {
    const r = await run("--coders", "Rhian,Dafydd");
    expect(r.out).toContain("Coders: Rhian, Dafydd. Units compared: 14.");
    expect(r.out).toContain("Trust\t14\t71.4 %\t0.417\t0.438\t[");
    expect(r.out).toContain("All themes (pooled)\t42\t88.1 %");
    expect(r.out).toContain('Note: Dafydd never applied "=SUM(1,2)" on every unit compared');
    expect(r.out).toContain("Intervals: 10000 resamples, seed 1.");
  });
});

describe("the decisions CSV", () => {
  it("holds every coder × unit × theme decision, formula-safe, and is audited as an export", async () => {
    const file = path.join(dir, "decisions.csv");
    const r = await run("--coders", "Rhian,Dafydd", "--csv", file);
    expect(r.out.split("\n")[0]).toBe(`84 decisions written to ${file}.`);
    const rows = csvRows(file);
    expect(Object.keys(rows[0]!)).toEqual([
      "unit",
      "unit_kind",
      "session",
      "question",
      "speaker_role",
      "theme_id",
      "theme",
      "coder_id",
      "coder",
      "decision",
    ]);
    expect(rows).toHaveLength(14 * 3 * 2);
    const of = (unit: string, theme: string, coder: string) =>
      rows.find((x) => x.unit === unit && x.theme_id === themes[theme] && x.coder === coder)!.decision;
    expect(of(turns[2]!, "Trust", "Rhian")).toBe("applied");
    expect(of(turns[2]!, "Trust", "Dafydd")).toBe("not_applied");
    expect(rows.find((x) => x.unit === turns[0])).toMatchObject({ unit_kind: "turn", session: "Group 1", speaker_role: "facilitator" });
    expect(rows.find((x) => x.unit === answers[0])).toMatchObject({
      unit_kind: "answer",
      question: "what_helped",
      speaker_role: "participant",
    });
    // A theme named like a formula is text in a spreadsheet.
    expect(new Set(rows.filter((x) => x.theme_id === themes["=SUM(1,2)"]).map((x) => x.theme))).toEqual(new Set(["'=SUM(1,2)"]));
    const audit = await study.db
      .selectFrom("audit_event")
      .select(["action", "subject", "detail", "actor_user_id"])
      .where("action", "=", "export")
      .where("subject", "=", study.fx.studySlug)
      .execute();
    const entry = audit.map((a) => ({ ...a, detail: typeof a.detail === "string" ? JSON.parse(a.detail) : a.detail })).at(-1)!;
    expect(entry.actor_user_id).toBeNull();
    expect(entry.detail).toMatchObject({ export: "agreement_decisions", via: "cli", rows: 84, filter: { units: "default" } });
  });

  it("gives the figures R computes by hand from it (alpha exactly, the interval within Monte Carlo error)", async () => {
    if (!hasR) {
      // Locally without R this check is skipped; CI installs R (.ci/run) and must run it.
      if (process.env.CI === "true") throw new Error("Rscript is missing: CI must cross-check alpha in R");
      return;
    }
    const file = path.join(dir, "decisions-r.csv");
    await run("--csv", file);
    const figures = await json();
    const lines = execFileSync("Rscript", ["tests/fixtures/r/agreement-from-csv.R", file, "20000", "3"], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map((l) => l.split("\t"));
    const r = Object.fromEntries(
      lines.map(([id, n, alpha, low, high, mean, sd]) => [
        id,
        { n: Number(n), alpha, low: Number(low), high: Number(high), mean: Number(mean), sd: Number(sd) },
      ]),
    );
    // Three coders by default (Samir too): Samir's two answers add pairable values.
    expect(figures.coders).toHaveLength(3);
    // Tandem's bootstrap on the same decisions, read back from the CSV: the same distribution as R's
    // pair-by-pair draws (mean and SD), whatever order the database gave the rows in.
    const rows = csvRows(file);
    const matrix = (keep: (row: Record<string, string>) => boolean, unitOf: (row: Record<string, string>) => string) => {
      const byUnit = new Map<string, Map<string, boolean | null>>();
      for (const row of rows.filter(keep)) {
        const unit = byUnit.get(unitOf(row)) ?? new Map<string, boolean | null>();
        unit.set(row.coder_id!, row.decision === "not_coded" ? null : row.decision === "applied");
        byUnit.set(unitOf(row), unit);
      }
      return [...byUnit.values()].map((u) => [...u.values()]);
    };
    const checkDistribution = (label: string, units: (boolean | null)[][], fromR: { mean: number; sd: number }) => {
      const alphas = bootstrapAlphasNominal(units, { resamples: 20_000, seed: 5 })!;
      const mean = alphas.reduce((a, b) => a + b, 0) / alphas.length;
      const sd = Math.sqrt(alphas.reduce((a, b) => a + (b - mean) ** 2, 0) / (alphas.length - 1));
      // Two independent Monte Carlo means of 20,000 draws each: they differ by their standard error
      // times a normal deviate, so allow four standard errors of the difference.
      const standardError = Math.sqrt((sd * sd + fromR.sd * fromR.sd) / 20_000);
      expect(Math.abs(mean - fromR.mean), `${label} mean`).toBeLessThan(4 * standardError);
      expect(sd / fromR.sd, `${label} SD`).toBeGreaterThan(0.93);
      expect(sd / fromR.sd, `${label} SD`).toBeLessThan(1.07);
    };
    for (const theme of figures.themes) {
      const fromR = r[theme.themeId]!;
      if (theme.krippendorffAlpha === null) {
        expect(fromR.alpha).toBe("NA");
        continue;
      }
      expect(Math.abs(theme.krippendorffAlpha - Number(fromR.alpha)), theme.theme).toBeLessThan(1e-12);
      checkDistribution(
        theme.theme,
        matrix(
          (x) => x.theme_id === theme.themeId,
          (x) => x.unit!,
        ),
        fromR,
      );
      // The interval: within Monte Carlo error, where a quantile of so few units may sit on either of
      // two neighbouring values the bootstrap takes (here about 0.07 apart).
      expect(Math.abs(theme.alphaCi95![0] - fromR.low), `${theme.theme} low`).toBeLessThan(0.1);
      expect(Math.abs(theme.alphaCi95![1] - fromR.high), `${theme.theme} high`).toBeLessThan(0.1);
    }
    expect(Math.abs(figures.overall.krippendorffAlpha - Number(r.overall!.alpha))).toBeLessThan(1e-12);
    checkDistribution(
      "overall",
      matrix(
        () => true,
        (x) => `${x.unit}|${x.theme_id}`,
      ),
      r.overall!,
    );
    expect(Math.abs(figures.overall.alphaCi95[0] - r.overall!.low)).toBeLessThan(0.1);
    expect(Math.abs(figures.overall.alphaCi95[1] - r.overall!.high)).toBeLessThan(0.1);
  }, 120_000);
});

describe("choosing coders and units", () => {
  it("--coders takes names, e-mail addresses or ids, and changes the figures", async () => {
    const email = (
      await study.db.selectFrom("app_user").select("email").where("id", "=", study.fx.users.researcher).executeTakeFirstOrThrow()
    ).email;
    const withSamir = await json("--coders", `${email.toUpperCase()},${study.fx.users.peer}`);
    expect(withSamir.coders.map((c) => c.name)).toEqual(["Rhian", "Samir"]);
    // Samir is not finished: only the two answers he touched are coded by both.
    expect(withSamir.units.count).toBe(2);
  });

  it("--units session, question, and --participant-turns-only", async () => {
    const session = await json("--coders", "Rhian,Dafydd", "--units", "session", "--session", "group 1");
    expect(session.units).toMatchObject({ count: 6, choice: "session" });
    const participantsOnly = await json("--coders", "Rhian,Dafydd", "--session", "Group 1", "--participant-turns-only");
    // The facilitator's and the interpreter's turns are left out.
    expect(participantsOnly.units).toMatchObject({ count: 4, participantTurnsOnly: true });
    expect(participantsOnly.themes.find((t) => t.theme === "Trust")!.units).toBe(4);
    const question = await json("--coders", "Rhian,Dafydd", "--units", `question:${instrumentId}/what_helped`);
    expect(question.units).toMatchObject({ count: 8, choice: "question" });
    const all = await json("--coders", "Rhian,Dafydd", "--participant-turns-only");
    expect(all.units.count).toBe(12);
  });

  it("refuses bad options with a clear message", async () => {
    const refused = (args: string[], message: RegExp) => expect(run(...args)).rejects.toThrow(message);
    await refused(["--units", "sessions"], /--units must be default, session or question:<instrument>\/<item>/);
    await refused(["--units", "session"], /--units session needs --session/);
    await refused(["--session", "Nope"], /No session "Nope"/);
    await refused(["--units", "question:nope/what_helped"], /No written answers to nope\/what_helped/);
    await refused(["--coders", "Rhian,Nobody"], /No coder "Nobody" in this study \(coders: Dafydd, Rhian, Samir\)/);
    await refused(["--coders", "Rhian"], /two or more different coders/);
    await refused(["--resamples", "5"], /--resamples must be a whole number from 100 to 1,000,000/);
    await refused(["--seed", "-3"], /--seed must be a whole number from 0 to 4,294,967,295/);
    await refused(["--seed", "1.5"], /--seed must be a whole number/);
    await refused(["--confidence", "90"], /Unknown option --confidence/);
    await expect(report.run(["--study", "no-such-study"], ctx)).rejects.toThrow(/No study with the slug "no-such-study"/);
  });
});

describe("'finished' covers what existed when the coder finished (issue 16 item 3)", () => {
  it("a turn added after both finished is 'not coded' for them until they code it or finish again", async () => {
    const { db, fx } = study;
    const later = await createGathering(db, fx.scope, null, { kind: "interview", label: "Later", heldOn: "2026-03-09" });
    await addAttendee(db, fx.scope, later, participants[2]!);
    await importTranscript(db, fx.scope, later, {
      source: "P: The new caseworker listened\nP: It got better",
      language: "en",
      mapping: { P: { role: "participant", participantId: participants[2]! } },
    });
    const newTurns = (await listTurns(db, fx.scope, later)).map((t) => `s:${t.id}`);
    await applyTheme(db, fx.scope, fx.users.second, { unit: newTurns[0]!, themeId: themes.Trust!, start: 0, end: 3 });
    // Not compared by default: only Dafydd has coded a new turn; before ADR 070 Rhian's finish made
    // both new turns "not applied" for her and a disagreement on the first.
    expect((await json("--coders", "Rhian,Dafydd")).units.count).toBe(14);
    const file = path.join(dir, "later.csv");
    await run("--coders", "Rhian,Dafydd", "--session", "Later", "--csv", file);
    const decisions = (coder: string) =>
      csvRows(file)
        .filter((x) => x.coder === coder && x.theme_id === themes.Trust)
        .map((x) => x.decision);
    expect(decisions("Rhian")).toEqual(["not_coded", "not_coded"]);
    // Dafydd finished before they arrived too: the turn he coded is his decision, the other is not coded.
    expect(decisions("Dafydd")).toEqual(["applied", "not_coded"]);
    const trust = (await json("--coders", "Rhian,Dafydd", "--session", "Later")).themes.find((t) => t.theme === "Trust")!;
    expect(trust.units).toBe(0);
    expect(trust.disagreements).toBe(0);

    // Finishing again covers the new turns: her blanks are now decisions.
    await setFinished(db, fx.scope, fx.users.researcher, true);
    await run("--coders", "Rhian,Dafydd", "--session", "Later", "--csv", file);
    expect(decisions("Rhian")).toEqual(["not_applied", "not_applied"]);
    // The first new turn is now coded by both; the second by Rhian alone.
    expect((await json("--coders", "Rhian,Dafydd")).units.count).toBe(15);
  });

  it("leaves an erased participant's units out of the figures and the CSV", async () => {
    await withdraw(study.db, participants[7]!, "erase");
    const file = path.join(dir, "erased.csv");
    await run("--coders", "Rhian,Dafydd", "--csv", file);
    expect(csvRows(file).some((x) => x.unit === answers[7])).toBe(false);
    expect((await json("--coders", "Rhian,Dafydd")).units.count).toBe(14);
  });
});
