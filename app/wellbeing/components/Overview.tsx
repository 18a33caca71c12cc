import { Link } from "@remix-run/react";
import { useI18n } from "~/i18n/react";
import { SIGNIFICANCE_LEVEL, type WellbeingPageData, setTimepoints, useFormat } from "./page-data";

/** A line per measure, in plain words, each linking to its full comparison below. */
export function Overview({ d }: { d: WellbeingPageData }) {
  const { t } = useI18n();
  const f = useFormat();
  if (d.overview.length < 2) return null;
  const href = (measureId: string) => {
    const params = new URLSearchParams({ measure: measureId });
    if (d.query.cohortId) params.set("cohort", d.query.cohortId);
    setTimepoints(d, params);
    return `${d.base}?${params}`;
  };
  return (
    <section aria-labelledby="overview-title" data-testid="wellbeing-overview">
      <h2 id="overview-title">{t("wellbeing.overview.title")}</h2>
      <ul>
        {d.overview.map((m) => {
          const h = m.headline;
          const change = h?.meanChange ?? 0;
          // "Better" or "worse" only when the paired t-test says so at the 5 % level the plain words
          // use; a change the test cannot tell from chance is said to be that (issue 14 item 8).
          const clear = h?.pT != null && h.pT < SIGNIFICANCE_LEVEL;
          const direction = change === 0 ? "same" : !clear ? "chance" : change > 0 === m.higherIsBetter ? "better" : "worse";
          const values = {
            pairs: h?.nPairs ?? 0,
            points: f.one(Math.abs(change)),
            min: f.one(m.range.min),
            max: f.one(m.range.max),
            direction: change > 0 ? "rose" : change < 0 ? "fell" : "same",
            meaning: direction,
            p: h?.pT == null ? "" : f.pStatement(h.pT),
          };
          return (
            <li key={m.id} aria-current={m.id === d.query.measureId ? "true" : undefined}>
              <Link to={href(m.id)}>{m.name}</Link>
              {": "}
              {h
                ? t(h.pT === null ? "wellbeing.overview.lineNoP" : "wellbeing.overview.line", values)
                : t(m.withheld === "protects_smaller_group" ? "wellbeing.overview.protects" : "wellbeing.overview.tooFew")}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
