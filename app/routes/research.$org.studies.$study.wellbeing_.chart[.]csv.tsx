import type { LoaderFunctionArgs } from "@remix-run/node";
import { recordAudit } from "~/audit/log.server";
import { toCsv } from "~/security/csv";
import { CHART_KINDS, chartCsvRows, type ChartKind } from "~/wellbeing/chart-data";
import { listCohorts } from "~/wellbeing/cohorts.server";
import { DEFAULT_TIMEPOINTS, disclosableReport, findMeasure, studyTimepoints, WellbeingReportError } from "~/wellbeing/report.server";
import { requireStudyMember } from "~/workspace/request.server";

/**
 * A chart's numbers as CSV, exactly the rows its table shows: anonymous (no participant ids) and
 * refused for a selection the page withholds (under 5 pairs, or a cohort whose rows, subtracted from
 * the study's, would give a smaller cohort's people's exact scores: docs/decisions/043). Audited
 * like every export.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member, study } = await requireStudyMember(request, context, params, "dashboard:read");
  const url = new URL(request.url);
  const chart = url.searchParams.get("chart") as ChartKind;
  if (!CHART_KINDS.includes(chart)) throw new Response("Not found", { status: 404 });
  const scope = { organisationId: member.organisation.id, studyId: study.id };
  const cohortParam = url.searchParams.get("cohort");
  const cohortId = cohortParam && (await listCohorts(member.db, scope)).some((c) => c.id === cohortParam) ? cohortParam : null;
  const measureId = url.searchParams.get("measure") ?? "";
  let report;
  let timepoints: { pre: string; post: string } = DEFAULT_TIMEPOINTS;
  try {
    // The page's rule for timepoints: only the study's timepoints for the instrument, two different
    // ones, checked against every other choice the page offers (docs/decisions/043).
    const source = await findMeasure(member.db, study.id, measureId);
    const offered = await studyTimepoints(member.db, study.id, source.instrumentId);
    const before = url.searchParams.get("before") ?? DEFAULT_TIMEPOINTS.pre;
    const after = url.searchParams.get("after") ?? DEFAULT_TIMEPOINTS.post;
    if (before !== DEFAULT_TIMEPOINTS.pre || after !== DEFAULT_TIMEPOINTS.post) {
      if (before === after || !offered.includes(before) || !offered.includes(after)) throw new Response("Not found", { status: 404 });
      timepoints = { pre: before, post: after };
    }
    ({ report } = await disclosableReport(member.db, { ...scope, measureId, cohortId, ...timepoints }, source, offered));
  } catch (error) {
    if (error instanceof WellbeingReportError) throw new Response("Not found", { status: 404 });
    throw error;
  }
  if (!report) throw new Response("Fewer than 5 people: not shown", { status: 404 });
  const rows = chartCsvRows(chart, { pairs: report.pairs, bands: report.bands, bandIds: (report.measure.bands ?? []).map((b) => b.id) });
  await recordAudit(member.db, {
    actorUserId: member.session.userId,
    organisationId: member.organisation.id,
    action: "export",
    subject: study.slug,
    detail: {
      export: "wellbeing_chart",
      chart,
      measure: measureId,
      filter: { cohort: cohortId, before: timepoints.pre, after: timepoints.post },
      rows: rows.length,
    },
  });
  return new Response(toCsv(rows), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${study.slug}-${measureId}-${chart}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
