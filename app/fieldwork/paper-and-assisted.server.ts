import QRCode from "qrcode";
import { z } from "zod";
import type { DB } from "../../db/index";
import { messagesFor } from "../i18n/catalogues.server";
import { makeTranslate } from "../i18n/intl";
import { isLanguageCode, type LanguageCode } from "../i18n/languages";
import { messageKeys } from "../instruments/messages";
import { enterAssistedAnswers, type Interpreter, type RawAnswers } from "../participants/answers.server";
import { pagesOf } from "../participants/journey.server";
import { questionPageView } from "../participants/question-view.server";
import { issuePaperCodes, recordPaperConsent } from "../participants/enrolment.server";
import { ParticipantError } from "../participants/errors";
import { contactFrom } from "../participants/page.server";
import { textOf } from "../participants/render.server";
import { currentConsentForm, findParticipantStudy, questionnaireUse } from "../participants/study.server";
import { changeConsentChoicesByCode, withdrawalModesOffered, withdrawByCode, type ConsentChoices } from "../participants/withdrawal.server";
import type { WithdrawalMode } from "../../db/tables/participants";

/**
 * The workspace side of fieldwork: thin wrappers over the participant domain's functions (which do
 * the work and the auditing) plus what the facilitators' screens show. Codes typed here are never
 * logged or audited; a code card sheet is shown once, because only the codes' hashes are kept.
 */

/** The participants' link for a study and its QR code (SVG, as a data: URI the CSP allows). */
export async function studyLink(origin: string, slug: string) {
  const url = `${origin}/s/${slug}`;
  const svg = await QRCode.toString(url, { type: "svg", margin: 2, errorCorrectionLevel: "M" });
  return { url, qr: `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}` };
}

export const issueCodesSchema = z.object({ count: z.coerce.number().int().min(1).max(200), language: z.string().max(10).optional() });

export async function issueCodeCards(
  db: DB,
  input: { studyId: string; count: number; language?: string; codeHashKey: Buffer; actorUserId: string },
) {
  const study = await findParticipantStudy(db, { id: input.studyId });
  const language = input.language && study?.languages.includes(input.language) ? input.language : undefined;
  return issuePaperCodes(db, {
    studyId: input.studyId,
    count: input.count,
    codeHashKey: input.codeHashKey,
    issuedBy: input.actorUserId,
    language,
  });
}

/** The current consent form's statements, in the workspace's language (English where untranslated). */
export async function consentStatements(db: DB, studyId: string, language: string) {
  const study = await findParticipantStudy(db, { id: studyId });
  const form = study ? currentConsentForm(study) : undefined;
  if (!form) return null;
  return {
    version: form.version.version,
    statements: (form.version.definition.statements ?? []).map((s) => ({
      id: s.id,
      required: s.required,
      ...textOf(form.version, language, messageKeys.statementText(s.id)),
    })),
  };
}

export type FieldworkResult<T> = { ok: true; value: T } | { ok: false; error: string };

async function guarded<T>(work: () => Promise<T>): Promise<FieldworkResult<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof ParticipantError) return { ok: false, error: error.reason };
    if (error instanceof RangeError) return { ok: false, error: "invalid" };
    throw error;
  }
}

export function recordPaperConsentForCode(
  db: DB,
  input: { studyId: string; code: string; agreed: string[]; codeHashKey: Buffer; actorUserId: string },
) {
  return guarded(() =>
    recordPaperConsent(db, {
      studyId: input.studyId,
      code: input.code,
      agreedStatementIds: input.agreed,
      recordedBy: input.actorUserId,
      codeHashKey: input.codeHashKey,
    }),
  );
}

export async function withdrawalModes(db: DB, studyId: string) {
  const study = await findParticipantStudy(db, { id: studyId });
  return study ? withdrawalModesOffered(study) : [];
}

export function recordStaffWithdrawal(
  db: DB,
  input: { studyId: string; code: string; mode: WithdrawalMode; codeHashKey: Buffer; actorUserId: string },
) {
  return guarded(() =>
    withdrawByCode(db, {
      studyId: input.studyId,
      code: input.code,
      codeHashKey: input.codeHashKey,
      mode: input.mode,
      actorUserId: input.actorUserId,
    }),
  );
}

/** A change to someone's optional choices (quotes, recording) that reached staff by phone or in person. */
export function recordStaffConsentChange(
  db: DB,
  input: { studyId: string; code: string; choices: Partial<ConsentChoices>; codeHashKey: Buffer; actorUserId: string },
) {
  return guarded(() =>
    changeConsentChoicesByCode(db, {
      studyId: input.studyId,
      code: input.code,
      codeHashKey: input.codeHashKey,
      choices: input.choices,
      changedBy: input.actorUserId,
      via: "workspace",
    }),
  );
}

/** The questionnaires a facilitator can enter answers for: every use the study has, by instrument and timepoint. */
export async function assistedQuestionnaires(db: DB, studyId: string) {
  const study = await findParticipantStudy(db, { id: studyId });
  if (!study) return null;
  return {
    study,
    uses: study.uses
      .filter((u) => u.role === "questionnaire")
      .map((u) => ({
        key: `${u.version.id}:${u.timepoint}`,
        instrumentId: u.version.id,
        version: u.version.version,
        timepoint: u.timepoint,
      })),
  };
}

/** Every page of one questionnaire, in the participant's language, for a facilitator to read out and fill in. */
export async function assistedForm(db: DB, input: { studyId: string; useKey: string; language: string }) {
  const found = await assistedQuestionnaires(db, input.studyId);
  if (!found) return null;
  const [instrumentId, timepoint] = input.useKey.split(":");
  const use = questionnaireUse(found.study, instrumentId ?? "", timepoint ?? "");
  if (!use) return null;
  const language =
    isLanguageCode(input.language) && found.study.languages.includes(input.language)
      ? input.language
      : (found.study.languages[0] as LanguageCode);
  const t = makeTranslate(language, messagesFor(language));
  const pages = pagesOf(found.study, use);
  const contact = contactFrom(found.study.settings.contact, language);
  return {
    language,
    instrumentId: use.version.id,
    timepoint: use.timepoint,
    pages: pages.map((_, index) => questionPageView({ study: found.study, language, t, use, pages, index, answers: {}, contact })),
  };
}

export const INTERPRETER_VALUES = ["none", "in_person", "phone", "video"] as const;

/** Saves what a facilitator entered with a participant; errors come back by item id and nothing is written. */
export function saveAssistedAnswers(
  db: DB,
  input: {
    studyId: string;
    code: string;
    useKey: string;
    language: string;
    interpreter: Interpreter;
    raw: RawAnswers;
    codeHashKey: Buffer;
    actorUserId: string;
  },
) {
  const [instrumentId, timepoint] = input.useKey.split(":");
  return guarded(() =>
    enterAssistedAnswers(db, {
      studyId: input.studyId,
      code: input.code,
      codeHashKey: input.codeHashKey,
      instrumentId: instrumentId ?? "",
      timepoint: timepoint ?? "",
      raw: input.raw,
      interpreter: input.interpreter,
      enteredBy: input.actorUserId,
      language: input.language,
    }),
  );
}
