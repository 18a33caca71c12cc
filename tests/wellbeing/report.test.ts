/**
 * End to end through the database: participants, responses and answers in a test database, the
 * report run by the CLI command, and every figure compared with R (tests/fixtures/r/
 * wellbeing-report.R, which says how each expected figure was computed).
 */
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allCommands } from "../../scripts/commands/index";
import type { CommandContext } from "../../scripts/commands/types";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { ARABIC, CODE_KEY, COMPARISON_KEYS, reportFixture, seedWellbeingStudy, WOULD_NOT_RECOMMEND, type WellbeingStudy } from "./fixtures";
import {
  cohortSummaries,
  disclosableReport,
  findMeasure,
  measureReport,
  participantScores,
  studyTimepoints,
  subgroupComparisons,
  suppressedGroups,
} from "../../app/wellbeing/report.server";
import { sql } from "kysely";
import { wellbeingCsv } from "../../app/wellbeing/export.server";
import { exportAnswersLong } from "../../app/coding/exports.server";
import { addGroupSession, attendanceSummaries, markAttendance } from "../../app/wellbeing/attendance.server";
import { joinCohort, listCohorts } from "../../app/wellbeing/cohorts.server";

let database: TestDatabase;
let study: WellbeingStudy;

beforeAll(async () => {
  database = await createTestDatabase();
  study = await seedWellbeingStudy(database.db);
}, 120_000);
afterAll(async () => {
  await database?.destroy();
});

async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CommandContext = { out: (l) => out.push(l), err: (l) => err.push(l), env: process.env, openDb: async () => database };
  const command = allCommands.find((c) => args.join(" ").startsWith(c.name))!;
  const code = await command.run(args.slice(command.name.split(" ").length), ctx);
  return { code, out, err };
}

async function reportJson(measure: string, cohort?: string): Promise<Record<string, unknown>> {
  const result = await cli([
    "report",
    "wellbeing",
    "--study",
    study.slug,
    "--measure",
    measure,
    ...(cohort ? ["--cohort", cohort] : []),
    "--json",
  ]);
  expect(result.code).toBe(0);
  expect(result.out).toHaveLength(1);
  return JSON.parse(result.out[0]!) as Record<string, unknown>;
}

/** Every figure equal to R's to 1e-6 (relative for large values); nulls and booleans exactly. */
function expectMatchesR(actual: Record<string, unknown>, expected: Record<string, unknown>) {
  expect(Object.keys(actual)).toEqual(COMPARISON_KEYS);
  for (const key of COMPARISON_KEYS) {
    const a = actual[key];
    const e = expected[key];
    if (typeof e === "number") {
      expect(typeof a, key).toBe("number");
      expect(Math.abs((a as number) - e), `${key}: ${a} vs R ${e}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(e)));
    } else {
      expect(a, key).toEqual(e);
    }
  }
}

describe("report wellbeing --json, against R", () => {
  it("prints exactly the issue's keys, WHO-5 over every cohort equal to R", async () => {
    expectMatchesR(await reportJson("who5"), reportFixture.who5.all);
  });

  it("UCLA-3 (lower is better, meaningful change 1) equal to R", async () => {
    expectMatchesR(await reportJson("ucla3"), reportFixture.ucla3.all);
  });

  it("a score with too few items answered is missing and its pair drops (w40)", async () => {
    const json = await reportJson("who5");
    // w40 has a pre score, no post score: counted in n_pre only.
    expect(json.n_pre).toBe(34);
    expect(json.n_post).toBe(29);
    expect(json.n_pairs).toBe(28);
  });

  it("band movement equals R's with the instrument's WHO-5 bands", async () => {
    const { report } = await measureReport(database.db, { ...study, measureId: "who5" });
    expect(report.bands?.transitions).toEqual(reportFixture.who5.bands);
    // The instrument gives no reliability for WHO-5, so no reliable change index.
    expect(report.reliableChange).toBeNull();
    expect(report.pairs).toHaveLength(28);
  });

  it("null where a figure cannot be computed", async () => {
    const empty = await database.db
      .insertInto("cohort")
      .values({ study_id: study.studyId, name: "Empty group" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const json = await reportJson("who5", "Empty group");
    expect(Object.keys(json)).toEqual(COMPARISON_KEYS);
    expect(json).toMatchObject({ n_pairs: 0, mean_pre: null, t: null, p_wilcoxon: null, wilcoxon_exact: null, d_z: null, improved: 0 });
    await database.db.deleteFrom("cohort").where("id", "=", empty.id).execute();
  });

  it("an unknown measure or cohort is a one-line error", async () => {
    await expect(cli(["report", "wellbeing", "--study", study.slug, "--measure", "nope", "--json"])).rejects.toThrow(
      /no instrument with a measure "nope"/,
    );
    await expect(cli(["report", "wellbeing", "--study", study.slug, "--measure", "who5", "--cohort", "Nope"])).rejects.toThrow(
      /no cohort "Nope"/,
    );
  });
});

describe("withdrawal", () => {
  it("erasure drops the pair, stop-and-keep does not (equal to R without w03)", async () => {
    const db = database.db;
    await db
      .updateTable("participant")
      .set({ withdrawn_on: "2026-02-01", withdrawal_mode: "keep" })
      .where("id", "=", study.people.get("w04")!.id)
      .execute();
    // Between the withdrawal and the deletion the gate already hides the participant...
    await db
      .updateTable("participant")
      .set({ withdrawn_on: "2026-02-01", withdrawal_mode: "erase" })
      .where("id", "=", study.people.get("w03")!.id)
      .execute();
    expectMatchesR(await reportJson("who5"), reportFixture.who5.without_erased);
    // ...and after it nothing of theirs is left to find.
    await db.deleteFrom("participant").where("id", "=", study.people.get("w03")!.id).execute();
    expectMatchesR(await reportJson("who5"), reportFixture.who5.without_erased);
  });

  it("per cohort, after the withdrawals, equal to R", async () => {
    expectMatchesR(await reportJson("who5", "Tuesday group"), reportFixture.who5.cohort_a);
    expectMatchesR(await reportJson("who5", "Thursday group"), reportFixture.who5.cohort_b);
    expectMatchesR(await reportJson("ucla3", "Tuesday group"), reportFixture.ucla3.cohort_a);
  });

  it("a withdrawn participant cannot join a cohort or be marked present", async () => {
    const w04 = study.people.get("w04")!;
    const joined = await joinCohort(database.db, study, { cohortId: study.cohortB, code: w04.code, joinedOn: "2026-03-01" }, CODE_KEY);
    expect(joined).toEqual({ ok: false, reason: "withdrawn" });
  });
});

describe("the consent gate decides who is read", () => {
  it("another organisation sees nothing of the study", async () => {
    const other = await database.db
      .insertInto("organisation")
      .values({ slug: "someone-else", name: "Someone else" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const { measureComparison } = await import("../../app/wellbeing/report.server");
    const comparison = await measureComparison(database.db, { organisationId: other.id, studyId: study.studyId, measureId: "who5" });
    expect(comparison).toMatchObject({ n_pre: 0, n_post: 0, n_pairs: 0 });
  });
});

describe("subgroups", () => {
  it("suppresses groups under 5: by language", async () => {
    const source = await findMeasure(database.db, study.studyId, "who5");
    const { scores } = await participantScores(database.db, { ...study, measureId: "who5" }, source);
    const rows = subgroupComparisons(source.measure, scores, { kind: "language" });
    const ar = rows.find((r) => r.key === "ar")!;
    expect(ARABIC.size).toBe(4);
    expect(ar).toEqual({ key: "ar", suppressed: true, hidden: "fewer_than_5", comparison: null });
    // With two languages, showing English beside the study's figures would give Arabic's by
    // subtraction, so English is suppressed too, and says why: it is not itself small.
    expect(rows.find((r) => r.key === "en")).toEqual({ key: "en", suppressed: true, hidden: "protects_smaller_group", comparison: null });
  });

  it("by a single-choice question and by cohort", async () => {
    const source = await findMeasure(database.db, study.studyId, "who5");
    const { scores } = await participantScores(database.db, { ...study, measureId: "who5" }, source);
    const byAnswer = subgroupComparisons(source.measure, scores, { kind: "item", itemId: "would_recommend" });
    expect(byAnswer.find((r) => r.key === "no")).toMatchObject({ suppressed: true, comparison: null });
    expect(WOULD_NOT_RECOMMEND.size).toBe(3);
    // The other groups are "yes" and "" (people who answered only before: no pairs), and a group
    // without pairs cannot hide "no": so "yes" goes too.
    expect(byAnswer.find((r) => r.key === "")?.comparison).toBeNull();
    expect(byAnswer.find((r) => r.key === "yes")?.suppressed).toBe(true);
    const byCohort = subgroupComparisons(source.measure, scores, { kind: "cohort" });
    expect(byCohort.find((r) => r.key === study.cohortA)?.comparison?.n_pairs).toBe(reportFixture.who5.cohort_a.n_pairs);
  });
});

describe("complementary suppression (docs/decisions/043)", () => {
  const hidden = (groups: Record<string, number>) =>
    [...suppressedGroups(Object.entries(groups).map(([key, nPairs]) => ({ key, nPairs })))].sort();

  it("hides the next-smallest groups until at least two, with 5 pairs between them, are hidden", () => {
    expect(hidden({ a: 20, b: 10 })).toEqual([]);
    expect(hidden({ a: 20, b: 3 })).toEqual(["a", "b"]);
    expect(hidden({ a: 20, b: 10, c: 3 })).toEqual(["b", "c"]);
    expect(hidden({ a: 20, b: 3, c: 3 })).toEqual(["b", "c"]);
    // 2 + 2 hidden: subtraction would give 4 people's figures, so one more goes.
    expect(hidden({ a: 20, b: 12, c: 2, d: 2 })).toEqual(["b", "c", "d"]);
    // A group without pairs adds nothing to the pair figures and protects no one.
    expect(hidden({ a: 20, b: 10, c: 3, "": 0 })).toEqual(["", "b", "c"]);
  });

  it("a suppressed group's figures cannot be recovered by subtracting the shown groups from the total", async () => {
    const db = database.db;
    const attacked = await seedWellbeingStudy(db, "peer-support-attack");
    const source = await findMeasure(db, attacked.studyId, "who5");
    // Three people of the Thursday group, each with a before and an after score, form a small group.
    const all = await participantScores(db, { ...attacked, measureId: "who5" }, source);
    const three = all.scores.filter((s) => s.cohortId === attacked.cohortB && s.pre !== null && s.post !== null).slice(0, 3);
    const small = await db
      .insertInto("cohort")
      .values({ study_id: attacked.studyId, name: "Small group" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .updateTable("participant")
      .set({ cohort_id: small.id })
      .where(
        "id",
        "in",
        three.map((s) => s.participantId),
      )
      .execute();

    // What the small group really is (an analyst's exact figures, never shown on the page).
    const truth = (await measureReport(db, { ...attacked, measureId: "who5", cohortId: small.id })).report;
    expect(truth.comparison.n_pairs).toBe(3);
    const truthChanges = truth.pairs.map((p) => p.post - p.pre).sort((a, b) => a - b);

    // The attack on the breakdown: everything shown on the page, the total minus the shown groups.
    const everyone = await disclosableReport(db, { ...attacked, measureId: "who5" });
    const total = everyone.report!.comparison;
    const rows = subgroupComparisons(source.measure, everyone.scores, { kind: "cohort" });
    expect(rows.find((r) => r.key === small.id)?.suppressed).toBe(true);
    const shown = rows.filter((r) => r.comparison !== null).map((r) => r.comparison!);
    const restPairs = total.n_pairs - shown.reduce((n, c) => n + c.n_pairs, 0);
    const restChange = total.mean_change! * total.n_pairs - shown.reduce((sum, c) => sum + c.mean_change! * c.n_pairs, 0);
    expect(rows.filter((r) => r.suppressed).length).toBeGreaterThanOrEqual(2);
    expect(restPairs).toBeGreaterThanOrEqual(5);
    expect(restPairs).not.toBe(truth.comparison.n_pairs);
    expect(Math.abs(restChange / restPairs - truth.comparison.mean_change!)).toBeGreaterThan(1e-9);

    // The attack on the cohort filter: "all" minus each cohort that can be selected.
    const selections = await Promise.all(
      [attacked.cohortA, attacked.cohortB, small.id].map(async (cohortId) => ({
        cohortId,
        ...(await disclosableReport(db, { ...attacked, measureId: "who5", cohortId })),
      })),
    );
    expect(selections.find((s) => s.cohortId === small.id)).toMatchObject({ report: null, withheld: "fewer_than_5" });
    // Thursday (now 8 pairs) is the next-smallest: it would give the small group away.
    expect(selections.find((s) => s.cohortId === attacked.cohortB)).toMatchObject({ report: null, withheld: "protects_smaller_group" });
    for (const selection of selections.filter((s) => s.report !== null)) {
      const remaining = [...everyone.report!.pairs.map((p) => p.post - p.pre)];
      for (const p of selection.report!.pairs) remaining.splice(remaining.indexOf(p.post - p.pre), 1);
      expect(remaining.length).toBeGreaterThanOrEqual(5);
      expect(remaining.sort((a, b) => a - b)).not.toEqual(truthChanges);
    }
  });
});

describe("more timepoints (docs/decisions/043)", () => {
  /** A "mid" timepoint for the study, answered as each person answered "post", except by `skip`. */
  async function addMid(db: typeof database.db, seeded: WellbeingStudy, skipIds: string[]) {
    await sql`insert into study_instrument (study_id, instrument_version_id, role, timepoint, position)
      values (${seeded.studyId}, ${seeded.versionRowId}, 'questionnaire', 'mid', 1) on conflict do nothing`.execute(db);
    await sql`insert into response (participant_id, study_id, instrument_version_id, timepoint, language, started_on, completed_on)
      select participant_id, study_id, instrument_version_id, 'mid', language, started_on, completed_on from response
      where study_id = ${seeded.studyId} and timepoint = 'post' and not (participant_id = any(${skipIds}::uuid[]))
      on conflict do nothing`.execute(db);
    await sql`insert into answer (response_id, item_id, value, answered_on)
      select m.id, a.item_id, a.value, a.answered_on from answer a
      join response p on p.id = a.response_id and p.timepoint = 'post'
      join response m on m.participant_id = p.participant_id and m.timepoint = 'mid' and m.instrument_version_id = p.instrument_version_id
      where p.study_id = ${seeded.studyId} on conflict do nothing`.execute(db);
  }

  it("compares any two of the study's timepoints, and withholds two choices that pair almost the same people", async () => {
    const db = database.db;
    const seeded = await seedWellbeingStudy(db, "peer-support-mid");
    const offered = await studyTimepoints(db, seeded.studyId, "peer-support-wellbeing");
    expect(offered).toEqual(["pre", "post"]);
    // Everyone who answered after also answered in the middle, except two people.
    const { scores } = await participantScores(db, { ...seeded, measureId: "who5" });
    const afterOnly = scores.filter((s) => s.pre === null && s.post !== null).map((s) => s.participantId);
    expect(afterOnly).toHaveLength(1);
    await addMid(db, seeded, [...afterOnly, seeded.people.get("w01")!.id, seeded.people.get("w02")!.id]);
    const withMid = await studyTimepoints(db, seeded.studyId, "peer-support-wellbeing");
    expect(withMid).toEqual(["pre", "mid", "post"]);
    const q = { ...seeded, measureId: "who5" };
    // pre→post and pre→mid pair the same people but w01 and w02: subtracting one from the other
    // would give those two people's scores, so neither is shown.
    expect(await disclosableReport(db, { ...q, pre: "pre", post: "post" }, undefined, withMid)).toMatchObject({
      report: null,
      withheld: "protects_smaller_group",
    });
    expect(await disclosableReport(db, { ...q, pre: "pre", post: "mid" }, undefined, withMid)).toMatchObject({
      report: null,
      withheld: "protects_smaller_group",
    });
    // Once they answer in the middle too, pre→post, pre→mid and mid→post pair the same 28 people
    // and all are shown. (Had the one person with an after score but no before score answered in
    // the middle, mid→post would pair 29: one more than pre→mid, whose mid mean would then give
    // that person's mid score away, so both would stay hidden.)
    await addMid(db, seeded, afterOnly);
    const mid = await disclosableReport(db, { ...q, pre: "pre", post: "mid" }, undefined, withMid);
    expect(mid.withheld).toBeNull();
    // "mid" answers copy "post", so pre→mid is R's pre→post comparison, but for n_post: the one
    // person with only an after score did not answer in the middle.
    expect(mid.report!.comparison.n_post).toBe((reportFixture.who5.all.n_post as number) - 1);
    expectMatchesR({ measure: "who5", ...mid.report!.comparison, n_post: reportFixture.who5.all.n_post }, reportFixture.who5.all);
    const cli = (await measureReport(db, { ...q, pre: "pre", post: "mid" })).report.comparison;
    expect(cli).toEqual(mid.report!.comparison);
  });
});

describe("cohorts, attendance and satisfaction", () => {
  it("lists cohorts with their members", async () => {
    const cohorts = await listCohorts(database.db, study);
    expect(cohorts.map((c) => c.name)).toEqual(["Tuesday group", "Thursday group"]);
    expect(cohorts[0]!.members).toBeGreaterThan(5);
  });

  it("marks attendance by code, once per session, members only", async () => {
    const db = database.db;
    const s1 = await addGroupSession(db, study, { cohortId: study.cohortA, heldOn: "2026-01-06" });
    const s2 = await addGroupSession(db, study, { cohortId: study.cohortA, heldOn: "2026-01-13" });
    expect([s1.number, s2.number]).toEqual([1, 2]);
    const code = (name: string) => study.people.get(name)!.code;
    expect(await markAttendance(db, study, { groupSessionId: s1.id, code: code("w01") }, CODE_KEY)).toEqual({
      ok: true,
      alreadyMarked: false,
    });
    // Typed in lower case with spaces: the same code.
    expect(
      await markAttendance(db, study, { groupSessionId: s1.id, code: code("w01").toLowerCase().replace(/-/g, " ") }, CODE_KEY),
    ).toEqual({ ok: true, alreadyMarked: true });
    expect(await markAttendance(db, study, { groupSessionId: s2.id, code: code("w01") }, CODE_KEY)).toMatchObject({ ok: true });
    expect(await markAttendance(db, study, { groupSessionId: s1.id, code: code("w02") }, CODE_KEY)).toMatchObject({ ok: true });
    expect(await markAttendance(db, study, { groupSessionId: s1.id, code: code("w20") }, CODE_KEY)).toEqual({
      ok: false,
      reason: "other_cohort",
    });
    expect(await markAttendance(db, study, { groupSessionId: s1.id, code: "0000-0000-0000-0000" }, CODE_KEY)).toMatchObject({ ok: false });
    const summary = (await attendanceSummaries(db, study)).get(study.cohortA)!;
    expect(summary).toMatchObject({ sessions: 2, attendedAny: 2 });
    expect(summary.meanSessionsAttended).toBeCloseTo(3 / summary.members, 12);
    expect(summary.attendanceRate).toBeCloseTo(3 / (summary.members * 2), 12);
  });

  it("summarises post-only satisfaction per cohort, suppressing under 5", async () => {
    const source = await findMeasure(database.db, study.studyId, "who5");
    const summaries = await cohortSummaries(database.db, study, source);
    const a = summaries.find((s) => s.cohortId === study.cohortA)!;
    const b = summaries.find((s) => s.cohortId === study.cohortB)!;
    const satisfactionA = a.satisfaction.find((i) => i.itemId === "group_satisfaction")!;
    expect(satisfactionA.mean).toBe(8);
    const satisfactionB = b.satisfaction.find((i) => i.itemId === "group_satisfaction")!;
    expect(satisfactionB).toMatchObject({ answered: { suppressed: true }, mean: null });
    const recommendA = a.satisfaction.find((i) => i.itemId === "would_recommend")!;
    expect(recommendA.options.find((o) => o.value === "no")!.n).toEqual({ suppressed: true, reason: "fewer_than_5" });
    // "answered" is shown, so "yes" is hidden too: answered − yes would be the "no" count.
    expect(recommendA.answered).toEqual({ value: expect.any(Number) });
    // …and labelled as hidden to protect the smaller count, since it is not itself under 5.
    expect(recommendA.options.find((o) => o.value === "yes")!.n).toEqual({ suppressed: true, reason: "protects_smaller_group" });
    expect(a.satisfaction.map((i) => i.itemId)).toEqual(["sessions_attended", "group_satisfaction", "would_recommend"]);
  });
});

function parseCsv(csv: string): string[][] {
  return Papa.parse<string[]>(csv.replace(/^\uFEFF/, ""), { skipEmptyLines: true }).data;
}

describe("wellbeing CSV export", () => {
  it("names each person by the same pseudonym as the answers CSV, so the two files join on it", async () => {
    const scope = { organisationId: study.organisationId, studyId: study.studyId };
    const wellbeing = parseCsv((await wellbeingCsv(database.db, { ...scope, via: "cli" })).csv);
    let answersCsv = "";
    await exportAnswersLong(database.db, scope, { userId: null, via: "cli" }, (chunk) => {
      answersCsv += chunk;
    });
    const answers = parseCsv(answersCsv);
    const column = (rows: string[][], name: string) => rows.slice(1).map((row) => row[rows[0]!.indexOf(name)]!);
    const inWellbeing = new Set(column(wellbeing, "participant"));
    const inAnswers = new Set(column(answers, "respondent"));
    expect(inWellbeing.size).toBeGreaterThan(10);
    // Everyone in the wellbeing file is found in the answers file under the same name...
    for (const name of inWellbeing) expect(inAnswers.has(name), name).toBe(true);
    // ...and each person has exactly one name: as many names as people who answered.
    const people = await database.db
      .selectFrom("response")
      .select("participant_id")
      .distinct()
      .where("study_id", "=", study.studyId)
      .execute();
    expect(inAnswers.size).toBe(people.length);
  });

  it("one row per participant and timepoint, pseudonyms not codes, scores, audited", async () => {
    const before = await database.db.selectFrom("audit_event").select("id").where("action", "=", "export").execute();
    const result = await cli(["export", "wellbeing", "--study", study.slug]);
    expect(result.code).toBe(0);
    const csv = result.out.join("\n");
    const lines = parseCsv(csv);
    const header = lines[0]!;
    expect(header.slice(0, 4)).toEqual(["participant", "cohort", "participant_language", "timepoint"]);
    expect(header).toContain("who5_1");
    expect(header).toContain("score_who5");
    expect(header).toContain("score_ucla3");
    expect(header).not.toContain("what_helped");
    const responses = await database.db.selectFrom("response").select("id").where("study_id", "=", study.studyId).execute();
    expect(lines.length - 1).toBe(responses.length);
    expect(csv.replace(/^\uFEFF/, "").startsWith('"participant","cohort"')).toBe(true);
    for (const { code } of study.people.values()) {
      expect(csv).not.toContain(code);
      expect(csv).not.toContain(code.replace(/-/g, ""));
    }
    for (const { id } of study.people.values()) expect(csv).not.toContain(id);
    const after = await database.db.selectFrom("audit_event").selectAll().where("action", "=", "export").orderBy("id").execute();
    expect(after.length).toBe(before.length + 1);
    const entry = after.at(-1)!;
    expect(entry.subject).toBe(study.slug);
    expect(entry.detail).toMatchObject({ export: "wellbeing_csv", via: "cli", rows: responses.length, filter: { cohort: null } });
  });

  it("scores in the CSV are the instrument's (WHO-5 0-100) and filter by cohort", async () => {
    const { csv, rows } = await wellbeingCsv(database.db, { ...study, cohortId: study.cohortB, via: "workspace" });
    const lines = parseCsv(csv);
    expect(lines.length - 1).toBe(rows);
    const header = lines[0]!;
    const scoreColumn = header.indexOf("score_who5");
    const cohortColumn = header.indexOf("cohort");
    const values = lines.slice(1);
    expect(new Set(values.map((v) => v[cohortColumn]))).toEqual(new Set(["Thursday group"]));
    const scores = values
      .map((v) => v[scoreColumn])
      .filter((s) => s !== "")
      .map(Number);
    expect(scores.every((s) => s >= 0 && s <= 100 && s % 4 === 0)).toBe(true);
  });
});
