// Agreement over stored codings. The figures are worked by hand below (the statistics themselves are
// checked against R in coding-agreement.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agreementReport, resolveDisagreement } from "../../app/coding/agreement.server";
import { createTheme } from "../../app/coding/codebook.server";
import { applyTheme, codingsForUnits, setFinished } from "../../app/coding/codings.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addAnswer, addParticipant, createCodingFixture, withdraw, type CodingFixture } from "./fixtures";

let t: TestDatabase;
let fx: CodingFixture;
let units: string[];
let participants: string[];
let T: string;
let X: string;
beforeAll(async () => {
  t = await createTestDatabase();
  fx = await createCodingFixture(t.db);
  T = (await createTheme(t.db, fx.scope, null, { name: "Trust" })).id;
  X = (await createTheme(t.db, fx.scope, null, { name: "Waiting" })).id;
  participants = [];
  units = [];
  for (let i = 1; i <= 6; i++) {
    const p = await addParticipant(t.db, fx);
    participants.push(p);
    units.push(await addAnswer(t.db, fx, p, `Answer number ${i} about trust and waiting`));
  }
  const A = fx.users.researcher;
  const B = fx.users.second;
  const code = (coder: string, i: number, theme: string) =>
    applyTheme(t.db, fx.scope, coder, { unit: units[i - 1]!, themeId: theme, start: 0, end: 6 });
  // Trust: A on 1,2,3; B on 1,2,4. Waiting: both on 5,6. Both coders finished.
  for (const i of [1, 2, 3]) await code(A, i, T);
  for (const i of [1, 2, 4]) await code(B, i, T);
  for (const i of [5, 6]) {
    await code(A, i, X);
    await code(B, i, X);
  }
  await setFinished(t.db, fx.scope, A, true);
  await setFinished(t.db, fx.scope, B, true);
});
afterAll(() => t?.destroy());

describe("agreement report", () => {
  it("gives per-theme percentage, kappa and alpha worked by hand", async () => {
    const report = await agreementReport(t.db, fx.scope, { coders: [fx.users.researcher, fx.users.second], units });
    const trust = report.themes.find((r) => r.themeId === T)!;
    // units (A,B): 1 (1,1) 2 (1,1) 3 (1,0) 4 (0,1) 5 (0,0) 6 (0,0)
    // agreement 4/6; kappa: po = 4/6, pe = .5·.5 + .5·.5 = .5, (2/3 − 1/2)/(1/2) = 1/3
    // alpha: coincidences o11 = 4, o00 = 4, o01 = o10 = 2, n = 12, n1 = n0 = 6:
    //        1 − (n − 1)·(o01 + o10)/(2·n1·n0) = 1 − 11·4/72 = 0.38889
    expect(trust.units).toBe(6);
    expect(trust.percentAgreement).toBeCloseTo(4 / 6, 10);
    expect(trust.cohensKappa).toBeCloseTo(1 / 3, 10);
    expect(trust.krippendorffAlpha).toBeCloseTo(1 - 44 / 72, 10);
    expect(trust.disagreements).toEqual([units[2], units[3]]);
    const waiting = report.themes.find((r) => r.themeId === X)!;
    expect([waiting.percentAgreement, waiting.cohensKappa, waiting.krippendorffAlpha]).toEqual([1, 1, 1]);
    expect(report.disagreements.map((d) => [d.unit, d.decisions[fx.users.researcher], d.decisions[fx.users.second]])).toEqual([
      [units[2], true, false],
      [units[3], false, true],
    ]);
  });

  it("treats an unfinished coder's untouched units as missing, not as 'theme absent'", async () => {
    const C = fx.users.peer;
    await applyTheme(t.db, fx.scope, C, { unit: units[0]!, themeId: T, start: 0, end: 6 });
    const report = await agreementReport(t.db, fx.scope, { coders: [fx.users.researcher, fx.users.second, C], units });
    const trust = report.themes.find((r) => r.themeId === T)!;
    expect(trust.cohensKappa).toBeNull();
    expect(trust.units).toBe(6);
    expect(report.disagreements.find((d) => d.unit === units[2])!.decisions[C]).toBeNull();
  });

  it("keeps the resolved coding apart from each coder's own", async () => {
    await resolveDisagreement(t.db, fx.scope, fx.users.researcher, { unit: units[2]!, themeId: T, applied: true });
    const report = await agreementReport(t.db, fx.scope, { coders: [fx.users.researcher, fx.users.second], units });
    expect(report.disagreements.find((d) => d.unit === units[2])!.resolved).toBe(true);
    expect(report.themes.find((r) => r.themeId === T)!.percentAgreement).toBeCloseTo(4 / 6, 10);
    expect((await codingsForUnits(t.db, fx.scope, fx.users.second, [units[2]!])).filter((c) => c.coderId === fx.users.second)).toHaveLength(
      0,
    );
  });

  it("drops an erased participant's unit from the set", async () => {
    await withdraw(t.db, participants[2]!, "erase");
    const report = await agreementReport(t.db, fx.scope, { coders: [fx.users.researcher, fx.users.second], units });
    expect(report.units).toHaveLength(5);
    expect(report.themes.find((r) => r.themeId === T)!.disagreements).toEqual([units[3]]);
    expect(await t.db.selectFrom("resolved_coding").selectAll().execute()).toHaveLength(0);
  });
});
