/**
 * Agreement on the written answers to one question: the chooser offers only questions (instrument and
 * item) that two or more coders have coded, and choosing one restricts the units to that question's
 * answers, so the figures are that question's. Worked by hand below; the statistics themselves are
 * checked against R in coding-agreement.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agreementReport, answerUnitsForItem, codedAnswerItems } from "../../app/coding/agreement.server";
import { createTheme } from "../../app/coding/codebook.server";
import { applyTheme, setFinished } from "../../app/coding/codings.server";
import { startTestApp, type TestApp } from "../support/app";
import { makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";
import { addAnswer, addParticipant, createCodingFixture, type CodingFixture } from "./fixtures";

let app: TestApp;
let fx: CodingFixture;
let instrumentId: string;
let T: string;
let helped: string[];
let notes: string[];
let A: string;
let B: string;

beforeAll(async () => {
  app = await startTestApp({ demo: false });
  fx = await createCodingFixture(app.db);
  instrumentId = (
    await app.db.selectFrom("instrument_version").select("instrument_id").where("id", "=", fx.versionId).executeTakeFirstOrThrow()
  ).instrument_id;
  // The chooser names questions by their text: give this instrument a title and question texts.
  await app.db
    .updateTable("instrument_version")
    .set({
      kind: "question_set",
      definition: JSON.stringify({
        id: instrumentId,
        version: 1,
        kind: "question_set",
        title: "Focus group feedback",
        sections: [
          {
            id: "main",
            items: [
              {
                id: "what_helped",
                type: "long_text",
                text: "What helped you most when you arrived, and who helped you? Tell us as much as you like.",
              },
              { id: "short_note", type: "short_text", text: "Anything else?" },
              { id: "liked", type: "yes_no", text: "Did you like it?" },
            ],
          },
        ],
      }),
    })
    .where("id", "=", fx.versionId)
    .execute();
  T = (await createTheme(app.db, fx.scope, null, { name: "Trust" })).id;
  A = fx.users.researcher;
  B = fx.users.second;
  helped = [];
  notes = [];
  for (let i = 1; i <= 4; i++) {
    const p = await addParticipant(app.db, fx);
    helped.push(await addAnswer(app.db, fx, p, `What helped, answer ${i}`, "what_helped"));
    notes.push(await addAnswer(app.db, fx, p, `A short note, answer ${i}`, "short_note"));
  }
}, 180_000);
afterAll(() => app?.close());

const code = (coder: string, unit: string) => applyTheme(app.db, fx.scope, coder, { unit, themeId: T, start: 0, end: 4 });

describe("agreement on one question's written answers", () => {
  it("offers only questions that two or more coders have coded", async () => {
    // what_helped: A and B both apply Trust to answers 1–3, neither to 4.
    for (const unit of helped.slice(0, 3)) {
      await code(A, unit);
      await code(B, unit);
    }
    // short_note: only A so far.
    await code(A, notes[0]!);
    expect(await codedAnswerItems(app.db, fx.scope)).toEqual([{ instrumentId, itemId: "what_helped", coders: 2 }]);
    // short_note: A on 1 and 2, B on 1 and 3.
    await code(A, notes[1]!);
    await code(B, notes[0]!);
    await code(B, notes[2]!);
    await setFinished(app.db, fx.scope, A, true);
    await setFinished(app.db, fx.scope, B, true);
    expect(await codedAnswerItems(app.db, fx.scope)).toEqual([
      { instrumentId, itemId: "short_note", coders: 2 },
      { instrumentId, itemId: "what_helped", coders: 2 },
    ]);
  });

  it("restricts the units to the chosen question, and the figures are that question's (worked by hand)", async () => {
    const helpedUnits = await answerUnitsForItem(app.db, fx.scope, { instrumentId, itemId: "what_helped" });
    const noteUnits = await answerUnitsForItem(app.db, fx.scope, { instrumentId, itemId: "short_note" });
    expect([...helpedUnits].sort()).toEqual([...helped].sort());
    expect([...noteUnits].sort()).toEqual([...notes].sort());
    expect(await answerUnitsForItem(app.db, fx.scope, { instrumentId: "another-instrument", itemId: "what_helped" })).toEqual([]);

    // what_helped, (A,B): (1,1) (1,1) (1,1) (0,0). Agreement 4/4; kappa: pe = .75·.75 + .25·.25 = .625,
    // (1 − .625)/(1 − .625) = 1; alpha: no disagreeing pairs, so 1.
    const h = (await agreementReport(app.db, fx.scope, { coders: [A, B], units: helpedUnits })).themes.find((r) => r.themeId === T)!;
    expect(h.units).toBe(4);
    expect(h.percentAgreement).toBe(1);
    expect(h.cohensKappa).toBeCloseTo(1, 10);
    expect(h.krippendorffAlpha).toBeCloseTo(1, 10);

    // short_note, (A,B): (1,1) (1,0) (0,1) (0,0). Agreement 2/4; kappa: po = .5, pe = .5·.5 + .5·.5 = .5,
    // so 0; alpha: o11 = 2, o00 = 2, o10 = o01 = 2, n = 8, n1 = n0 = 4: 1 − (n − 1)·o01/(n1·n0) = 1 − 7·2/16 = 0.125.
    const n = (await agreementReport(app.db, fx.scope, { coders: [A, B], units: noteUnits })).themes.find((r) => r.themeId === T)!;
    expect(n.units).toBe(4);
    expect(n.percentAgreement).toBeCloseTo(0.5, 10);
    expect(n.cohensKappa).toBeCloseTo(0, 10);
    expect(n.krippendorffAlpha).toBeCloseTo(0.125, 10);
    expect(n.disagreements.sort()).toEqual([notes[1], notes[2]].sort());

    // Without a choice: the units at least two of them coded; both are finished, so every unit (ADR 032),
    // including those one coded and the other left blank.
    const all = await agreementReport(app.db, fx.scope, { coders: [A, B] });
    expect([...all.units].sort()).toEqual([...helped, ...notes].sort());
  });

  it("is chosen on the agreement page, which passes the question's answers to the report", async () => {
    await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "rhian@agreement-items.test", role: "researcher" });
    const researcher = new WorkspaceClient(app.url);
    expect((await researcher.signIn("rhian@agreement-items.test", TEST_PASSWORD)).status).toBe(302);
    const base = `/research/${fx.orgSlug}/studies/${fx.studySlug}/coding/agreement?coder=${A}&coder=${B}`;
    const page = await (await researcher.get(base)).text();
    expect(page).toContain(`<option value="item:${instrumentId}/short_note">Focus group feedback: Anything else? (2 coders)</option>`);
    // A long question is cut to one line.
    expect(page).toContain("Focus group feedback: What helped you most when you arrived, and who helped you? Tell us as much as y… (");
    expect(page).toContain(`<option value="item:${instrumentId}/what_helped">`);
    expect(page).toContain("Units compared: 8<");
    // Both finished, so all eight answers (ADR 032). A: 1,1,1,0,1,1,0,0; B: 1,1,1,0,1,0,1,0. Agreement 6/8;
    // kappa: pe = (5/8)² + (3/8)² = 34/64, (.75 − .53125)/(1 − .53125) = 0.467; alpha: n = 16, n1 = 10,
    // n0 = 6, o01 + o10 = 4: 1 − 15·4/(2·10·6) = 0.5.
    const row = (html: string) => /<th scope="row">Trust<\/th>(.*?)<\/tr>/s.exec(html)?.[1]?.replace(/<!-- -->/g, "");
    expect(row(page)).toMatch(/^<td>8<\/td><td>75%<\/td><td>0.467<\/td><td>0.500<\/td><td>[^<]+<\/td><td>2<\/td><td><\/td>$/);

    const notesPage = await (await researcher.get(`${base}&units=${encodeURIComponent(`item:${instrumentId}/short_note`)}`)).text();
    expect(notesPage).toContain("Units compared: 4<");
    expect(notesPage).toContain(`<option value="item:${instrumentId}/short_note" selected="">`);
    expect(row(notesPage)).toMatch(/^<td>4<\/td><td>50%<\/td><td>0.000<\/td><td>0.125<\/td><td>[^<]+<\/td><td>2<\/td><td><\/td>$/);
    const helpedPage = await (await researcher.get(`${base}&units=${encodeURIComponent(`item:${instrumentId}/what_helped`)}`)).text();
    expect(row(helpedPage)).toMatch(
      /^<td>4<\/td><td>100%<\/td><td>1.000<\/td><td>1.000<\/td><td>1.000 to 1.000<\/td><td>0<\/td><td><\/td>$/,
    );
    // A question nobody compared is not a choice: the page falls back to the shared units.
    const unknown = await (await researcher.get(`${base}&units=${encodeURIComponent(`item:${instrumentId}/liked`)}`)).text();
    expect(unknown).toContain("Units compared: 8<");
    expect(unknown).toContain('<option value="" selected="">');
    expect(row(unknown)).toBe(row(page));
  });
});
