/** Paper import: the whole file is checked, every problem reported as `row N, column C`, all or nothing. */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrap } from "../../scripts/bootstrap";
import { answersForAnalysis } from "../../app/consent/gate.server";
import { generateParticipantCode } from "../../app/participants/code";
import { enrolOnline, issuePaperCodes } from "../../app/participants/enrolment.server";
import { importResponses } from "../../app/participants/import.server";
import { findParticipantStudy, type ParticipantStudy } from "../../app/participants/study.server";
import { withdrawByCode } from "../../app/participants/withdrawal.server";
import { createTestDatabase, type TestDatabase } from "../support/database";

const KEY = "k".repeat(40);
let database: TestDatabase;
let study: ParticipantStudy;
let codes: string[];

beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
  await bootstrap(database, { demo: true, demoAdminPassword: "correct horse battery staple 42" });
  study = (await findParticipantStudy(database.db, { slug: "demo" }))!;
  codes = (await issuePaperCodes(database.db, { studyId: study.id, count: 3, codeHashKey: KEY })).codes;
});
afterAll(async () => database?.destroy());

const run = (csv: string, options: { timepoint?: string; version?: number; language?: string } = {}) =>
  importResponses(database.db, {
    studyId: study.id,
    instrumentId: "peer-support-wellbeing",
    version: options.version,
    timepoint: options.timepoint ?? "pre",
    csv,
    codeHashKey: KEY,
    language: options.language,
  });

async function answerCount() {
  return (await answersForAnalysis(database.db, { organisationId: study.organisationId, studyId: study.id })).length;
}

describe("import responses", () => {
  it("reports every problem in the file by row and column, and imports nothing", async () => {
    const withdrawn = codes[2]!;
    await withdrawByCode(database.db, { studyId: study.id, code: withdrawn, codeHashKey: KEY, mode: "keep" });
    const [first] = codes;
    // A real code whose last character is changed: a typo the check character catches.
    const typo = first!.slice(0, -1) + (first!.endsWith("0") ? "1" : "0");
    const csv = [
      "participant_code,who5_1,ons_happy,sessions_attended,favourite_colour",
      `${first},3,7,,blue`,
      `${typo},2,11,,`,
      `${withdrawn},1,5,,`,
      `${first!.toLowerCase()},6,x,,`,
      "ZZZZ-ZZZZ-ZZZZ-ZZZ,1,1,1",
    ].join("\n");
    const result = await run(csv);
    expect(result.imported).toBe(0);
    expect(result.problems).toEqual([
      'row 1, column sessions_attended: not a question of peer-support-wellbeing v1 at "pre"',
      'row 1, column favourite_colour: not a question of peer-support-wellbeing v1 at "pre"',
      "row 3, column participant_code: not a participant code (a character is wrong or two are swapped)",
      'row 3, column ons_happy: out of range ("11")',
      "row 4, column participant_code: this participant has withdrawn; nothing more can be recorded for them",
      "row 5, column participant_code: the same code is on row 2",
      'row 5, column who5_1: out of range ("6")',
      'row 5, column ons_happy: not a number ("x")',
      "row 6, column participant_code: has 4 cells, the header has 5",
    ]);
    expect(await answerCount()).toBe(0);
  });

  it("refuses a well-formed code that belongs to no one in the study", async () => {
    const result = await run(["participant_code,who5_1", `${generateParticipantCode()},1`].join("\n"));
    expect(result.problems).toEqual(["row 2, column participant_code: no participant with this code in the study"]);
  });

  it("imports a clean file: empty cells are skipped questions; the post-only section is only at post", async () => {
    const result = await run(["\uFEFFparticipant_code,who5_1,who5_2,ons_happy", `${codes[0]},3,,7`, `${codes[1]},0,5,`].join("\r\n"));
    expect(result).toEqual({ imported: 2, answers: 4, problems: [] });
    expect(await answerCount()).toBe(4);
    const post = await run(["participant_code,sessions_attended,would_recommend", `${codes[0]},4,maybe`].join("\n"), { timepoint: "post" });
    expect(post).toEqual({ imported: 1, answers: 2, problems: [] });
    const responses = await database.db.selectFrom("response").select(["mode", "completed_on"]).execute();
    expect(responses.every((r) => r.mode === "paper" && r.completed_on !== null)).toBe(true);
  });

  it("an online participant who never consented cannot be imported for", async () => {
    // Enrolment always records consent; a participant row without one only arises from damage, but
    // the import still refuses it rather than trusting the table.
    const made = await enrolOnline(database.db, {
      study,
      language: "en",
      agreed: ["read_information_sheet", "voluntary_withdrawal", "anonymised_confidential", "pause_or_stop", "agree_to_take_part"],
      codeHashKey: KEY,
      submissionToken: randomBytes(32).toString("base64url"),
    });
    if (!made.created) throw new Error("expected a participant");
    await database.db.deleteFrom("consent_record").where("participant_id", "=", made.participantId).execute();
    const result = await run(["participant_code,who5_1", `${made.code},1`].join("\n"));
    expect(result.problems).toEqual(["row 2, column participant_code: this participant has no recorded consent"]);
  });

  it("records the language of the paper form: the person's own (from their code card), or the one given", async () => {
    const [welsh] = (await issuePaperCodes(database.db, { studyId: study.id, count: 1, language: "cy", codeHashKey: KEY })).codes;
    expect(await run(["participant_code,who5_3", `${welsh},2`].join("\n"))).toMatchObject({ imported: 1, problems: [] });
    const languageOf = async () =>
      (
        await database.db
          .selectFrom("response")
          .innerJoin("participant", "participant.id", "response.participant_id")
          .select("response.language")
          .where("participant.language", "=", "cy")
          .executeTakeFirstOrThrow()
      ).language;
    expect(await languageOf()).toBe("cy");
    expect(await run(["participant_code,who5_3", `${welsh},3`].join("\n"), { language: "ar" })).toMatchObject({
      imported: 1,
      problems: [],
    });
    expect(await languageOf()).toBe("ar");
    await expect(run(["participant_code,who5_3", `${welsh},3`].join("\n"), { language: "ps" })).rejects.toThrow(/not offered in "ps"/);
  });
});
