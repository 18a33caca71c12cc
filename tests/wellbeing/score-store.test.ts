/**
 * Kept measure scores (docs/decisions/054-measure-score-store.md; on the response row since 080): a
 * report keeps each response's scores, the next report reads them, and a kept score is never used
 * once the answers or the rules behind it have changed, whoever changed them. The figures must stay
 * those the answers give.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadInstrumentsFromDir } from "../../app/instruments/load.server";
import { getInstrumentVersion, publishInstruments } from "../../app/instruments/publish.server";
import { savePage } from "../../app/participants/answers.server";
import { findParticipantStudy, questionnaireUse } from "../../app/participants/study.server";
import { withdrawParticipant } from "../../app/participants/withdrawal.server";
import { measureComparison, participantScores } from "../../app/wellbeing/report.server";
import { keepScores } from "../../app/wellbeing/score-store.server";
import { SCORING_REVISION } from "../../app/wellbeing/scoring";
import type { DB } from "../../db/index";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { seedWellbeingStudy, type WellbeingStudy } from "./fixtures";

let database: TestDatabase;
let study: WellbeingStudy;

beforeAll(async () => {
  database = await createTestDatabase();
  study = await seedWellbeingStudy(database.db);
}, 120_000);
afterAll(async () => {
  await database?.destroy();
});

const who5 = () => measureComparison(database.db, { organisationId: study.organisationId, studyId: study.studyId, measureId: "who5" });

async function scoresOf(name: string) {
  const { scores } = await participantScores(database.db, {
    organisationId: study.organisationId,
    studyId: study.studyId,
    measureId: "who5",
    choices: false,
  });
  return scores.find((s) => s.participantId === study.people.get(name)!.id)!;
}

async function responseOf(name: string, timepoint: string) {
  return database.db
    .selectFrom("response")
    .select(["id", "answers_revision"])
    .where("participant_id", "=", study.people.get(name)!.id)
    .where("timepoint", "=", timepoint)
    .where("instrument_version_id", "=", study.versionRowId)
    .executeTakeFirstOrThrow();
}

/** A response's kept scores as they concern WHO-5: the rules that scored it and its score. */
async function keptScore(responseId: string, db: DB = database.db) {
  const row = await db
    .selectFrom("response")
    .leftJoin("score_rules", "score_rules.id", "response.kept_rules")
    .select(["kept_scores", "kept_answers_revision", "kept_scoring_revision", "score_rules.scored_with"])
    .where("response.id", "=", responseId)
    .executeTakeFirst();
  if (!row?.kept_scores || !row.scored_with) return undefined;
  return {
    scored_with: row.scored_with.who5,
    score: row.kept_scores[who5Column(row.scored_with)] ?? null,
    answers_revision: row.kept_answers_revision,
    scoring_revision: row.kept_scoring_revision,
  };
}

/** The rules a response's scores were kept under. */
async function keptRules(responseId: string, db: DB = database.db) {
  const row = await db
    .selectFrom("response")
    .innerJoin("score_rules", "score_rules.id", "response.kept_rules")
    .select("score_rules.scored_with")
    .where("response.id", "=", responseId)
    .executeTakeFirstOrThrow();
  return row.scored_with;
}

/** Where WHO-5's score sits in kept scores (from 0): their rules' measure ids, sorted. */
function who5Column(scoredWith: Record<string, string>) {
  return Object.keys(scoredWith).sort().indexOf("who5");
}

/** Scores to keep under `scoredWith`: `who5` on WHO-5, every other measure missing. */
function who5Only(scoredWith: Record<string, string>, who5: number) {
  return Object.keys(scoredWith)
    .sort()
    .map((measure) => (measure === "who5" ? who5 : null));
}

/** Forgets a response's kept scores, as if they had never been kept. */
async function forgetKept(responseId: string, db: DB = database.db) {
  await db
    .updateTable("response")
    .set({ kept_scores: null, kept_answers_revision: null, kept_scoring_revision: null, kept_rules: null })
    .where("id", "=", responseId)
    .execute();
}

/** Alters kept scores in place, as a hand in psql might: WHO-5's score, the rules it names, the scoring revision. */
async function alterKept(responseId: string, change: { score?: number; scoredWith?: string; scoringRevision?: number }) {
  const rules = await keptRules(responseId);
  const at = who5Column(rules) + 1;
  if (change.score !== undefined) {
    await sql`update response set kept_scores[${sql.lit(at)}] = ${change.score} where id = ${responseId}`.execute(database.db);
  }
  if (change.scoredWith !== undefined) {
    const other = JSON.stringify({ ...rules, who5: change.scoredWith });
    await sql`insert into score_rules (scored_with) values (${other}::jsonb) on conflict (scored_with) do nothing`.execute(database.db);
    await sql`update response set kept_rules = (select id from score_rules where scored_with = ${other}::jsonb) where id = ${responseId}`.execute(
      database.db,
    );
  }
  if (change.scoringRevision !== undefined) {
    await database.db.updateTable("response").set({ kept_scoring_revision: change.scoringRevision }).where("id", "=", responseId).execute();
  }
}

describe("kept measure scores", () => {
  it("the first report keeps a score for each response it read, and later reports read those scores", async () => {
    const first = await who5();
    const kept = await database.db
      .selectFrom("response")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("response.study_id", "=", study.studyId)
      .where("kept_scores", "is not", null)
      .executeTakeFirstOrThrow();
    // Every response to the instrument (no one has withdrawn yet); those with no WHO-5 answers
    // (people in the UCLA-3 dataset) are kept as missing, so they are not scored again either.
    const responses = await database.db
      .selectFrom("response")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("response.study_id", "=", study.studyId)
      .executeTakeFirstOrThrow();
    const rows = await database.db
      .selectFrom("response")
      .innerJoin("score_rules", "score_rules.id", "response.kept_rules")
      .select(["score_rules.scored_with", "response.kept_scores"])
      .execute();
    expect(rows.filter((row) => row.kept_scores![who5Column(row.scored_with)] === null).length).toBeGreaterThan(0);
    // One set of rules for every response: each row names it by id, not by a copy of it.
    expect(new Set(rows.map((row) => JSON.stringify(row.scored_with))).size).toBe(1);
    expect(Number(kept.n)).toBe(Number(responses.n));
    expect(await who5()).toEqual(first);

    // The kept score is what the next report reads: a score altered in place (same answers, same
    // rules) moves the mean, which only reading it could do...
    const { id } = await responseOf("w10", "pre");
    const before = (await keptScore(id))!;
    await alterKept(id, { score: before.score! + 40 });
    const altered = await who5();
    expect(altered.mean_pre! - first.mean_pre!).toBeCloseTo(40 / first.n_pairs, 9);
    // ...and once it is gone the answers give the true score again.
    await forgetKept(id);
    expect(await who5()).toEqual(first);
    expect((await keptScore(id))!.score).toBe(before.score);
  });

  it("an answer changed on the participant's page is seen by the next report", async () => {
    await who5();
    const { id, answers_revision } = await responseOf("w12", "post");
    const was = (await scoresOf("w12")).post!;
    const studyRow = (await findParticipantStudy(database.db, { id: study.studyId }))!;
    const use = questionnaireUse(studyRow, "peer-support-wellbeing", "post")!;
    const answers = await database.db
      .selectFrom("answer")
      .select(["item_id", "value"])
      .where("response_id", "=", id)
      .where("item_id", "like", "who5_%")
      .execute();
    const raw = Object.fromEntries(answers.map((a) => [a.item_id, String(a.value)]));
    const newFirst = raw.who5_1 === "5" ? "0" : "5";
    const delta = (Number(newFirst) - Number(raw.who5_1)) * 4;
    const saved = await savePage(database.db, {
      study: studyRow,
      use,
      participantId: study.people.get("w12")!.id,
      pageId: "who5_section",
      raw: { ...raw, who5_1: newFirst },
      language: "en",
    });
    expect(saved.ok).toBe(true);
    expect((await responseOf("w12", "post")).answers_revision).toBeGreaterThan(answers_revision);
    expect((await scoresOf("w12")).post).toBe(was + delta);
    expect((await keptScore(id))!.score).toBe(was + delta);
  });

  it("an answer changed or removed straight in the database is seen too: no writer has to remember", async () => {
    await who5();
    const before = await who5();
    const { id } = await responseOf("w14", "post");
    const was = (await scoresOf("w14")).post!;
    const first = await database.db
      .selectFrom("answer")
      .select("value")
      .where("response_id", "=", id)
      .where("item_id", "=", "who5_2")
      .executeTakeFirstOrThrow();
    const next = Number(first.value) === 0 ? 1 : 0;
    await sql`update answer set value = ${JSON.stringify(next)}::jsonb where response_id = ${id} and item_id = 'who5_2'`.execute(
      database.db,
    );
    expect((await scoresOf("w14")).post).toBe(was + (next - Number(first.value)) * 4);

    // One item gone: WHO-5 needs all five, so the score is missing and the pair drops.
    await sql`delete from answer where response_id = ${id} and item_id = 'who5_3'`.execute(database.db);
    expect((await scoresOf("w14")).post).toBeNull();
    expect((await who5()).n_pairs).toBe(before.n_pairs - 1);
  });

  it("answers moved to another response by hand make both responses' kept scores stale", async () => {
    await who5();
    const before = await who5();
    const post = await responseOf("w17", "post");
    const mid = await database.db
      .insertInto("response")
      .values({
        participant_id: study.people.get("w17")!.id,
        study_id: study.studyId,
        instrument_version_id: study.versionRowId,
        timepoint: "mid",
        language: "en",
        started_on: "2026-02-01",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    // Entered under the wrong timepoint, moved in psql: "post" no longer has a WHO-5 score.
    await sql`update answer set response_id = ${mid.id} where response_id = ${post.id} and item_id like 'who5_%'`.execute(database.db);
    expect((await scoresOf("w17")).post).toBeNull();
    expect((await who5()).n_pairs).toBe(before.n_pairs - 1);
  });

  it("an answer outside its scale makes the score missing, and that is kept too", async () => {
    const { id } = await responseOf("w18", "pre");
    await sql`update answer set value = '9'::jsonb where response_id = ${id} and item_id = 'who5_2'`.execute(database.db);
    expect((await scoresOf("w18")).pre).toBeNull();
    const kept = await keptScore(id);
    expect(kept).toMatchObject({
      score: null,
      answers_revision: (await responseOf("w18", "pre")).answers_revision,
      scoring_revision: SCORING_REVISION,
    });
  });

  it("a score kept by an earlier revision of the scoring code is not used", async () => {
    const truth = await who5();
    const { id } = await responseOf("w19", "post");
    await alterKept(id, { scoringRevision: SCORING_REVISION - 1, score: 999 });
    expect(await who5()).toEqual(truth);
    expect(await keptScore(id)).toMatchObject({ scoring_revision: SCORING_REVISION });
  });

  it("a score kept under other rules is not used, and is scored again", async () => {
    const truth = await who5();
    const { id } = await responseOf("w11", "pre");
    const consentForm = (await getInstrumentVersion(database.db, "consent-form", 1))!;
    // As if kept under rules that no longer apply: not the response's own version, not the newest.
    await alterKept(id, { scoredWith: consentForm.rowId, score: 999 });
    expect(await who5()).toEqual(truth);
    expect(await keptScore(id)).toMatchObject({ scored_with: study.versionRowId });
    expect((await keptScore(id))!.score).not.toBe(999);
  });

  it("erasure takes a participant's kept scores with their answers; stop-and-keep leaves them", async () => {
    await who5();
    const erased = await responseOf("w20", "pre");
    const kept = await responseOf("w21", "pre");
    expect(await keptScore(erased.id)).toBeDefined();
    await withdrawParticipant(database.db, { studyId: study.studyId, participantId: study.people.get("w20")!.id, mode: "erase" });
    await withdrawParticipant(database.db, { studyId: study.studyId, participantId: study.people.get("w21")!.id, mode: "keep" });
    expect(await keptScore(erased.id)).toBeUndefined();
    expect(await keptScore(kept.id)).toBeDefined();
    expect(await scoresOf("w21")).toBeDefined();
  });

  it("keeping scores for a response erased meanwhile neither fails nor keeps it, inside a caller's transaction too", async () => {
    await who5();
    const { id, answers_revision } = await responseOf("w22", "pre");
    const scoredWith = await keptRules(id);
    await forgetKept(id);
    const scores = (who5: number) => who5Only(scoredWith, who5);
    const gone = "00000000-0000-4000-8000-000000000000";
    await database.db.transaction().execute(async (trx) => {
      // The erased response has no row to keep scores on; the other in the same batch keeps its own.
      await keepScores(trx, [
        { responseId: gone, scoredWith, answersRevision: 1, scores: scores(50) },
        { responseId: id, scoredWith, answersRevision: answers_revision, scores: scores(44) },
      ]);
      expect(await keptScore(id, trx)).toMatchObject({ score: 44 });
      // The transaction carries on.
      await keepScores(trx, [{ responseId: id, scoredWith, answersRevision: answers_revision, scores: scores(45) }]);
      expect(await keptScore(id, trx)).toMatchObject({ score: 45 });
    });
    expect(await keptScore(id)).toMatchObject({ score: 45 });
    await forgetKept(id);
  });

  it("scores computed from answers that have changed since are not kept", async () => {
    await who5();
    const { id, answers_revision } = await responseOf("w15", "pre");
    const scoredWith = await keptRules(id);
    const truth = (await keptScore(id))!.score;
    const scores = who5Only(scoredWith, 4);
    // Read at an earlier revision, kept after the answers moved on: nothing is written.
    await keepScores(database.db, [{ responseId: id, scoredWith, answersRevision: answers_revision - 1, scores }]);
    expect(await keptScore(id)).toMatchObject({ score: truth, answers_revision });
  });

  it("a response another transaction is writing is skipped, not waited for (PostgreSQL)", async (context) => {
    // The embedded database has one connection: there is no other transaction to meet.
    if (database.kind !== "postgres") return context.skip();
    await who5();
    const { id, answers_revision } = await responseOf("w25", "pre");
    const scoredWith = await keptRules(id);
    const truth = (await keptScore(id))!.score;
    const scores = who5Only(scoredWith, 8);
    let release!: () => void;
    const holding = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // A participant's save in progress: it holds the response row until it commits.
    const participant = database.db.transaction().execute(async (trx) => {
      await sql`select id from response where id = ${id} for update`.execute(trx);
      locked();
      await holding;
    });
    await isLocked;
    const started = Date.now();
    await keepScores(database.db, [{ responseId: id, scoredWith, answersRevision: answers_revision, scores }]);
    const waited = Date.now() - started;
    release();
    await participant;
    expect(waited).toBeLessThan(5_000);
    expect(await keptScore(id)).toMatchObject({ score: truth });
    // Once the row is free, the scores are kept.
    await keepScores(database.db, [{ responseId: id, scoredWith, answersRevision: answers_revision, scores }]);
    expect(await keptScore(id)).toMatchObject({ score: 8 });
    await forgetKept(id);
  });

  it("with a second version of the instrument, a person's later-version response is the one scored", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tandem-v2-"));
    try {
      cpSync("instruments/peer-support-wellbeing/1", join(dir, "peer-support-wellbeing/1"), { recursive: true });
      for (const version of [2, 3]) {
        cpSync("instruments/peer-support-wellbeing/1", join(dir, `peer-support-wellbeing/${version}`), { recursive: true });
        const file = join(dir, `peer-support-wellbeing/${version}/instrument.yaml`);
        writeFileSync(file, readFileSync(file, "utf8").replace(/^version: 1$/m, `version: ${version}`));
      }
      const loaded = loadInstrumentsFromDir(dir);
      expect(loaded.problems).toEqual([]);
      const result = await publishInstruments(database.db, loaded.versions);
      expect(result.published.map((v) => `${v.id}@${v.version}`)).toEqual(["peer-support-wellbeing@2", "peer-support-wellbeing@3"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const v2 = (await getInstrumentVersion(database.db, "peer-support-wellbeing", 2))!;
    const before = await who5();
    const wasPre = (await scoresOf("w13")).pre!;
    const response = await database.db
      .insertInto("response")
      .values({
        participant_id: study.people.get("w13")!.id,
        study_id: study.studyId,
        instrument_version_id: v2.rowId,
        timepoint: "pre",
        language: "en",
        started_on: "2026-01-07",
        completed_on: "2026-01-07",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const newPre = wasPre === 100 ? 0 : 100;
    await database.db
      .insertInto("answer")
      .values(
        [1, 2, 3, 4, 5].map((i) => ({
          response_id: response.id,
          item_id: `who5_${i}`,
          value: JSON.stringify(newPre / 20),
          answered_on: "2026-01-07",
        })),
      )
      .execute();
    expect((await scoresOf("w13")).pre).toBe(newPre);
    const after = await who5();
    expect(after.n_pairs).toBe(before.n_pairs);
    expect(after.mean_pre! - before.mean_pre!).toBeCloseTo((newPre - wasPre) / before.n_pairs, 9);
    expect(await keptScore(response.id)).toMatchObject({ scored_with: v2.rowId, score: newPre });

    // A version-1 response is scored by version 1's rules (its own); a score said to come from
    // version 2's, neither its own nor the newest (3), is not used.
    const truth = await who5();
    const { id } = await responseOf("w16", "pre");
    await alterKept(id, { scoredWith: v2.rowId, score: 999 });
    expect(await who5()).toEqual(truth);
    expect(await keptScore(id)).toMatchObject({ scored_with: study.versionRowId });
  });
});

describe("kept scores and the newest definition of a measure", () => {
  let db: TestDatabase;
  let seeded: WellbeingStudy;
  beforeAll(async () => {
    db = await createTestDatabase();
    seeded = await seedWellbeingStudy(db.db, "fallback-rules");
  }, 120_000);
  afterAll(async () => {
    await db?.destroy();
  });

  /** Publishes peer-support-wellbeing `version`: version 1's questions, with `edit` applied to the file. */
  async function publishVersion(version: number, edit: (yaml: string) => string) {
    const dir = mkdtempSync(join(tmpdir(), "tandem-rules-"));
    try {
      for (const v of [1, version]) {
        mkdirSync(join(dir, `peer-support-wellbeing/${v}`), { recursive: true });
        const yaml = readFileSync("instruments/peer-support-wellbeing/1/instrument.yaml", "utf8");
        writeFileSync(
          join(dir, `peer-support-wellbeing/${v}/instrument.yaml`),
          v === 1 ? yaml : edit(yaml.replace(/^version: 1$/m, `version: ${v}`)),
        );
      }
      if (version === 1) return;
      // Version 1 is published with its translations already; only the new version is loaded here.
      const loaded = loadInstrumentsFromDir(dir);
      expect(loaded.problems).toEqual([]);
      await publishInstruments(
        db.db,
        loaded.versions.filter((v) => v.version === version),
      );
      return (await getInstrumentVersion(db.db, "peer-support-wellbeing", version))!;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it("a response in a version without the measure is scored by the newest definition, and again when a newer one comes", async () => {
    const withoutWho5 = (yaml: string) => yaml.replace(/\n  - id: who5\n[\s\S]*?\n\n(?=  # ONS4)/, "\n");
    const v2 = (await publishVersion(2, withoutWho5))!;
    expect(v2.definition.measures?.some((m) => m.id === "who5")).toBe(false);
    const person = seeded.people.get("w23")!.id;
    const response = await db.db
      .insertInto("response")
      .values({
        participant_id: person,
        study_id: seeded.studyId,
        instrument_version_id: v2.rowId,
        timepoint: "pre",
        language: "en",
        started_on: "2026-01-08",
        completed_on: "2026-01-08",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db.db
      .insertInto("answer")
      .values(
        [3, 3, 3, 3, 3].map((value, i) => ({
          response_id: response.id,
          item_id: `who5_${i + 1}`,
          value: JSON.stringify(value),
          answered_on: "2026-01-08",
        })),
      )
      .execute();
    const scope = { organisationId: seeded.organisationId, studyId: seeded.studyId, measureId: "who5", choices: false };
    const preOf = async () => (await participantScores(db.db, scope)).scores.find((s) => s.participantId === person)!.pre;
    // Version 1's rules (the newest that defines WHO-5): 15 × 4.
    expect(await preOf()).toBe(60);
    const v1 = (await getInstrumentVersion(db.db, "peer-support-wellbeing", 1))!;
    expect(await keptScore(response.id, db.db)).toMatchObject({ scored_with: v1.rowId, score: 60 });

    // Version 3 defines WHO-5 with another multiplier, and the study uses it: the kept score was
    // made by rules that no longer apply to this response, so it is scored again (15 × 2).
    const halved = (yaml: string) =>
      yaml
        .replace(
          "multiplier: 4\n    min_answered: 5\n    range: { min: 0, max: 100 }",
          "multiplier: 2\n    min_answered: 5\n    range: { min: 0, max: 50 }",
        )
        .replace("{ id: poor, max: 28, label: Very low wellbeing }", "{ id: poor, max: 14, label: Very low wellbeing }")
        .replace("{ id: low, max: 50, label: Low wellbeing }", "{ id: low, max: 25, label: Low wellbeing }")
        .replace("meaningful_change: 10\n", "meaningful_change: 5\n");
    const w24 = async () =>
      (await participantScores(db.db, scope)).scores.find((s) => s.participantId === seeded.people.get("w24")!.id)!.pre;
    const w24Before = await w24();
    const v3 = (await publishVersion(3, halved))!;
    await db.db
      .insertInto("study_instrument")
      .values({ study_id: seeded.studyId, instrument_version_id: v3.rowId, role: "questionnaire", timepoint: "post" })
      .execute();
    expect(await preOf()).toBe(30);
    // Responses in version 1 keep version 1's own rules.
    expect(w24Before).not.toBeNull();
    expect(await w24()).toBe(w24Before);
    expect(await keptScore(response.id, db.db)).toMatchObject({ scored_with: v3.rowId, score: 30 });
  });

  it("with every answer truncated, no kept score stands", async () => {
    const scope = { organisationId: seeded.organisationId, studyId: seeded.studyId, measureId: "who5", choices: false };
    await participantScores(db.db, scope);
    const kept = () =>
      db.db
        .selectFrom("response")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("kept_scores", "is not", null)
        .executeTakeFirstOrThrow();
    expect(Number((await kept()).n)).toBeGreaterThan(0);
    // As an operator clearing test data might (cascade: other tables refer to answers).
    await sql`truncate answer cascade`.execute(db.db);
    expect(Number((await kept()).n)).toBe(0);
    const { scores } = await participantScores(db.db, scope);
    expect(scores.filter((s) => s.pre !== null || s.post !== null)).toEqual([]);
  });
});
