/**
 * Suppression across breakdowns (docs/decisions/043-complementary-suppression.md): a group of one
 * breakdown that sits almost exactly inside a group of another (the Arabic speakers and the Tuesday
 * group, differing by 2 people) would give those people's figures by subtraction, so both are
 * hidden, with their complements; and nothing more is hidden than that needs.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  breakdownId,
  disclosableReport,
  otherTimepointCells,
  participantScores,
  subgroupComparisons,
  withheldGroups,
  type ParticipantScores,
  type SubgroupBy,
} from "../../app/wellbeing/report.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { seedWellbeingStudy, type WellbeingStudy } from "./fixtures";

const BY: SubgroupBy[] = [{ kind: "cohort" }, { kind: "language" }, { kind: "item", itemId: "would_recommend" }];

/** 20 people in cohort A and 20 in B, all with a pair; `arabicInA` of A's speak Arabic, the rest English. */
function people(arabicInA: number, notRecommending = 0): ParticipantScores[] {
  return [...Array(40)].map((_, i) => ({
    participantId: `p${i}`,
    cohortId: i < 20 ? "A" : "B",
    language: i < arabicInA ? "ar" : "en",
    pre: 40 + (i % 7),
    post: 50 + (i % 5),
    at: {},
    choices: { would_recommend: i >= 40 - notRecommending ? "no" : "yes" },
  }));
}

const hidden = (groups: Map<string, Set<string>>) => Object.fromEntries([...groups].map(([id, keys]) => [id, [...keys].sort()]));

describe("withheldGroups", () => {
  it("hides two groups of different breakdowns whose pairs differ by 1 to 4 people, and their complements", () => {
    // Arabic speakers are A but 2: A − ar would be those 2 people's figures.
    expect(hidden(withheldGroups(people(18), BY))).toEqual({ cohort: ["A", "B"], language: ["ar", "en"], "item:would_recommend": [] });
    // But 4 in the other direction too: the check is on the symmetric difference.
    const overlapping = people(18).map((p) => (p.participantId === "p20" ? { ...p, language: "ar" } : p));
    expect(hidden(withheldGroups(overlapping, BY)).cohort).toEqual(["A", "B"]);
  });

  it("hides nothing when groups differ by 5 or more people, or not at all", () => {
    expect(hidden(withheldGroups(people(15), BY))).toEqual({ cohort: [], language: [], "item:would_recommend": [] });
    // The same 20 people in both: the two rows show the same figures, which gives nobody away.
    expect(hidden(withheldGroups(people(20), BY))).toEqual({ cohort: [], language: [], "item:would_recommend": [] });
  });

  it("hidden groups are compared only through what the shown rows give away", () => {
    // 3 people would not recommend: hidden with "yes" (two groups). "yes" (37) then no longer
    // pairs with anything, so the language and cohort rows stay shown.
    expect(hidden(withheldGroups(people(10, 3), BY))).toEqual({ cohort: [], language: [], "item:would_recommend": ["no", "yes"] });
  });

  it("what a breakdown hides, taken together, is a near-twin too: everyone minus the rows shown", () => {
    // Languages: en 20, so 10, ar 4, fa 6. ar and fa are hidden (4, then its complement), but
    // everyone − en − so gives their 10 people together; the 11 who would not recommend are those
    // 10 and one Somali speaker, so "no" minus them would be that one person.
    const language = (i: number) => (i < 20 ? "en" : i < 30 ? "so" : i < 34 ? "ar" : "fa");
    const scores = people(0).map((p, i) => ({
      ...p,
      cohortId: "A",
      language: language(i),
      choices: { would_recommend: i >= 29 ? "no" : "yes" },
    }));
    expect(hidden(withheldGroups(scores, BY))).toEqual({ cohort: [], language: ["ar", "fa"], "item:would_recommend": ["no", "yes"] });
    // Without that one person, "no" is exactly the hidden languages' people: nothing to give away.
    const exact = scores.map((p, i) => (i === 29 ? { ...p, choices: { would_recommend: "yes" } } : p));
    expect(hidden(withheldGroups(exact, BY))).toEqual({ cohort: [], language: ["ar", "fa"], "item:would_recommend": [] });
  });
});

describe("across timepoints", () => {
  it("a cohort at pre→post is hidden when the study at pre→mid differs from it by a few people", () => {
    // Cohort A: 100 people answering at pre, mid and post. Cohort B: 6 at pre and post, 2 at pre
    // and mid, 3 at mid and post. The study at pre→mid is A and B's 2: minus A at pre→post, it
    // would give those 2 people's "pre" scores.
    const person = (id: string, cohortId: string, at: Record<string, number>): ParticipantScores => ({
      participantId: id,
      cohortId,
      language: "en",
      pre: at.pre ?? null,
      post: at.post ?? null,
      at,
      choices: { would_recommend: "yes" },
    });
    const everyone = [
      ...[...Array(100)].map((_, i) => person(`a${i}`, "A", { pre: 40, mid: 45, post: 50 })),
      ...[...Array(6)].map((_, i) => person(`b${i}`, "B", { pre: 40, post: 52 })),
      ...[...Array(2)].map((_, i) => person(`c${i}`, "B", { pre: 3 + 7 * i, mid: 20 })),
      ...[...Array(3)].map((_, i) => person(`d${i}`, "B", { mid: 30, post: 60 })),
    ];
    const atPrePost = everyone.filter((s) => s.at.pre !== undefined || s.at.post !== undefined);
    expect(hidden(withheldGroups(atPrePost, BY))).toEqual({ cohort: [], language: [], "item:would_recommend": [] });
    const fixed = otherTimepointCells(everyone, "pre", "post", ["pre", "mid", "post"]);
    expect(hidden(withheldGroups(atPrePost, BY, fixed)).cohort).toEqual(["A", "B"]);
    // Offered only pre and post, nothing else is shown, and nothing needs hiding.
    expect(otherTimepointCells(everyone, "pre", "post", ["pre", "post"])).toEqual([]);
  });
});

describe("across breakdowns, through the page's read", () => {
  let database: TestDatabase;
  let study: WellbeingStudy;
  beforeAll(async () => {
    database = await createTestDatabase();
    study = await seedWellbeingStudy(database.db, "breakdowns");
  }, 120_000);
  afterAll(async () => {
    await database?.destroy();
  });

  it("the Tuesday group, all but two of whom answer in Arabic, is withheld, and the language rows are hidden", async () => {
    const scope = { organisationId: study.organisationId, studyId: study.studyId, measureId: "who5" };
    const { scores } = await participantScores(database.db, { ...scope, choices: false });
    const pairedA = scores.filter((s) => s.cohortId === study.cohortA && s.pre !== null && s.post !== null).map((s) => s.participantId);
    expect(pairedA.length).toBeGreaterThanOrEqual(10);
    await sql`update participant set language = 'en' where study_id = ${study.studyId}`.execute(database.db);
    await database.db.updateTable("participant").set({ language: "ar" }).where("id", "in", pairedA.slice(2)).execute();

    const tuesday = await disclosableReport(database.db, { ...scope, cohortId: study.cohortA });
    expect(tuesday).toMatchObject({ report: null, withheld: "protects_smaller_group" });
    const everyone = await disclosableReport(database.db, { ...scope, choices: true });
    expect(everyone.report).not.toBeNull();
    const byLanguage = subgroupComparisons(
      everyone.source.measure,
      everyone.scores,
      { kind: "language" },
      everyone.hiddenGroups!.get(breakdownId({ kind: "language" })),
    );
    expect(byLanguage.map((r) => [r.key, r.suppressed])).toEqual([
      ["ar", true],
      ["en", true],
    ]);
    // The chart CSV route and the page read the same decision: the cohort row is hidden there too.
    const byCohort = subgroupComparisons(
      everyone.source.measure,
      everyone.scores,
      { kind: "cohort" },
      everyone.hiddenGroups!.get("cohort"),
    );
    expect(byCohort.find((r) => r.key === study.cohortA)?.suppressed).toBe(true);

    // With five or more English speakers in the group, it is shown again.
    await database.db.updateTable("participant").set({ language: "en" }).where("id", "in", pairedA.slice(2, 5)).execute();
    expect((await disclosableReport(database.db, { ...scope, cohortId: study.cohortA })).withheld).toBeNull();
  });
});
