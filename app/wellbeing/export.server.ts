/**
 * The wellbeing CSV: one row per participant and timepoint, with the answers to every item that has
 * a number or a choice for an answer and every measure's score, for analysis in R or SPSS.
 *
 * - Participants appear under the pseudonym every export of the study uses (app/disclosure/pseudonyms.ts),
 *   so that files join, and never their code.
 * - Free-text answers are left out: they are read, coded and quoted through the coding gate, which
 *   applies quote consent; a spreadsheet of them would bypass it.
 * - Every export is audited (who, which filter, how many rows) before the file is handed over.
 */
import { participantPseudonym } from "../disclosure/pseudonyms";
import type { DB } from "../../db/index";
import { studyById } from "../studies/lookup.server";
import { recordAudit } from "../audit/log.server";
import { allItems, type Item } from "../instruments/schema";
import { toCsv } from "../security/csv";
import { analysableResponses } from "../consent/wellbeing.server";
import type { StudyScope } from "../consent/scope.server";
import { findMeasure, itemScales, measureDefinition, studyMeasures, DEFAULT_TIMEPOINTS } from "./report.server";
import { scoreMeasure } from "./scoring";

export interface WellbeingExportQuery extends StudyScope {
  /** The instrument to export; absent = the one defining this measure, or the study's first scored one. */
  instrumentId?: string;
  measureId?: string;
  cohortId?: string | null;
  actorUserId?: string | null;
  /** How the export was asked for, for the audit log: "workspace" or "cli". */
  via: "workspace" | "cli";
}

const EXPORTED_TYPES: ReadonlySet<Item["type"]> = new Set(["yes_no", "single_choice", "multiple_choice", "rating", "scale_0_10", "number"]);

export async function wellbeingCsv(db: DB, query: WellbeingExportQuery): Promise<{ csv: string; rows: number; filename: string }> {
  const source = query.measureId
    ? await findMeasure(db, query.studyId, query.measureId)
    : (await studyMeasures(db, query.studyId)).find((m) => !query.instrumentId || m.instrumentId === query.instrumentId);
  if (!source) throw new Error("The study has no scored instrument to export.");
  const measures = (source.version.definition.measures ?? []).map((m) => ({
    id: m.id,
    definition: measureDefinition(m),
    scales: itemScales(source.version, m),
  }));
  const items = allItems(source.version.definition)
    .map(({ item }) => item)
    .filter((item) => EXPORTED_TYPES.has(item.type));

  const timepointRows = await db
    .selectFrom("study_instrument")
    .innerJoin("instrument_version", "instrument_version.id", "study_instrument.instrument_version_id")
    .select("study_instrument.timepoint")
    .where("study_instrument.study_id", "=", query.studyId)
    .where("instrument_version.instrument_id", "=", source.instrumentId)
    .distinct()
    .execute();
  const timepoints = [...new Set([DEFAULT_TIMEPOINTS.pre, DEFAULT_TIMEPOINTS.post, ...timepointRows.map((r) => r.timepoint)])];
  const responses = await analysableResponses(db, {
    organisationId: query.organisationId,
    studyId: query.studyId,
    instrumentId: source.instrumentId,
    timepoints,
    itemIds: items.map((i) => i.id),
  });
  const cohorts = new Map(
    (await db.selectFrom("cohort").select(["id", "name"]).where("study_id", "=", query.studyId).execute()).map((c) => [c.id, c.name]),
  );
  const order = new Map(timepoints.map((t, i) => [t, i]));
  const rows = responses
    .filter((r) => !query.cohortId || r.cohortId === query.cohortId)
    .map((r) => {
      const row: Record<string, unknown> = {
        participant: participantPseudonym(query.studyId, r.participantId),
        cohort: r.cohortId ? (cohorts.get(r.cohortId) ?? "") : "",
        participant_language: r.participantLanguage,
        timepoint: r.timepoint,
        response_language: r.language,
        instrument: source.instrumentId,
        instrument_version: r.instrumentVersion,
        completed: r.completedOn !== null,
      };
      for (const item of items) {
        const value = r.answers[item.id];
        row[item.id] = Array.isArray(value) ? value.join(";") : value;
      }
      for (const m of measures) {
        let score: number | null;
        try {
          score = scoreMeasure(m.definition, r.answers, m.scales);
        } catch {
          score = null;
        }
        row[`score_${m.id}`] = score;
      }
      return row;
    })
    .sort(
      (a, b) =>
        String(a.participant).localeCompare(String(b.participant)) ||
        (order.get(String(a.timepoint)) ?? 0) - (order.get(String(b.timepoint)) ?? 0),
    );

  const columns = [
    "participant",
    "cohort",
    "participant_language",
    "timepoint",
    "response_language",
    "instrument",
    "instrument_version",
    "completed",
    ...items.map((i) => i.id),
    ...measures.map((m) => `score_${m.id}`),
  ];
  const study = await studyById(db, query.studyId);
  await recordAudit(db, {
    actorUserId: query.actorUserId ?? null,
    organisationId: query.organisationId,
    action: "export",
    subject: study.slug,
    detail: {
      export: "wellbeing_csv",
      via: query.via,
      instrument: source.instrumentId,
      filter: { cohort: query.cohortId ?? null, timepoints },
      rows: rows.length,
    },
  });
  return { csv: toCsv(rows, { columns }), rows: rows.length, filename: `${study.slug}-wellbeing.csv` };
}
