/**
 * Paper answers are dated by the day the form was filled in (issue 14 item 13): a collected_on column
 * dates each row; without it, or with the cell empty, the import day; a date that cannot be right
 * (not a date, in the future, before the study existed) refuses the whole file and writes nothing.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrap } from "../../scripts/bootstrap";
import { codeHash, issuePaperCodes } from "../../app/participants/enrolment.server";
import { importResponses } from "../../app/participants/import.server";
import { findParticipantStudy, today, type ParticipantStudy } from "../../app/participants/study.server";
import { createTestDatabase, type TestDatabase } from "../support/database";

const KEY = "k".repeat(40);
let database: TestDatabase;
let study: ParticipantStudy;
let codes: string[];

beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
  await bootstrap(database, { demo: true, demoAdminPassword: "correct horse battery staple 42" });
  study = (await findParticipantStudy(database.db, { slug: "demo" }))!;
  codes = (await issuePaperCodes(database.db, { studyId: study.id, count: 4, codeHashKey: KEY })).codes;
  // The study was set up in January; the paper forms came back in the spring and are typed up in June.
  // created_at is never written by the application, so the test moves it back in SQL.
  await sql`update study set created_at = '2026-01-10T09:00:00Z' where id = ${study.id}`.execute(database.db);
});
afterAll(async () => database?.destroy());

const IMPORT_DAY = new Date("2026-06-20T15:00:00Z");
/** `now: null` imports as the real today. */
const run = (csv: string, now: Date | null = IMPORT_DAY) =>
  importResponses(database.db, {
    studyId: study.id,
    instrumentId: "peer-support-wellbeing",
    timepoint: "pre",
    csv,
    codeHashKey: KEY,
    now: now ?? undefined,
  });

/** The dates stored for this code's participant: the response's and each answer's (the test's own check of what was written). */
async function datesOf(code: string) {
  const rows = await database.db
    .selectFrom("response as r")
    .innerJoin("participant as p", "p.id", "r.participant_id")
    .leftJoin("answer as a", "a.response_id", "r.id")
    .select(["p.code_hash", "r.started_on", "r.completed_on", "a.answered_on"])
    .where("r.study_id", "=", study.id)
    .execute();
  const mine = rows.filter((r) => r.code_hash === codeHash(code, KEY));
  const day = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d));
  return {
    started: [...new Set(mine.map((r) => day(r.started_on)))],
    completed: [...new Set(mine.map((r) => day(r.completed_on)))],
    answered: [...new Set(mine.map((r) => day(r.answered_on)))],
  };
}

async function responseCount() {
  const row = await database.db
    .selectFrom("response")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("study_id", "=", study.id)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe("the collection date of paper answers", () => {
  it("refuses the whole file, row by row, when a date cannot be right, and writes nothing", async () => {
    const csv = [
      "participant_code,collected_on,who5_1",
      `${codes[0]},2026-03-14,3`,
      `${codes[1]},14/03/2026,3`,
      `${codes[2]},2026-02-30,3`,
      `${codes[3]},2026-06-21,3`,
    ].join("\n");
    const result = await run(csv);
    expect(result.imported).toBe(0);
    expect(result.problems).toEqual([
      'row 3, column collected_on: not a date written as YYYY-MM-DD, e.g. 2026-03-14 ("14/03/2026")',
      'row 4, column collected_on: not a date written as YYYY-MM-DD, e.g. 2026-03-14 ("2026-02-30")',
      "row 5, column collected_on: 2026-06-21 is after today (2026-06-20); the form cannot have been filled in yet",
    ]);
    const before = await run(["participant_code,collected_on,who5_1", `${codes[0]},2025-12-31,3`].join("\n"));
    expect(before.problems).toEqual(["row 2, column collected_on: 2025-12-31 is before the study was created (2026-01-10)"]);
    expect(await responseCount()).toBe(0);
  });

  it("dates each row's response and answers by its collected_on, and an empty cell by the import day", async () => {
    const csv = ["participant_code,who5_1,collected_on,ons_happy", `${codes[0]},3,2026-03-14,7`, `${codes[1]},2,,5`].join("\n");
    expect(await run(csv)).toEqual({ imported: 2, answers: 4, problems: [] });
    expect(await datesOf(codes[0]!)).toEqual({ started: ["2026-03-14"], completed: ["2026-03-14"], answered: ["2026-03-14"] });
    expect(await datesOf(codes[1]!)).toEqual({ started: ["2026-06-20"], completed: ["2026-06-20"], answered: ["2026-06-20"] });
  });

  it("dates every row by today when the file has no collected_on column", async () => {
    const csv = ["participant_code,who5_1", `${codes[2]},4`].join("\n");
    expect(await run(csv, null)).toEqual({ imported: 1, answers: 1, problems: [] });
    expect(await datesOf(codes[2]!)).toEqual({ started: [today()], completed: [today()], answered: [today()] });
  });
});
