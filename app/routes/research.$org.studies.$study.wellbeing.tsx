import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { workspaceHeaders } from "~/auth/headers";
import { useI18n } from "~/i18n/react";
import { requestLanguage } from "~/i18n/request.server";
import { AnswersExport } from "~/wellbeing/components/AnswersExport";
import { Charts } from "~/wellbeing/components/Charts";
import { CohortSummaries } from "~/wellbeing/components/CohortSummaries";
import { ComparisonTable } from "~/wellbeing/components/ComparisonTable";
import { Overview } from "~/wellbeing/components/Overview";
import type { WellbeingPageData } from "~/wellbeing/components/page-data";
import { PlainWords } from "~/wellbeing/components/PlainWords";
import { Subgroups } from "~/wellbeing/components/Subgroups";
import { WellbeingFilters } from "~/wellbeing/components/WellbeingFilters";
import { wellbeingView } from "~/wellbeing/view.server";
import { requireStudyMember } from "~/workspace/request.server";
import { clientMessages } from "~/i18n/catalogues.server";

export const headers = workspaceHeaders;
/** Opts in to the app's scripts so recharts can take over the server-drawn charts (docs/decisions/042-charts-without-javascript.md). */
export const handle = { hydrate: true };

/**
 * A study's pre/post wellbeing: plain words first, then the table, then the charts (each with its
 * text and table alternative and a CSV), subgroups, and each group's attendance and satisfaction.
 * Figures come from app/wellbeing (checked against R); a group under 5 pairs shows no figures.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member, scope, base } = await requireStudyMember(request, context, params, "dashboard:read");
  const url = new URL(request.url);
  const view = await wellbeingView(
    member.db,
    scope,
    {
      measureId: url.searchParams.get("measure"),
      cohortId: url.searchParams.get("cohort"),
      by: url.searchParams.get("by"),
      before: url.searchParams.get("before"),
      after: url.searchParams.get("after"),
    },
    requestLanguage(request),
  );
  return {
    ...view,
    base: `${base}/wellbeing`,
    canExport: member.can("export:raw"),
    canManage: member.can("fieldwork:record"),
    clientMessages: clientMessages(request, ["wellbeing"]),
  };
}

export default function Wellbeing() {
  const { t } = useI18n();
  const d = useLoaderData<typeof loader>() as WellbeingPageData;
  return (
    <main id="main" className="ws-main wb-page">
      <h1>{t("wellbeing.title")}</h1>
      <p className="ws-muted">{t("wellbeing.intro")}</p>
      {d.measures.length === 0 || !d.measure ? (
        <p>{t("wellbeing.noMeasures")}</p>
      ) : (
        <>
          <WellbeingFilters d={d} />

          <Overview d={d} />
          <h2>{d.measure.name}</h2>
          <PlainWords d={d} />
          {d.counts ? <p className="ws-muted">{t("wellbeing.summary.counts", { pre: d.counts.nPre, post: d.counts.nPost })}</p> : null}
          {d.comparison ? <ComparisonTable d={d} c={d.comparison} /> : null}
          {d.charts ? <Charts d={d} /> : null}
          {d.measure.attribution ? <p className="ws-muted wb-attribution">{d.measure.attribution}</p> : null}
          <Subgroups d={d} />
          <CohortSummaries d={d} />

          {d.canExport ? <AnswersExport d={d} /> : null}
        </>
      )}
    </main>
  );
}
