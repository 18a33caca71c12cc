/**
 * Withdrawal on a real database (embedded, or PostgreSQL with DATABASE_URL): with erasure nothing of
 * the person is left, with "keep" their answers are analysed but never quoted and nothing more is
 * recorded, and a mode the study does not offer is refused. The route is s.$study.withdraw.tsx (and
 * the staff form research.$org.studies.$study.withdrawal.tsx), the domain module
 * app/participants/withdrawal.server.ts, the columns participant.withdrawn_on / withdrawal_mode in
 * db/migrations/0002_participants.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { answersForAnalysis, quotableAnswers } from "../../app/consent/gate.server";
import { savePage } from "../../app/participants/answers.server";
import { nextStep } from "../../app/participants/journey.server";
import { questionnaireUse, type ParticipantStudy } from "../../app/participants/study.server";
import { withdrawByCode, withdrawParticipant } from "../../app/participants/withdrawal.server";
import type { TestDatabase } from "../support/database";
import { answerWho5 as answerWho5In, demoStudyForTests, enrol as enrolIn, KEY } from "./fixtures";

const fx = demoStudyForTests();
let database: TestDatabase;
let study: ParticipantStudy;
let organisationId: string;
beforeAll(() => ({ database, study, organisationId } = fx));
const enrol = (options: { quotes?: boolean } = {}) => enrolIn(fx, options);
const answerWho5 = (participantId: string) => answerWho5In(fx, participantId);

describe("withdrawal", () => {
  it("with erasure deletes every answer, response and consent of that person, and nothing of anyone else's", async () => {
    const stays = await enrol();
    await answerWho5(stays.participantId);
    const goes = await enrol();
    await answerWho5(goes.participantId);
    const result = await withdrawByCode(database.db, { studyId: study.id, code: goes.code, codeHashKey: KEY, mode: "erase" });
    expect(result).toMatchObject({ mode: "erase", responses: 1, answers: 2 });
    for (const table of ["response", "consent_record", "participant_session", "form_submission"] as const) {
      const rows = await database.db.selectFrom(table).select("participant_id").where("participant_id", "=", goes.participantId).execute();
      expect(rows, table).toEqual([]);
    }
    expect(await database.db.selectFrom("participant").select("id").where("id", "=", goes.participantId).execute()).toEqual([]);
    const answers = await answersForAnalysis(database.db, { organisationId, studyId: study.id });
    expect(answers.some((a) => a.participantId === goes.participantId)).toBe(false);
    expect(answers.filter((a) => a.participantId === stays.participantId)).toHaveLength(2);
    // The code no longer works.
    await expect(
      withdrawByCode(database.db, { studyId: study.id, code: goes.code, codeHashKey: KEY, mode: "erase" }),
    ).rejects.toMatchObject({ reason: "unknown_code" });
  });

  it("keeping what was given: still analysed, never quoted, and nothing more can be recorded", async () => {
    const person = await enrol({ quotes: true });
    await answerWho5(person.participantId);
    expect(
      (await quotableAnswers(database.db, { organisationId, studyId: study.id })).some((a) => a.participantId === person.participantId),
    ).toBe(true);
    await withdrawParticipant(database.db, { studyId: study.id, participantId: person.participantId, mode: "keep" });
    expect(
      (await answersForAnalysis(database.db, { organisationId, studyId: study.id })).filter(
        (a) => a.participantId === person.participantId,
      ),
    ).toHaveLength(2);
    expect(
      (await quotableAnswers(database.db, { organisationId, studyId: study.id })).some((a) => a.participantId === person.participantId),
    ).toBe(false);
    const use = questionnaireUse(study, "peer-support-wellbeing", "pre")!;
    await expect(
      savePage(database.db, { study, use, participantId: person.participantId, pageId: "ons4_section", raw: {}, language: "en" }),
    ).rejects.toMatchObject({ reason: "withdrawn" });
    expect(await nextStep(database.db, study, { id: person.participantId, withdrawn_on: "2026-01-01" })).toEqual({ kind: "withdrawn" });
  });

  it("refuses a mode the study does not offer", async () => {
    const person = await enrol();
    await database.db
      .updateTable("study")
      .set({ settings: JSON.stringify({ ...study.settings, withdrawal: { modes: ["erase"], deadline: null } }) })
      .where("id", "=", study.id)
      .execute();
    try {
      await expect(
        withdrawParticipant(database.db, { studyId: study.id, participantId: person.participantId, mode: "keep" }),
      ).rejects.toMatchObject({ reason: "mode_not_offered" });
    } finally {
      await database.db
        .updateTable("study")
        .set({ settings: JSON.stringify(study.settings) })
        .where("id", "=", study.id)
        .execute();
    }
  });
});
