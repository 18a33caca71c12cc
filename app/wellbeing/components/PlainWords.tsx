import { useI18n } from "~/i18n/react";
import { SIGNIFICANCE_LEVEL, type WellbeingPageData, useFormat } from "./page-data";

export function PlainWords({ d }: { d: WellbeingPageData }) {
  const { t } = useI18n();
  const f = useFormat();
  const m = d.measure!;
  const c = d.comparison;
  if (!c)
    return (
      <p data-testid="wellbeing-summary">
        {t(d.withheld === "protects_smaller_group" ? "wellbeing.summary.protectsSmaller" : "wellbeing.summary.tooFew")}
      </p>
    );
  const change = c.mean_change ?? 0;
  const values = { measure: m.name, points: f.one(Math.abs(change)), min: f.one(m.range.min), max: f.one(m.range.max) };
  return (
    <div data-testid="wellbeing-summary" className="wb-summary">
      <p>
        {t("wellbeing.summary.pairs", { pairs: c.n_pairs })}{" "}
        {t(change > 0 ? "wellbeing.summary.rose" : change < 0 ? "wellbeing.summary.fell" : "wellbeing.summary.same", values)}{" "}
        {t(m.higherIsBetter ? "wellbeing.summary.higherBetter" : "wellbeing.summary.lowerBetter")}
      </p>
      <p>
        {m.improvement.threshold > 0
          ? t("wellbeing.summary.meaningful", {
              improved: c.improved,
              worsened: c.worsened,
              unchanged: c.unchanged,
              threshold: f.one(m.improvement.threshold),
            })
          : t("wellbeing.summary.anyChange", { improved: c.improved, worsened: c.worsened, unchanged: c.unchanged })}
      </p>
      <p data-testid="wellbeing-improvement-definition">
        {t(m.improvement.threshold > 0 ? "wellbeing.summary.definitionThreshold" : "wellbeing.summary.definitionAny", {
          threshold: f.one(m.improvement.threshold),
          direction: m.improvement.higherIsBetter ? "higher" : "lower",
        })}
      </p>
      {c.p_t !== null ? (
        <p>{t(c.p_t < SIGNIFICANCE_LEVEL ? "wellbeing.summary.likely" : "wellbeing.summary.couldBeChance", { p: f.pStatement(c.p_t) })}</p>
      ) : null}
    </div>
  );
}
