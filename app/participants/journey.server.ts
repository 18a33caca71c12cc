/**
 * Where a participant is in a study: the pages of each open questionnaire and the next thing to do.
 * A page is a section (or one question, per the study's page_mode); a page is "done" once it was
 * submitted or skipped, which is what resuming uses to find the first page still to do.
 */
import type { DB } from "../../db/index";
import { isShown, type AnswerValue } from "../instruments/messages";
import { isAnswerItem, type InstrumentDefinition, type Item, type Section } from "../instruments/schema";
import { hasCurrentConsent } from "./enrolment.server";
import { openQuestionnaires, type ParticipantStudy, type StudyUse } from "./study.server";

export interface JourneyPage {
  id: string;
  section: Section;
  /** Items on this page: in question mode, one question with the headings and texts before it. */
  items: Item[];
  /** Whether this page begins its section (so the section title and intro are shown). */
  firstOfSection: boolean;
}

export function questionnairePages(definition: InstrumentDefinition, timepoint: string, pageMode: "section" | "question"): JourneyPage[] {
  const pages: JourneyPage[] = [];
  for (const section of definition.sections ?? []) {
    if (section.timepoints && !section.timepoints.includes(timepoint)) continue;
    if (section.items.length === 0) continue;
    const questionMode = pageMode === "question" && section.items.some(isAnswerItem);
    const sectionPages: JourneyPage[] = [];
    let pending: Item[] = [];
    const flush = () => {
      if (pending.length === 0) return;
      const question = pending.find(isAnswerItem);
      // Page ids are stable (they are stored in sections_done): the question's id in question mode,
      // else the section's id for its first page and the first item's id for a page split off it.
      const id = questionMode && question ? question.id : sectionPages.length === 0 ? section.id : pending[0]!.id;
      sectionPages.push({ id, section, items: pending, firstOfSection: sectionPages.length === 0 });
      pending = [];
    };
    const conditionOn = (item: Item, items: Item[]) => item.show_if !== undefined && items.some((i) => i.id === item.show_if!.item);
    for (const item of section.items) {
      // Without JavaScript a condition can only be applied to answers already sent, so an item
      // that depends on an answer on this page begins the next page.
      if (conditionOn(item, pending)) flush();
      pending.push(item);
      if (questionMode && isAnswerItem(item)) flush();
    }
    // Texts after the last question of a section stay with that question (unless they depend on it).
    const last = sectionPages[sectionPages.length - 1];
    if (questionMode && last && pending.length > 0 && !pending.some((item) => conditionOn(item, last.items))) last.items.push(...pending);
    else flush();
    pages.push(...sectionPages);
  }
  return pages;
}

/**
 * Whether a page has anything to show given the answers so far: a page whose questions are all
 * hidden by their conditions is passed over, going forward and back, and never counts as to do.
 */
export function pageShown(page: JourneyPage, answers: Record<string, AnswerValue | undefined>): boolean {
  const questions = page.items.filter(isAnswerItem);
  return (questions.length > 0 ? questions : page.items).some((item) => isShown(item, answers));
}

/** Whether any page's content depends on answers (only then are answers needed to find pages). */
export function hasConditions(pages: JourneyPage[]): boolean {
  return pages.some((page) => page.items.some((item) => item.show_if !== undefined));
}

/** The index of the nearest shown page after (step 1) or before (step -1) `index`, if any. */
export function nearestShownPage(
  pages: JourneyPage[],
  index: number,
  answers: Record<string, AnswerValue | undefined>,
  step: 1 | -1,
): number | undefined {
  for (let i = index + step; i >= 0 && i < pages.length; i += step) if (pageShown(pages[i]!, answers)) return i;
  return undefined;
}

/** The saved answers of one questionnaire at one timepoint, by item id (to show and change them). */
export async function savedAnswers(db: DB, participantId: string, use: StudyUse): Promise<Record<string, AnswerValue>> {
  const rows = await db
    .selectFrom("answer")
    .innerJoin("response", "response.id", "answer.response_id")
    .select(["answer.item_id", "answer.value"])
    .where("response.participant_id", "=", participantId)
    .where("response.instrument_version_id", "=", use.version.rowId)
    .where("response.timepoint", "=", use.timepoint)
    .execute();
  return Object.fromEntries(rows.map((r) => [r.item_id, r.value as AnswerValue]));
}

/** How a question set is presented: its own setting, else the study's. */
export function pageModeOf(study: ParticipantStudy, use: StudyUse): "section" | "question" {
  return study.settings.page_modes?.[use.version.id] ?? study.settings.page_mode;
}

export function pagesOf(study: ParticipantStudy, use: StudyUse): JourneyPage[] {
  return questionnairePages(use.version.definition, use.timepoint, pageModeOf(study, use));
}

/**
 * "Check your answers" before a set is finished (GOV.UK pattern). Confirming it is recorded in
 * sections_done under this id, which no page can have (page ids are snake_case item or section ids).
 */
export const CHECK_PAGE = "check-answers";

/** Whether a set asks anything (a set of texts only has nothing to check). */
export function hasQuestions(pages: JourneyPage[]): boolean {
  return pages.some((page) => page.items.some(isAnswerItem));
}

export type NextStep =
  | { kind: "consent" }
  | { kind: "page"; instrumentId: string; timepoint: string; pageId: string }
  | { kind: "check"; instrumentId: string; timepoint: string }
  | { kind: "done" }
  | { kind: "withdrawn" };

export function checkHref(studySlug: string, step: { instrumentId: string; timepoint: string }): string {
  return `/s/${encodeURIComponent(studySlug)}/q/${encodeURIComponent(step.instrumentId)}/${encodeURIComponent(step.timepoint)}/${CHECK_PAGE}`;
}

export function pageHref(studySlug: string, step: { instrumentId: string; timepoint: string; pageId: string }): string {
  return `/s/${encodeURIComponent(studySlug)}/q/${encodeURIComponent(step.instrumentId)}/${encodeURIComponent(step.timepoint)}/${encodeURIComponent(step.pageId)}`;
}

/** Pages done per (instrument version row id, timepoint). */
export async function progressOf(db: DB, participantId: string): Promise<Map<string, Set<string>>> {
  const rows = await db
    .selectFrom("response")
    .select(["instrument_version_id", "timepoint", "sections_done"])
    .where("participant_id", "=", participantId)
    .execute();
  return new Map(rows.map((r) => [`${r.instrument_version_id}\u0000${r.timepoint}`, new Set(r.sections_done)]));
}

/**
 * The next thing for this participant: consent to the current consent form if they have not, then
 * the first page not yet done of the first open questionnaire not finished, else done.
 */
export async function nextStep(
  db: DB,
  study: ParticipantStudy,
  participant: { id: string; withdrawn_on: string | null; consented?: boolean },
): Promise<NextStep> {
  if (participant.withdrawn_on) return { kind: "withdrawn" };
  // A session read this request says already (session.server.ts); otherwise ask.
  if (!(participant.consented ?? (await hasCurrentConsent(db, study, participant.id)))) return { kind: "consent" };
  const progress = await progressOf(db, participant.id);
  for (const use of openQuestionnaires(study)) {
    const done = progress.get(`${use.version.rowId}\u0000${use.timepoint}`) ?? new Set<string>();
    const pages = pagesOf(study, use);
    const answers = hasConditions(pages) ? await savedAnswers(db, participant.id, use) : {};
    const page = pages.find((p) => !done.has(p.id) && pageShown(p, answers));
    if (page) return { kind: "page", instrumentId: use.version.id, timepoint: use.timepoint, pageId: page.id };
    if (hasQuestions(pages) && !done.has(CHECK_PAGE)) return { kind: "check", instrumentId: use.version.id, timepoint: use.timepoint };
  }
  return { kind: "done" };
}

/**
 * Where this page stands in the whole study, not only in its set: the shown pages of every open set,
 * in order, so a person moving from one set to the next reads "Page 6 of 9", not "Page 1 of 3".
 */
export async function studyProgress(
  db: DB,
  study: ParticipantStudy,
  participantId: string,
  here: { use: StudyUse; pageId: string; answers: Record<string, AnswerValue | undefined> },
): Promise<{ page: number; total: number }> {
  let total = 0;
  let page = 0;
  for (const use of openQuestionnaires(study)) {
    const pages = pagesOf(study, use);
    const same = use.useId === here.use.useId;
    const answers = same ? here.answers : hasConditions(pages) ? await savedAnswers(db, participantId, use) : {};
    for (const p of pages) {
      if (!pageShown(p, answers)) continue;
      total++;
      if (same && p.id === here.pageId) page = total;
    }
  }
  return { page, total };
}

export function stepHref(studySlug: string, step: NextStep): string {
  const base = `/s/${encodeURIComponent(studySlug)}`;
  switch (step.kind) {
    case "consent":
      return `${base}/consent`;
    case "page":
      return pageHref(studySlug, step);
    case "check":
      return checkHref(studySlug, step);
    case "done":
      return `${base}/done`;
    case "withdrawn":
      return `${base}/withdrawn`;
  }
}
