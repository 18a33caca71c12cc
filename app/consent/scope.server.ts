/**
 * The one scope every gated read and every study-bound workspace action is asked in: a study, and
 * the organisation asking for it (docs/decisions/011-consent-gate.md). The tenant rule lives here,
 * once: the study must belong to the organisation, or the read throws rather than returning nothing.
 */
import type { DB } from "../../db/index";
import { lookUpStudy } from "../studies/lookup.server";

export interface StudyScope {
  organisationId: string;
  studyId: string;
}

/** Who a gated read is for: analysis (and export) or anything shown word for word. */
export type GatePurpose = "analysis" | "quote";

export class StudyOutsideOrganisationError extends Error {
  constructor() {
    super("No such study in this organisation");
    this.name = "StudyOutsideOrganisationError";
  }
}

/** Checks the tenant and returns the study; throws StudyOutsideOrganisationError otherwise. */
export async function requireStudy(db: DB, scope: StudyScope) {
  const study = await lookUpStudy(db, { organisationId: scope.organisationId, id: scope.studyId });
  if (!study) throw new StudyOutsideOrganisationError();
  return study;
}
