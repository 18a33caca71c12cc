// Data for quote-check tests (docs/decisions/078-quote-checks.md): a "you said, we did" study that
// checks quotes, and one person whose single answer holds three quotes under the "being heard" theme.
// Not a test file itself.
import type { DB } from "../../db/index";
import { applyTheme } from "../../app/coding/codings.server";
import { codePointLength } from "../../app/coding/spans";
import { generateParticipantCode, hashParticipantCode } from "../../app/participants/code";
import {
  addEntryQuote,
  createEntry,
  markTextReviewed,
  publishEntry,
  reviewEntry,
  saveEntryText,
  setEntryThemes,
  submitForReview,
} from "../../app/report-back/entries.server";
import { addAnswer, addParticipant } from "../coding/fixtures";
import type { ReportBackFixture } from "../report-back/fixtures";

/** Three sentences of one answer: each its own quote. The second names a caseworker and a place. */
export const SENTENCES = [
  "The volunteers always had time for me.",
  "My caseworker Sara at the Newport office helped me every week.",
  "I did not feel safe at the hostel.",
] as const;
export const ANSWER = SENTENCES.join(" ");

/** The study checks quotes; with `silence`, its consent form says what no answer means. */
export async function checkQuotes(db: DB, fx: ReportBackFixture, options: { waitDays?: number; silence?: "publish" | "withhold" } = {}) {
  const study = await db.selectFrom("study").select("settings").where("id", "=", fx.scope.studyId).executeTakeFirstOrThrow();
  const settings = { ...(study.settings as object), quote_check: { enabled: true, wait_days: options.waitDays ?? 14 } };
  await db
    .updateTable("study")
    .set({ settings: JSON.stringify(settings) })
    .where("id", "=", fx.scope.studyId)
    .execute();
  if (options.silence)
    await db
      .updateTable("instrument_version")
      .set({ definition: JSON.stringify({ quote_check: { silence: options.silence } }) })
      .where("id", "=", fx.consentVersionId)
      .execute();
}

export interface QuotedPerson {
  participantId: string;
  /** Their code, when made with a key (for the participant's own pages). */
  code: string;
  unit: string;
  /** The codings of SENTENCES[0], [1] and [2], in order. */
  codings: [string, string, string];
}

/** A person who agreed to quotes, whose answer is coded "being heard" three times, one per sentence. */
export async function quotedPerson(
  db: DB,
  fx: ReportBackFixture,
  options: { codeHashKey?: Buffer | string; language?: string } = {},
): Promise<QuotedPerson> {
  const participantId = await addParticipant(db, fx, { quotes: true, language: options.language ?? "ar" });
  const code = generateParticipantCode();
  if (options.codeHashKey)
    await db
      .updateTable("participant")
      .set({ code_hash: hashParticipantCode(code.replace(/-/g, ""), options.codeHashKey) })
      .where("id", "=", participantId)
      .execute();
  const unit = await addAnswer(db, fx, participantId, ANSWER);
  const codings: string[] = [];
  let at = 0;
  for (const sentence of SENTENCES) {
    const start = codePointLength(ANSWER.slice(0, ANSWER.indexOf(sentence, at)));
    const end = start + codePointLength(sentence);
    codings.push(await applyTheme(db, fx.scope, fx.users.researcher, { unit, themeId: fx.themes.heard, start, end }));
    at = ANSWER.indexOf(sentence, at) + sentence.length;
  }
  return { participantId, code, unit, codings: codings as [string, string, string] };
}

/**
 * An entry in English and Arabic answering "being heard", quoting the three sentences, reviewed by a
 * second person and published by the admin.
 */
export async function entryQuoting(db: DB, fx: ReportBackFixture, codings: readonly string[], slug = "heard-better") {
  const org = fx.scope.organisationId;
  const author = { userId: fx.users.publisher };
  const id = await createEntry(db, org, author, { studyId: fx.scope.studyId, slug, actionStatus: "in_progress", progress: 30 });
  await saveEntryText(db, org, author, id, "en", { title: "Time to listen", asked: "We asked what helped.", did: "More drop-in hours." });
  await saveEntryText(db, org, author, id, "ar", { title: "وقت للاستماع", asked: "سألناكم عما ساعدكم.", did: "ساعات استقبال أكثر." });
  await setEntryThemes(db, org, author, id, [{ themeId: fx.themes.heard, labels: { en: "Being listened to", ar: "أن يُستمع إلينا" } }]);
  for (const coding of codings) await addEntryQuote(db, org, author, id, coding);
  for (const language of ["en", "ar"]) await markTextReviewed(db, org, { userId: fx.users.researcher }, id, language);
  await submitForReview(db, org, author, id);
  await reviewEntry(db, org, { userId: fx.users.second }, id, "approve");
  await publishEntry(db, org, { userId: fx.users.admin }, id);
  return id;
}
