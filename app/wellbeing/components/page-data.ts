import { useI18n } from "~/i18n/react";
import type { WellbeingView } from "~/wellbeing/view.server";

/** What the wellbeing page's loader sends (app/routes/research.$org.studies.$study.wellbeing.tsx). */
export type WellbeingPageData = Omit<WellbeingView, "cohorts"> & {
  cohorts: WellbeingView["cohorts"];
  base: string;
  canExport: boolean;
  canManage: boolean;
};

/** The level at which the page calls a change more than chance (paired t-test), in every sentence. */
export const SIGNIFICANCE_LEVEL = 0.05;

/** Numbers in the page's language: one decimal for scores, three for statistics, p under 0.001 as "< 0.001". */
export function useFormat() {
  const { language } = useI18n();
  const one = new Intl.NumberFormat(language, { maximumFractionDigits: 1 });
  const three = new Intl.NumberFormat(language, { maximumFractionDigits: 3 });
  const percent = new Intl.NumberFormat(language, { style: "percent", maximumFractionDigits: 0 });
  const p = (value: number) => (value < 0.001 ? `< ${three.format(0.001)}` : three.format(value));
  // In a sentence "p {p}" reads "p = 0.108" or "p < 0.001", never "p = < 0.001" (issue 14 item 8).
  const pStatement = (value: number) => (value < 0.001 ? `< ${three.format(0.001)}` : `= ${three.format(value)}`);
  return {
    one: (v: number) => one.format(v),
    three: (v: number) => three.format(v),
    percent: (v: number) => percent.format(v),
    p,
    pStatement,
  };
}

/** Other timepoints than pre and post travel in links; the defaults keep links as they were. */
export function setTimepoints(d: WellbeingPageData, params: URLSearchParams) {
  if (d.query.before !== "pre" || d.query.after !== "post") {
    params.set("before", d.query.before);
    params.set("after", d.query.after);
  }
}

export function chartHref(d: WellbeingPageData, chart: string) {
  const params = new URLSearchParams({ chart, measure: d.query.measureId ?? "" });
  if (d.query.cohortId) params.set("cohort", d.query.cohortId);
  setTimepoints(d, params);
  return `${d.base}/chart.csv?${params}`;
}
