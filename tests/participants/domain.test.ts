/**
 * The participant domain functions on a real database (embedded, or PostgreSQL with DATABASE_URL):
 * enrolment and its idempotency, declining, consent choices, the consent gate, paper
 * codes and paper consent, assisted entry, timepoints and consent-form versions.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { answersForAnalysis, gatedParticipantCounts, quotableAnswers } from "../../app/consent/gate.server";
import { StudyOutsideOrganisationError } from "../../app/consent/scope.server";
import { enterAssistedAnswers } from "../../app/participants/answers.server";
import { savePage } from "../../app/participants/answers.server";
import {
  enrolOnline,
  findParticipantByCode,
  issuePaperCodes,
  recordPaperConsent,
  recordRenewedConsent,
} from "../../app/participants/enrolment.server";
import { nextStep } from "../../app/participants/journey.server";
import { findParticipantStudy, questionnaireUse, type ParticipantStudy } from "../../app/participants/study.server";
import { changeConsentChoicesByCode } from "../../app/participants/withdrawal.server";
import type { TestDatabase } from "../support/database";
import { ALL_REQUIRED, answerWho5 as answerWho5In, demoStudyForTests, enrol as enrolIn, KEY, token } from "./fixtures";

const fx = demoStudyForTests();
let database: TestDatabase;
let study: ParticipantStudy;
let organisationId: string;
beforeAll(() => ({ database, study, organisationId } = fx));
const enrol = (options: { quotes?: boolean } = {}) => enrolIn(fx, options);
const answerWho5 = (participantId: string, value?: string) => answerWho5In(fx, participantId, value);

async function count(table: "participant" | "consent_record" | "response" | "answer" | "form_submission" | "participant_session") {
  const row = await database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe("enrolment", () => {
  it("records a submission once, however often the same page is sent", async () => {
    const before = await count("participant");
    const submissionToken = token();
    const input = { study, language: "ar", agreed: ALL_REQUIRED, codeHashKey: KEY, submissionToken };
    const [a, b] = await Promise.all([enrolOnline(database.db, input), enrolOnline(database.db, input)]);
    const c = await enrolOnline(database.db, input);
    expect(await count("participant")).toBe(before + 1);
    const created = [a, b].find((r) => r.created)!;
    expect([a, b, c].filter((r) => r.created)).toHaveLength(1);
    expect(c).toEqual({ created: false, participantId: created.participantId });
  });

  it("stores nothing when a required statement is declined", async () => {
    const counts = await Promise.all((["participant", "consent_record", "form_submission"] as const).map(count));
    await expect(
      enrolOnline(database.db, { study, language: "en", agreed: ALL_REQUIRED.slice(1), codeHashKey: KEY, submissionToken: token() }),
    ).rejects.toMatchObject({ reason: "required_not_agreed" });
    expect(await Promise.all((["participant", "consent_record", "form_submission"] as const).map(count))).toEqual(counts);
  });

  it("stores the code only as a keyed hash, and the date without the time", async () => {
    const { code, participantId } = await enrol();
    const row = await database.db.selectFrom("participant").selectAll().where("id", "=", participantId).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(code.replaceAll("-", ""));
    expect(row.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.enrolled_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(row.enrolled_at).toBeNull();
    // Found again however the person types it.
    const typed = code.toLowerCase().replaceAll("-", " ").replaceAll("0", "o").replaceAll("1", "l");
    expect((await findParticipantByCode(database.db, { studyId: study.id, code: typed, codeHashKey: KEY }))?.id).toBe(participantId);
  });
});

describe("the consent gate", () => {
  it("quotes only people who currently say yes to quotes, and follows a change at once", async () => {
    const person = await enrol({ quotes: true });
    await answerWho5(person.participantId);
    const quoted = async () =>
      (await quotableAnswers(database.db, { organisationId, studyId: study.id })).some((a) => a.participantId === person.participantId);
    expect(await quoted()).toBe(true);
    const change = await changeConsentChoicesByCode(database.db, {
      studyId: study.id,
      code: person.code,
      codeHashKey: KEY,
      choices: { quotes: false },
    });
    expect(change.changed).toEqual(["quotes"]);
    expect(await quoted()).toBe(false);
    const changes = await database.db.selectFrom("consent_change").selectAll().execute();
    expect(changes.some((c) => c.flag === "quotes" && c.value === false)).toBe(true);
  });

  it("checks the tenant: another organisation's study is refused, not quietly empty", async () => {
    const other = await database.db
      .insertInto("organisation")
      .values({ slug: "other", name: "Other" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await expect(answersForAnalysis(database.db, { organisationId: other.id, studyId: study.id })).rejects.toBeInstanceOf(
      StudyOutsideOrganisationError,
    );
    await expect(gatedParticipantCounts(database.db, { organisationId: other.id, studyId: study.id })).rejects.toBeInstanceOf(
      StudyOutsideOrganisationError,
    );
  });
});

describe("paper and assisted", () => {
  it("issues codes with paper consent to the current consent form, then records optional choices per code", async () => {
    const issued = await issuePaperCodes(database.db, { studyId: study.id, count: 3, codeHashKey: KEY });
    expect(issued.codes).toHaveLength(3);
    for (const code of issued.codes) expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    const result = await recordPaperConsent(database.db, {
      studyId: study.id,
      code: issued.codes[0]!,
      agreedStatementIds: [...ALL_REQUIRED, "quotes"],
      recordedBy: null,
      codeHashKey: KEY,
    });
    expect(result).toMatchObject({ created: false, quotes: true, audioRecording: false });
    const records = await database.db
      .selectFrom("consent_record")
      .select(["method", "quotes"])
      .where("participant_id", "=", result.participantId)
      .execute();
    expect(records).toEqual([{ method: "paper", quotes: true }]);
    await expect(
      recordPaperConsent(database.db, {
        studyId: study.id,
        code: issued.codes[1]!,
        agreedStatementIds: ["quotes"],
        recordedBy: null,
        codeHashKey: KEY,
      }),
    ).rejects.toMatchObject({ reason: "required_not_agreed" });
  });

  it("enters answers with a participant, recording that an interpreter helped, and refuses bad values whole", async () => {
    const [code] = (await issuePaperCodes(database.db, { studyId: study.id, count: 1, codeHashKey: KEY })).codes;
    const admin = await database.db.selectFrom("app_user").select("id").executeTakeFirstOrThrow();
    const bad = await enterAssistedAnswers(database.db, {
      studyId: study.id,
      code: code!,
      codeHashKey: KEY,
      instrumentId: "peer-support-wellbeing",
      timepoint: "pre",
      raw: { who5_1: "2", who5_2: "9", nonsense: "1" },
      interpreter: "phone",
      enteredBy: admin.id,
      language: "ar",
    });
    expect(bad).toEqual({ ok: false, errors: { who5_2: "out_of_range", nonsense: "unknown_item" } });
    const participant = (await findParticipantByCode(database.db, { studyId: study.id, code: code!, codeHashKey: KEY }))!;
    expect(await database.db.selectFrom("response").select("id").where("participant_id", "=", participant.id).execute()).toEqual([]);
    const good = await enterAssistedAnswers(database.db, {
      studyId: study.id,
      code: code!,
      codeHashKey: KEY,
      instrumentId: "peer-support-wellbeing",
      timepoint: "pre",
      raw: { who5_1: "2", ons_happy: "7" },
      interpreter: "phone",
      enteredBy: admin.id,
      language: "ar",
    });
    expect(good.ok).toBe(true);
    const response = await database.db
      .selectFrom("response")
      .select(["mode", "interpreter", "entered_by"])
      .where("participant_id", "=", participant.id)
      .executeTakeFirstOrThrow();
    expect(response).toEqual({ mode: "assisted", interpreter: "phone", entered_by: admin.id });
  });
});

describe("timepoints and consent-form versions", () => {
  it("never asks consent twice for the same version, asks again for a new version, and offers post when it opens", async () => {
    const person = await enrol();
    const participant = { id: person.participantId, withdrawn_on: null };
    expect((await nextStep(database.db, study, participant)).kind).toBe("page");
    // A second consent-form version is added to the study.
    // (the newest published version, which the study uses, and one after it)
    const v1 = await database.db
      .selectFrom("instrument_version")
      .selectAll()
      .where("instrument_id", "=", "consent-form")
      .orderBy("version", "desc")
      .executeTakeFirstOrThrow();
    const definition = { ...(v1.definition as object), version: v1.version + 1 };
    const v2 = await database.db
      .insertInto("instrument_version")
      .values({
        instrument_id: "consent-form",
        version: v1.version + 1,
        kind: v1.kind,
        content_hash: "test-v2",
        definition: JSON.stringify(definition),
        translations: JSON.stringify(v1.translations),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await database.db
      .insertInto("study_instrument")
      .values({ study_id: study.id, instrument_version_id: v2.id, role: "consent_form", timepoint: "once", position: 99 })
      .execute();
    try {
      const updated = (await findParticipantStudy(database.db, { slug: "demo" }))!;
      expect(await nextStep(database.db, updated, participant)).toEqual({ kind: "consent" });
      await recordRenewedConsent(database.db, { study: updated, participantId: person.participantId, agreed: ALL_REQUIRED });
      await recordRenewedConsent(database.db, { study: updated, participantId: person.participantId, agreed: ALL_REQUIRED });
      expect(
        await database.db.selectFrom("consent_record").select("id").where("participant_id", "=", person.participantId).execute(),
      ).toHaveLength(2);
      expect((await nextStep(database.db, updated, participant)).kind).toBe("page");
      // Only "post" open: the person is taken to the post questionnaire.
      const postOnly = { ...updated, settings: { ...updated.settings, open_timepoints: ["post"] } };
      expect(await nextStep(database.db, postOnly, participant)).toMatchObject({
        kind: "page",
        instrumentId: "peer-support-wellbeing",
        timepoint: "post",
      });
    } finally {
      await database.db.deleteFrom("consent_record").where("instrument_version_id", "=", v2.id).execute();
      await database.db.deleteFrom("study_instrument").where("instrument_version_id", "=", v2.id).execute();
      await database.db.deleteFrom("instrument_version").where("id", "=", v2.id).execute();
    }
  });

  it("a page with a bad value changes nothing, and a page sent twice is stored once", async () => {
    const person = await enrol();
    const use = questionnaireUse(study, "peer-support-wellbeing", "pre")!;
    const bad = await savePage(database.db, {
      study,
      use,
      participantId: person.participantId,
      pageId: "who5_section",
      raw: { who5_1: "3", who5_2: "42" },
      language: "en",
    });
    expect(bad).toEqual({ ok: false, errors: { who5_2: "out_of_range" } });
    expect(await database.db.selectFrom("response").select("id").where("participant_id", "=", person.participantId).execute()).toEqual([]);
    await answerWho5(person.participantId, "1");
    await answerWho5(person.participantId, "1");
    const rows = await database.db
      .selectFrom("answer")
      .innerJoin("response", "response.id", "answer.response_id")
      .select(["answer.item_id", "answer.value", "response.sections_done"])
      .where("response.participant_id", "=", person.participantId)
      .orderBy("answer.item_id")
      .execute();
    expect(rows).toEqual([
      { item_id: "who5_1", value: 1, sections_done: ["who5_section"] },
      { item_id: "who5_2", value: 4, sections_done: ["who5_section"] },
    ]);
  });
});
