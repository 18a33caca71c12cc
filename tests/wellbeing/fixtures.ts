/**
 * A peer-support study in a test database whose WHO-5 and UCLA-3 answers are R's datasets
 * (tests/fixtures/r/wellbeing-statistics.json "who5" and "ucla3", plus w40 of wellbeing-report.R),
 * turned back into item answers, so that `report wellbeing` must print what R printed.
 */
import { readFileSync } from "node:fs";
import type { DB } from "../../db/index";
import { generateParticipantCode, hashParticipantCode, normaliseParticipantCode } from "../../app/participants/code";
import { getInstrumentVersion, publishInstrumentsFromDir } from "../../app/instruments/publish.server";
import { createCohort, joinCohort } from "../../app/wellbeing/cohorts.server";

export const CODE_KEY = "wellbeing-test-code-key-0123456789abcdef";

interface RDataset {
  name: string;
  pre: Record<string, number>;
  post: Record<string, number>;
}

const statistics = JSON.parse(readFileSync("tests/fixtures/r/wellbeing-statistics.json", "utf8")) as { datasets: RDataset[] };
export const reportFixture = JSON.parse(readFileSync("tests/fixtures/r/wellbeing-report.json", "utf8")) as {
  who5: Record<"all" | "without_erased" | "cohort_a" | "cohort_b", Record<string, unknown>> & {
    bands: { from: string; to: string; n: number }[];
  };
  ucla3: Record<"all" | "cohort_a", Record<string, unknown>>;
};

const dataset = (name: string) => statistics.datasets.find((d) => d.name === name)!;

/** WHO-5 percentage (a multiple of 4) → five 0-5 answers summing to score / 4. */
export function who5Answers(score: number): Record<string, number> {
  const raw = score / 4;
  return Object.fromEntries([1, 2, 3, 4, 5].map((i) => [`who5_${i}`, Math.min(5, Math.max(0, raw - 5 * (i - 1)))]));
}

/** UCLA-3 sum (3-9) → three 1-3 answers. */
export function uclaAnswers(sum: number): Record<string, number> {
  const rest = sum - 3;
  const ids = ["ucla_companionship", "ucla_left_out", "ucla_isolated"];
  return Object.fromEntries(ids.map((id, i) => [id, 1 + Math.min(2, Math.max(0, rest - 2 * i))]));
}

export const COHORT_A = new Set([
  ...[...Array(15)].map((_, i) => `w${String(i + 1).padStart(2, "0")}`),
  "w31",
  "w34",
  ...[...Array(10)].map((_, i) => `u${String(i + 1).padStart(2, "0")}`),
]);
/** Four people answering in Arabic: a subgroup that must be suppressed. */
export const ARABIC = new Set(["w01", "w02", "w05", "w06"]);
/** Three who would not recommend the group: suppressed too. */
export const WOULD_NOT_RECOMMEND = new Set(["w07", "w08", "w09"]);

export interface WellbeingStudy {
  organisationId: string;
  studyId: string;
  slug: string;
  cohortA: string;
  cohortB: string;
  versionRowId: string;
  /** Fixture name (w01, u03…) → participant id and code. */
  people: Map<string, { id: string; code: string }>;
}

export async function seedWellbeingStudy(db: DB, slug = "peer-support", codeKey: Buffer | string = CODE_KEY): Promise<WellbeingStudy> {
  await publishInstrumentsFromDir(db);
  const version = (await getInstrumentVersion(db, "peer-support-wellbeing", 1))!;
  const consentForm = (await getInstrumentVersion(db, "consent-form", 1))!;
  const org = await db
    .insertInto("organisation")
    .values({ slug: `org-${slug}`, name: "Peer support org" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const study = await db
    .insertInto("study")
    .values({
      organisation_id: org.id,
      slug,
      titles: JSON.stringify({ en: "Peer support" }),
      languages: ["en", "cy", "ar", "fa"],
      settings: "{}",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  for (const timepoint of ["pre", "post"]) {
    await db
      .insertInto("study_instrument")
      .values({ study_id: study.id, instrument_version_id: version.rowId, role: "questionnaire", timepoint })
      .execute();
  }
  const scope = { organisationId: org.id, studyId: study.id };
  const cohortA = (await createCohort(db, scope, { name: "Tuesday group", startsOn: "2026-01-06", endsOn: "2026-03-31" })).id;
  const cohortB = (await createCohort(db, scope, { name: "Thursday group", startsOn: "2026-01-08", endsOn: "2026-04-02" })).id;

  const who5 = dataset("who5");
  const ucla = dataset("ucla3");
  const pre: Record<string, Record<string, unknown>> = {};
  const post: Record<string, Record<string, unknown>> = {};
  for (const [name, score] of Object.entries(who5.pre)) pre[name] = who5Answers(score);
  for (const [name, score] of Object.entries(who5.post)) post[name] = who5Answers(score);
  // w40: complete WHO-5 before, one item skipped after: too few items, so no post score.
  pre.w40 = who5Answers(48);
  const { who5_5: _skipped, ...fourItems } = who5Answers(60);
  post.w40 = fourItems;
  for (const [name, score] of Object.entries(ucla.pre)) pre[name] = uclaAnswers(score);
  for (const [name, score] of Object.entries(ucla.post)) post[name] = uclaAnswers(score);
  // Satisfaction questions are asked after the programme only.
  for (const [name, answers] of Object.entries(post)) {
    answers.would_recommend = WOULD_NOT_RECOMMEND.has(name) ? "no" : "yes";
    if (COHORT_A.has(name)) answers.group_satisfaction = 8;
    else if (["w16", "w17"].includes(name)) answers.group_satisfaction = 3;
  }

  const people = new Map<string, { id: string; code: string }>();
  const names = [...new Set([...Object.keys(pre), ...Object.keys(post)])].sort();
  for (const name of names) {
    const code = generateParticipantCode();
    const canonical = normaliseParticipantCode(code);
    if (!canonical.ok) throw new Error("generated an invalid code");
    const participant = await db
      .insertInto("participant")
      .values({
        study_id: study.id,
        code_hash: hashParticipantCode(canonical.code, codeKey),
        language: ARABIC.has(name) ? "ar" : "en",
        source: "online",
        enrolled_on: "2026-01-01",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    people.set(name, { id: participant.id, code });
    // The consent gate reads only participants who consented.
    await db
      .insertInto("consent_record")
      .values({
        participant_id: participant.id,
        instrument_version_id: consentForm.rowId,
        statements: "{}",
        method: "online",
        recorded_on: "2026-01-01",
        updated_on: "2026-01-01",
      })
      .execute();
    const joined = await joinCohort(db, scope, { cohortId: COHORT_A.has(name) ? cohortA : cohortB, code, joinedOn: "2026-01-06" }, codeKey);
    if (!joined.ok) throw new Error(`join failed: ${joined.reason}`);
    for (const [timepoint, answers] of [
      ["pre", pre[name]],
      ["post", post[name]],
    ] as const) {
      if (!answers) continue;
      const response = await db
        .insertInto("response")
        .values({
          participant_id: participant.id,
          study_id: study.id,
          instrument_version_id: version.rowId,
          timepoint,
          language: ARABIC.has(name) ? "ar" : "en",
          started_on: timepoint === "pre" ? "2026-01-06" : "2026-04-01",
          completed_on: timepoint === "pre" ? "2026-01-06" : "2026-04-01",
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await db
        .insertInto("answer")
        .values(
          Object.entries(answers).map(([item_id, value]) => ({
            response_id: response.id,
            item_id,
            value: JSON.stringify(value),
            answered_on: "2026-01-06",
          })),
        )
        .execute();
    }
  }
  return { organisationId: org.id, studyId: study.id, slug, cohortA, cohortB, versionRowId: version.rowId, people };
}

/** The CLI's keys, in the order. */
export const COMPARISON_KEYS = [
  "measure",
  "n_pre",
  "n_post",
  "n_pairs",
  "mean_pre",
  "mean_post",
  "sd_pre",
  "sd_post",
  "mean_change",
  "ci95_low",
  "ci95_high",
  "t",
  "df",
  "p_t",
  "wilcoxon_v",
  "p_wilcoxon",
  "wilcoxon_exact",
  "d_z",
  "improved",
  "unchanged",
  "worsened",
];
