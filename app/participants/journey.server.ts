/**
 * Where a participant is in a study: the pages of each open questionnaire and the next thing to do.
 * A page is a section (or one question, per the study's page_mode); a page is "done" once it was
 * submitted or skipped, which is what resuming uses to find the first page still to do.
 */
import type { DB } from "../../db/index";
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
    if (pageMode === "section" || !section.items.some(isAnswerItem)) {
      pages.push({ id: section.id, section, items: section.items, firstOfSection: true });
      continue;
    }
    let pending: Item[] = [];
    let first = true;
    for (const item of section.items) {
      pending.push(item);
      if (isAnswerItem(item)) {
        pages.push({ id: item.id, section, items: pending, firstOfSection: first });
        pending = [];
        first = false;
      }
    }
    // Texts after the last question of a section stay with that question.
    if (pending.length > 0) pages[pages.length - 1]!.items.push(...pending);
  }
  return pages;
}

export function pagesOf(study: ParticipantStudy, use: StudyUse): JourneyPage[] {
  return questionnairePages(use.version.definition, use.timepoint, study.settings.page_mode);
}

export type NextStep =
  | { kind: "consent" }
  | { kind: "page"; instrumentId: string; timepoint: string; pageId: string }
  | { kind: "done" }
  | { kind: "withdrawn" };

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
export async function nextStep(db: DB, study: ParticipantStudy, participant: { id: string; withdrawn_on: string | null }): Promise<NextStep> {
  if (participant.withdrawn_on) return { kind: "withdrawn" };
  if (!(await hasCurrentConsent(db, study, participant.id))) return { kind: "consent" };
  const progress = await progressOf(db, participant.id);
  for (const use of openQuestionnaires(study)) {
    const done = progress.get(`${use.version.rowId}\u0000${use.timepoint}`) ?? new Set<string>();
    const page = pagesOf(study, use).find((p) => !done.has(p.id));
    if (page) return { kind: "page", instrumentId: use.version.id, timepoint: use.timepoint, pageId: page.id };
  }
  return { kind: "done" };
}

export function stepHref(studySlug: string, step: NextStep): string {
  const base = `/s/${encodeURIComponent(studySlug)}`;
  switch (step.kind) {
    case "consent":
      return `${base}/consent`;
    case "page":
      return pageHref(studySlug, step);
    case "done":
      return `${base}/done`;
    case "withdrawn":
      return `${base}/withdrawn`;
  }
}
