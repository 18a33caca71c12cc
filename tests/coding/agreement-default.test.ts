// The default unit set of the agreement view follows ADR 032: a unit counts as coded by a coder who
// applied any theme to it or who has marked themselves finished. Figures worked by hand below.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agreementReport } from "../../app/coding/agreement.server";
import { createTheme } from "../../app/coding/codebook.server";
import { applyTheme, setFinished } from "../../app/coding/codings.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addAnswer, addParticipant, createCodingFixture, withdraw, type CodingFixture } from "./fixtures";

let t: TestDatabase;
let fx: CodingFixture;
let units: string[];
let participants: string[];
let T: string;
let W: string;
let A: string;
let B: string;
beforeAll(async () => {
  t = await createTestDatabase();
  fx = await createCodingFixture(t.db);
  A = fx.users.researcher;
  B = fx.users.second;
  T = (await createTheme(t.db, fx.scope, null, { name: "Trust" })).id;
  W = (await createTheme(t.db, fx.scope, null, { name: "Waiting" })).id;
  participants = [];
  units = [];
  for (let i = 1; i <= 6; i++) {
    const p = await addParticipant(t.db, fx);
    participants.push(p);
    units.push(await addAnswer(t.db, fx, p, `Answer number ${i} about trust and waiting`));
  }
  const code = (coder: string, i: number, theme: string) =>
    applyTheme(t.db, fx.scope, coder, { unit: units[i - 1]!, themeId: theme, start: 0, end: 6 });
  // Trust: A on 1,2,3; B on 1,2 and left 3 blank. Waiting: B alone on 4. Nobody coded 5 or 6.
  for (const i of [1, 2, 3]) await code(A, i, T);
  for (const i of [1, 2]) await code(B, i, T);
  await code(B, 4, W);
});
afterAll(() => t?.destroy());

describe("default unit set (ADR 032)", () => {
  it("before anyone finishes, compares only units both coders touched", async () => {
    const report = await agreementReport(t.db, fx.scope, { coders: [A, B] });
    expect([...report.units].sort()).toEqual([units[0], units[1]].sort());
    expect(report.disagreements).toEqual([]);
  });

  it("with both coders finished, a unit one coded and the other left blank is compared and is a disagreement", async () => {
    await setFinished(t.db, fx.scope, A, true);
    await setFinished(t.db, fx.scope, B, true);
    const report = await agreementReport(t.db, fx.scope, { coders: [A, B] });
    expect([...report.units].sort()).toEqual([...units].sort());
    const trust = report.themes.find((r) => r.themeId === T)!;
    // units (A,B): 1 (1,1) 2 (1,1) 3 (1,0) 4 (0,0) 5 (0,0) 6 (0,0)
    // agreement 5/6; kappa: po = 5/6, pe = 3/6·2/6 + 3/6·4/6 = 1/2, (5/6 − 1/2)/(1/2) = 2/3
    // alpha: o11 = 4, o00 = 6, o01 = o10 = 1, n = 12, n1 = 5, n0 = 7: 1 − 11·2/(2·5·7) = 48/70
    expect(trust.units).toBe(6);
    expect(trust.percentAgreement).toBeCloseTo(5 / 6, 12);
    expect(trust.cohensKappa).toBeCloseTo(2 / 3, 12);
    expect(trust.krippendorffAlpha).toBeCloseTo(48 / 70, 12);
    expect(trust.disagreements).toEqual([units[2]]);
    const waiting = report.themes.find((r) => r.themeId === W)!;
    // B alone applied Waiting to 4; A, finished, decided it does not apply.
    expect(waiting.units).toBe(6);
    expect(waiting.disagreements).toEqual([units[3]]);
    expect(waiting.percentAgreement).toBeCloseTo(5 / 6, 12);
    expect(report.disagreements.find((d) => d.unit === units[2] && d.themeId === T)!.decisions).toEqual({ [A]: true, [B]: false });
  });

  it("gives the same figures as naming the same units explicitly", async () => {
    const byDefault = await agreementReport(t.db, fx.scope, { coders: [A, B] });
    const explicit = await agreementReport(t.db, fx.scope, { coders: [A, B], units });
    expect(byDefault.themes).toEqual(explicit.themes);
  });

  it("with one coder finished and the other not, the unfinished coder's untouched units stay out", async () => {
    await setFinished(t.db, fx.scope, B, false);
    const report = await agreementReport(t.db, fx.scope, { coders: [A, B] });
    // A (finished) coded everything; B touched 1, 2 and 4.
    expect([...report.units].sort()).toEqual([units[0], units[1], units[3]].sort());
    expect(report.themes.find((r) => r.themeId === W)!.disagreements).toEqual([units[3]]);
    expect(report.themes.find((r) => r.themeId === T)!.disagreements).toEqual([]);
  });

  it("never counts an erased participant's unit, however finished the coders", async () => {
    await setFinished(t.db, fx.scope, B, true);
    await withdraw(t.db, participants[2]!, "erase");
    const report = await agreementReport(t.db, fx.scope, { coders: [A, B] });
    expect(report.units).toHaveLength(5);
    expect(report.units).not.toContain(units[2]);
    expect(report.themes.find((r) => r.themeId === T)!.disagreements).toEqual([]);
  });
});
