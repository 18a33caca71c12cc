/**
 * A study's life as a checklist on its overview (issue 14 item 2), as REDCap's project set-up page
 * does: instruments → participants → fieldwork → coding → report back. Each step's state is read
 * from the database, so it is never ticked by hand and never out of date; each links to the page
 * where the step is done, but only when the member may open that page (the same rules as the study
 * menu, app/workspace/navigation.ts), so a peer researcher is not sent to a page that refuses them.
 */
import { sql } from "kysely";
import type { DB } from "../../db/index";
import { collectionProgress } from "../consent/progress.server";
import type { StudyScope } from "../consent/scope.server";
import { reportBackLink, studyPageLink, type Can } from "../workspace/navigation";

export const STEPS = ["instruments", "open", "participants", "fieldwork", "coding", "reportBack"] as const;
export type StepId = (typeof STEPS)[number];

/** done: nothing left to do; started: begun but not finished; todo: not begun. */
export type StepState = "done" | "started" | "todo";

export interface NextStep {
  id: StepId;
  state: StepState;
  /** The first step not done: the one the overview points to. */
  next: boolean;
  /** Where the step is done, or null when this member may not open that page. */
  href: string | null;
}

export interface StepFacts {
  informationSheet: boolean;
  consentForm: boolean;
  questionnaires: number;
  status: "draft" | "open" | "closed";
  participants: number;
  responses: number;
  gatherings: number;
  transcribedGatherings: number;
  themes: number;
  codings: number;
  reportEntries: number;
  publishedEntries: number;
}

/** What the checklist is computed from: counts only. */
export async function stepFacts(db: DB, scope: StudyScope): Promise<StepFacts> {
  const [uses, study, participants, themes, entries, progress] = await Promise.all([
    db.selectFrom("study_instrument").select("role").where("study_id", "=", scope.studyId).execute(),
    db.selectFrom("study").select("status").where("id", "=", scope.studyId).executeTakeFirstOrThrow(),
    db
      .selectFrom("participant")
      .select(sql<number>`count(*)::int`.as("n"))
      .where("study_id", "=", scope.studyId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("theme")
      .select(sql<number>`count(*)::int`.as("n"))
      .where("study_id", "=", scope.studyId)
      .where("status", "!=", "merged")
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("report_entry")
      .select([sql<number>`count(*)::int`.as("n"), sql<number>`count(first_published_at)::int`.as("published")])
      .where("study_id", "=", scope.studyId)
      .where("organisation_id", "=", scope.organisationId)
      .executeTakeFirstOrThrow(),
    collectionProgress(db, scope),
  ]);
  return {
    informationSheet: uses.some((u) => u.role === "information_sheet"),
    consentForm: uses.some((u) => u.role === "consent_form"),
    questionnaires: uses.filter((u) => u.role === "questionnaire").length,
    status: study.status as StepFacts["status"],
    participants: Number(participants.n),
    responses: progress.responses,
    gatherings: progress.gatherings,
    transcribedGatherings: progress.transcribedGatherings,
    themes: Number(themes.n),
    codings: progress.codings,
    reportEntries: Number(entries.n),
    publishedEntries: Number(entries.published),
  };
}

const state = (done: boolean, started: boolean): StepState => (done ? "done" : started ? "started" : "todo");

/** The checklist for these facts and this member; pure, so each rule can be tested on its own. */
export function stepsFrom(facts: StepFacts, links: { studyBase: string; organisationBase: string; can: Can }): NextStep[] {
  const { studyBase, organisationBase, can } = links;
  const page = (path: string) => studyPageLink(studyBase, path, can);
  const steps: Omit<NextStep, "next">[] = [
    {
      // Nobody can take part without being told what the study is and agreeing to it.
      id: "instruments",
      state: state(facts.informationSheet && facts.consentForm, facts.informationSheet || facts.consentForm || facts.questionnaires > 0),
      href: page("/edit"),
    },
    {
      id: "open",
      state: state(facts.status !== "draft", false),
      // The open/close button is on the overview itself, shown to those who may change the status.
      href: can("study:status") ? `${studyBase}#study-status-form` : null,
    },
    { id: "participants", state: state(facts.participants > 0, false), href: page("/codes") },
    {
      id: "fieldwork",
      state: state(facts.transcribedGatherings > 0 || facts.responses > 0, facts.gatherings > 0),
      href: page("/fieldwork"),
    },
    {
      id: "coding",
      state: state(facts.themes > 0 && facts.codings > 0, facts.themes > 0 || facts.codings > 0),
      // Codes come before coding: with no themes yet the next thing to do is on the themes page.
      href: page(facts.themes > 0 ? "/coding" : "/themes"),
    },
    {
      id: "reportBack",
      state: state(facts.publishedEntries > 0, facts.reportEntries > 0),
      href: reportBackLink(organisationBase, can),
    },
  ];
  const firstOpen = steps.findIndex((s) => s.state !== "done");
  return steps.map((s, i) => ({ ...s, next: i === firstOpen }));
}

/** The study's next steps for this member. */
export async function studyNextSteps(
  db: DB,
  scope: StudyScope,
  links: { studyBase: string; organisationBase: string; can: Can },
): Promise<NextStep[]> {
  return stepsFrom(await stepFacts(db, scope), links);
}
