// Data set up through the database for coding tests: an organisation, a study, participants with
// chosen consent and withdrawal, free-text answers, and staff users. Not a test file itself.
import { afterAll, beforeAll } from "vitest";
import type { DB } from "../../db/index";
import { createTestDatabase, type TestDatabase } from "../support/database";
import type { StudyScope } from "../../app/consent/scope.server";
import { changeConsentChoices, withdrawParticipant } from "../../app/participants/withdrawal.server";
import type { WithdrawalMode } from "../../db/tables/participants";

let counter = 0;
const next = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

export interface CodingFixture {
  scope: StudyScope;
  orgSlug: string;
  studySlug: string;
  versionId: string;
  consentVersionId: string;
  users: { researcher: string; peer: string; second: string };
}

const QUESTIONNAIRE = {
  id: "fg-feedback",
  kind: "questionnaire",
  sections: [
    {
      id: "main",
      items: [
        { id: "what_helped", type: "long_text" },
        { id: "short_note", type: "short_text" },
        { id: "liked", type: "yes_no" },
      ],
    },
  ],
};

export async function createCodingFixture(db: DB): Promise<CodingFixture> {
  const tag = next();
  const org = await db
    .insertInto("organisation")
    .values({ slug: `org-${tag}`, name: "Org" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const study = await db
    .insertInto("study")
    .values({
      organisation_id: org.id,
      slug: `study-${tag}`,
      titles: JSON.stringify({ en: "Study" }),
      languages: ["en", "cy", "ar"],
      settings: "{}",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const version = await db
    .insertInto("instrument_version")
    .values({
      instrument_id: `fg-${tag}`,
      version: 1,
      kind: "questionnaire",
      content_hash: tag,
      definition: JSON.stringify(QUESTIONNAIRE),
      translations: "{}",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const consent = await db
    .insertInto("instrument_version")
    .values({ instrument_id: `cf-${tag}`, version: 1, kind: "consent_form", content_hash: `c${tag}`, definition: "{}", translations: "{}" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const user = async (name: string, role: "researcher" | "peer_researcher") => {
    const u = await db
      .insertInto("app_user")
      .values({
        email: `${name.toLowerCase()}-${tag}@example.org`,
        display_name: name,
        password_hash: null,
        totp_secret: null,
        disabled_at: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db.insertInto("membership").values({ user_id: u.id, organisation_id: org.id, role }).execute();
    return u.id;
  };
  return {
    scope: { organisationId: org.id, studyId: study.id },
    orgSlug: `org-${tag}`,
    studySlug: `study-${tag}`,
    versionId: version.id,
    consentVersionId: consent.id,
    users: {
      researcher: await user("Rhian", "researcher"),
      peer: await user("Samir", "peer_researcher"),
      second: await user("Dafydd", "researcher"),
    },
  };
}

export interface ParticipantOptions {
  language?: string;
  quotes?: boolean;
  audio?: boolean;
  cohortId?: string | null;
}

export async function addParticipant(db: DB, fx: CodingFixture, options: ParticipantOptions = {}): Promise<string> {
  const p = await db
    .insertInto("participant")
    .values({
      study_id: fx.scope.studyId,
      code_hash: `hash-${next()}`,
      language: options.language ?? "en",
      source: "online",
      enrolled_on: "2026-03-01",
      enrolled_at: null,
      cohort_id: options.cohortId ?? null,
      withdrawn_on: null,
      withdrawal_mode: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("consent_record")
    .values({
      participant_id: p.id,
      instrument_version_id: fx.consentVersionId,
      statements: JSON.stringify({}),
      audio_recording: options.audio ?? true,
      quotes: options.quotes ?? true,
      method: "online",
      recorded_by: null,
      recorded_on: "2026-03-01",
      updated_on: "2026-03-01",
    })
    .execute();
  return p.id;
}

export async function addAnswer(db: DB, fx: CodingFixture, participantId: string, text: string, itemId = "what_helped", language = "en") {
  const response = await db
    .insertInto("response")
    .values({
      participant_id: participantId,
      study_id: fx.scope.studyId,
      instrument_version_id: fx.versionId,
      language,
      interpreter: null,
      entered_by: null,
      started_on: "2026-03-02",
      completed_on: "2026-03-02",
    })
    .onConflict((oc) => oc.columns(["participant_id", "instrument_version_id", "timepoint"]).doUpdateSet({ language }))
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("answer")
    .values({ response_id: response.id, item_id: itemId, value: JSON.stringify(text), answered_on: "2026-03-02" })
    .execute();
  return `a:${response.id}:${itemId}`;
}

/** Withdrawal through the same domain function the participant page, the staff form and the CLI use. */
export async function withdraw(db: DB, participantId: string, mode: WithdrawalMode) {
  const { study_id } = await db.selectFrom("participant").select("study_id").where("id", "=", participantId).executeTakeFirstOrThrow();
  await withdrawParticipant(db, { studyId: study_id, participantId, mode });
}

/** A change of quote consent as the participant makes it: every consent record, kept in consent_change. */
export async function setQuoteConsent(db: DB, participantId: string, quotes: boolean) {
  const { study_id } = await db.selectFrom("participant").select("study_id").where("id", "=", participantId).executeTakeFirstOrThrow();
  await changeConsentChoices(db, { studyId: study_id, participantId, choices: { quotes } });
}

/**
 * A throwaway database with one coding study, made before a file's tests and dropped after them:
 * the set-up every coding and fieldwork domain test shares.
 */
export function codingStudyForTests(): { readonly db: DB; readonly fx: CodingFixture; readonly database: TestDatabase } {
  let database: TestDatabase | undefined;
  let fixture: CodingFixture | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    fixture = await createCodingFixture(database.db);
  });
  afterAll(() => database?.destroy());
  return {
    get db() {
      return database!.db;
    },
    get fx() {
      return fixture!;
    },
    get database() {
      return database!;
    },
  };
}
