/**
 * Conditional questions in the participant journey, which works without JavaScript: a question that
 * depends on an answer on the same page begins the next page, and pages whose questions are all
 * hidden are passed over (forward, back, when resuming and when deciding a questionnaire is complete).
 * Uses the shipped communication-feedback form ("What was misunderstood?" only after "yes").
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrap } from "../../scripts/bootstrap";
import { savePage } from "../../app/participants/answers.server";
import { enrolOnline } from "../../app/participants/enrolment.server";
import { nearestShownPage, nextStep, pagesOf, pageShown, questionnairePages, savedAnswers } from "../../app/participants/journey.server";
import { findParticipantStudy, questionnaireUse, type ParticipantStudy, type StudyUse } from "../../app/participants/study.server";
import { createTestDatabase, type TestDatabase } from "../support/database";

const KEY = "k".repeat(40);
const REQUIRED = ["read_information_sheet", "voluntary_withdrawal", "anonymised_confidential", "pause_or_stop", "agree_to_take_part"];
let database: TestDatabase;
let study: ParticipantStudy;
let use: StudyUse;

beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
  await bootstrap(database, { demo: true, demoAdminPassword: "correct horse battery staple 42" });
  const demo = (await findParticipantStudy(database.db, { slug: "demo" }))!;
  const version = await database.db
    .selectFrom("instrument_version")
    .select("id")
    .where("instrument_id", "=", "communication-feedback")
    .executeTakeFirstOrThrow();
  await database.db
    .insertInto("study_instrument")
    .values({ study_id: demo.id, instrument_version_id: version.id, role: "questionnaire", timepoint: "once", position: 0 })
    .execute();
  study = (await findParticipantStudy(database.db, { slug: "demo" }))!;
  use = questionnaireUse(study, "communication-feedback", "once")!;
});
afterAll(async () => database?.destroy());

async function enrol() {
  const result = await enrolOnline(database.db, {
    study,
    language: "en",
    agreed: REQUIRED,
    codeHashKey: KEY,
    submissionToken: randomBytes(32).toString("base64url"),
  });
  if (!result.created) throw new Error("expected a new participant");
  return { id: result.participantId, withdrawn_on: null };
}

const inMode = (pageMode: "section" | "question") => ({ ...study, settings: { ...study.settings, page_mode: pageMode } });
const itemIds = (page: { items: { id: string }[] }) => page.items.map((i) => i.id);

describe("pages of a questionnaire with a condition", () => {
  it("one section per page: the conditional question begins a new page after the question it depends on", () => {
    const pages = questionnairePages(use.version.definition, "once", "section");
    expect(pages.map((p) => p.id)).toEqual(["appointment", "what_misunderstood"]);
    expect(itemIds(pages[0]!)).toEqual(["interpreter", "comfort_communicating", "misunderstood"]);
    expect(itemIds(pages[1]!)).toEqual(["what_misunderstood", "anything_else"]);
    expect(pages[1]!.firstOfSection).toBe(false);
  });

  it("one question per page: the conditional page is shown only after a yes, and the rest always", () => {
    const pages = questionnairePages(use.version.definition, "once", "question");
    expect(pages.map((p) => p.id)).toEqual([
      "interpreter",
      "comfort_communicating",
      "misunderstood",
      "what_misunderstood",
      "anything_else",
    ]);
    const hidden = pages.filter((p) => !pageShown(p, { misunderstood: "no" })).map((p) => p.id);
    expect(hidden).toEqual(["what_misunderstood"]);
    expect(pages.filter((p) => !pageShown(p, {})).map((p) => p.id)).toEqual(["what_misunderstood"]);
    expect(pages.every((p) => pageShown(p, { misunderstood: "yes" }))).toBe(true);
    // Forward and back both pass over the hidden page.
    expect(nearestShownPage(pages, 2, { misunderstood: "no" }, 1)).toBe(4);
    expect(nearestShownPage(pages, 4, { misunderstood: "no" }, -1)).toBe(2);
    expect(nearestShownPage(pages, 2, { misunderstood: "yes" }, 1)).toBe(3);
    expect(nearestShownPage(pages, 4, { misunderstood: "no" }, 1)).toBeUndefined();
  });
});

describe("the journey through it (one question per page)", () => {
  it("after 'no' the next page to do skips the hidden question, and the form completes without it", async () => {
    const questionStudy = inMode("question");
    const person = await enrol();
    const save = (pageId: string, raw: Record<string, string>) =>
      savePage(database.db, { study: questionStudy, use, participantId: person.id, pageId, raw, language: "en" });
    await save("interpreter", { interpreter: "phone" });
    await save("comfort_communicating", { comfort_communicating: "4" });
    await save("misunderstood", { misunderstood: "no" });
    expect(await nextStep(database.db, questionStudy, person)).toEqual({
      kind: "page",
      instrumentId: "communication-feedback",
      timepoint: "once",
      pageId: "anything_else",
    });
    const last = await save("anything_else", {});
    expect(last.completed).toBe(true);
    const response = await database.db
      .selectFrom("response")
      .select(["completed_on", "sections_done"])
      .where("participant_id", "=", person.id)
      .where("instrument_version_id", "=", use.version.rowId)
      .executeTakeFirstOrThrow();
    expect(response.completed_on).not.toBeNull();
    expect(response.sections_done).not.toContain("what_misunderstood");
  });

  it("after 'yes' the conditional question is the next page", async () => {
    const questionStudy = inMode("question");
    const person = await enrol();
    await savePage(database.db, {
      study: questionStudy,
      use,
      participantId: person.id,
      pageId: "misunderstood",
      raw: { misunderstood: "yes" },
      language: "en",
    });
    const pages = pagesOf(questionStudy, use);
    const answers = await savedAnswers(database.db, person.id, use);
    expect(pages[nearestShownPage(pages, 2, answers, 1)!]!.id).toBe("what_misunderstood");
    expect(await nextStep(database.db, questionStudy, person)).toMatchObject({ pageId: "interpreter" });
  });
});
