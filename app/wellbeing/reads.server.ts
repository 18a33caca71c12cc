/**
 * Every read of participants' answers that wellbeing analysis and export make goes through
 * `analysableResponses`, and nothing else in app/wellbeing selects from `answer` or `response`.
 *
 * Which participants may be read is decided by the consent gate alone (app/consent/gate.server.ts,
 * `analysableParticipants`): tenant, consent, and withdrawal (erasure gone; "stop and keep" stays).
 * This module adds no rule of its own; it only shapes what the gate lets through for scoring.
 */
import { sql } from "kysely";
import type { DB } from "../../db/index";
import { analysableParticipants } from "../consent/gate.server";

export interface AnalysisScope {
  organisationId: string;
  studyId: string;
}

export interface AnalysableResponsesQuery extends AnalysisScope {
  instrumentId: string;
  timepoints: readonly string[];
  /** Only these items' answers are read (e.g. a measure's items); absent = every answer. */
  itemIds?: readonly string[];
}

export interface AnalysableResponse {
  responseId: string;
  participantId: string;
  /** The cohort the participant is in now (participant.cohort_id), or null. */
  cohortId: string | null;
  /** The language the participant chose when they joined the study. */
  participantLanguage: string;
  timepoint: string;
  /** The language this response was given in. */
  language: string;
  instrumentVersionId: string;
  instrumentVersion: number;
  startedOn: string;
  completedOn: string | null;
  answers: Record<string, unknown>;
}

/**
 * Responses to any version of one instrument at the given timepoints, with their answers, for the
 * participants the consent gate lets analysis see. When a participant answered the same timepoint
 * in two versions, only the later version's response is returned: one score per person and time.
 */
export async function analysableResponses(db: DB, query: AnalysableResponsesQuery): Promise<AnalysableResponse[]> {
  if (query.timepoints.length === 0) return [];
  const itemIds = query.itemIds ? [...query.itemIds] : null;
  // One response per participant and timepoint (the latest instrument version's), chosen on narrow
  // rows; then their answers folded into one JSON object per response by a single hash join and
  // aggregate, so a study of 100,000 people is 200,000 rows rather than a million
  // (docs/decisions/041-wellbeing-statistics-and-disclosure.md).
  const rows = await db
    .with("chosen", (qb) =>
      qb
        .selectFrom("response as r")
        .innerJoin("participant as p", "p.id", "r.participant_id")
        .innerJoin("instrument_version as iv", "iv.id", "r.instrument_version_id")
        .distinctOn(["r.participant_id", "r.timepoint"])
        .select([
          "r.id",
          "r.participant_id",
          "p.cohort_id",
          "p.language as participant_language",
          "r.timepoint",
          "r.language",
          "r.instrument_version_id",
          "iv.version",
          "r.started_on",
          "r.completed_on",
        ])
        .where("r.study_id", "=", query.studyId)
        .where("iv.instrument_id", "=", query.instrumentId)
        .where("r.timepoint", "in", [...query.timepoints])
        .where("r.participant_id", "in", analysableParticipants(db, query))
        .orderBy("r.participant_id")
        .orderBy("r.timepoint")
        .orderBy("iv.version", "desc"),
    )
    .with("folded", (qb) => {
      let q = qb
        .selectFrom("chosen as c")
        .innerJoin("answer as a", "a.response_id", "c.id")
        .select(["a.response_id", sql<Record<string, unknown>>`jsonb_object_agg(a.item_id, a.value)`.as("answers")])
        .groupBy("a.response_id");
      if (itemIds) q = itemIds.length === 0 ? q.where(sql<boolean>`false`) : q.where("a.item_id", "in", itemIds);
      return q;
    })
    .selectFrom("chosen as c")
    .leftJoin("folded as f", "f.response_id", "c.id")
    .selectAll("c")
    .select("f.answers")
    .execute();
  return rows.map((r) => ({
    responseId: r.id,
    participantId: r.participant_id,
    cohortId: r.cohort_id,
    participantLanguage: r.participant_language,
    timepoint: r.timepoint,
    language: r.language,
    instrumentVersionId: r.instrument_version_id,
    instrumentVersion: r.version,
    startedOn: r.started_on,
    completedOn: r.completed_on,
    answers: typeof r.answers === "string" ? (JSON.parse(r.answers) as Record<string, unknown>) : (r.answers ?? {}),
  }));
}
