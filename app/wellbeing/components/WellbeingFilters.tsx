import { Form } from "@remix-run/react";
import { useI18n } from "~/i18n/react";
import type { WellbeingPageData } from "./page-data";

/** The page's choices (measure, cohort, timepoints, subgroups) as a GET form: a link can be shared. */
export function WellbeingFilters({ d }: { d: WellbeingPageData }) {
  const { t } = useI18n();
  return (
    <Form method="get" className="wb-filters">
      <fieldset>
        <legend>{t("wellbeing.filter.legend")}</legend>
        <label>
          {t("wellbeing.filter.measure")}{" "}
          <select name="measure" defaultValue={d.query.measureId ?? undefined}>
            {d.measures.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </label>{" "}
        <label>
          {t("wellbeing.filter.cohort")}{" "}
          <select name="cohort" defaultValue={d.query.cohortId ?? ""}>
            <option value="">{t("wellbeing.filter.allCohorts")}</option>
            {d.cohorts.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>{" "}
        {d.timepoints.length > 2 ? (
          <>
            <label>
              {t("wellbeing.filter.before")}{" "}
              <select name="before" defaultValue={d.query.before}>
                {d.timepoints.map((tp) => (
                  <option key={tp} value={tp}>
                    {tp}
                  </option>
                ))}
              </select>
            </label>{" "}
            <label>
              {t("wellbeing.filter.after")}{" "}
              <select name="after" defaultValue={d.query.after}>
                {d.timepoints.map((tp) => (
                  <option key={tp} value={tp}>
                    {tp}
                  </option>
                ))}
              </select>
            </label>{" "}
          </>
        ) : null}
        <label>
          {t("wellbeing.filter.by")}{" "}
          <select name="by" defaultValue={d.query.by ?? ""}>
            <option value="">{t("wellbeing.filter.byNone")}</option>
            {d.subgroupOptions.map((o) => (
              <option key={o.value} value={o.value}>
                {o.value === "cohort"
                  ? t("wellbeing.filter.byCohort")
                  : o.value === "language"
                    ? t("wellbeing.filter.byLanguage")
                    : o.label}
              </option>
            ))}
          </select>
        </label>{" "}
        <button type="submit">{t("wellbeing.filter.show")}</button>
      </fieldset>
    </Form>
  );
}
