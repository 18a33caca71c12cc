/**
 * The demo study on a throwaway database, and the participant steps the domain tests take through
 * the real domain functions (enrolment, a WHO-5 page), so tests start from states the app makes.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect } from "vitest";
import { bootstrap } from "../../scripts/bootstrap";
import { savePage } from "../../app/participants/answers.server";
import { enrolOnline } from "../../app/participants/enrolment.server";
import { findParticipantStudy, questionnaireUse, type ParticipantStudy } from "../../app/participants/study.server";
import { createTestDatabase, type TestDatabase } from "../support/database";

export const KEY = "k".repeat(40);
export const ALL_REQUIRED = [
  "read_information_sheet",
  "voluntary_withdrawal",
  "anonymised_confidential",
  "pause_or_stop",
  "agree_to_take_part",
];
export const token = () => randomBytes(32).toString("base64url");

export interface DemoStudyFixture {
  database: TestDatabase;
  study: ParticipantStudy;
  organisationId: string;
}

/** Registers beforeAll/afterAll for the demo study; the returned object is filled before the tests run. */
export function demoStudyForTests(): DemoStudyFixture {
  const fx = {} as DemoStudyFixture;
  beforeAll(async () => {
    fx.database = await createTestDatabase({ migrate: false });
    await bootstrap(fx.database, { demo: true, demoAdminPassword: "correct horse battery staple 42" });
    fx.study = (await findParticipantStudy(fx.database.db, { slug: "demo" }))!;
    fx.organisationId = fx.study.organisationId;
  });
  afterAll(async () => fx.database?.destroy());
  return fx;
}

export async function enrol(fx: DemoStudyFixture, options: { quotes?: boolean } = {}) {
  const result = await enrolOnline(fx.database.db, {
    study: fx.study,
    language: "en",
    agreed: [...ALL_REQUIRED, ...(options.quotes ? ["quotes"] : [])],
    codeHashKey: KEY,
    submissionToken: token(),
  });
  if (!result.created) throw new Error("expected a new participant");
  return result;
}

export async function answerWho5(fx: DemoStudyFixture, participantId: string, value = "3") {
  const use = questionnaireUse(fx.study, "peer-support-wellbeing", "pre")!;
  const result = await savePage(fx.database.db, {
    study: fx.study,
    use,
    participantId,
    pageId: "who5_section",
    raw: { who5_1: value, who5_2: "4" },
    language: "en",
  });
  expect(result.ok).toBe(true);
}
