import { Form } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { useI18n } from "~/i18n/react";
import type { WellbeingPageData } from "./page-data";

/** The answers CSV: a POST with the CSRF token, so nothing but this button starts the audited export. */
export function AnswersExport({ d }: { d: WellbeingPageData }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="export-title">
      <h2 id="export-title">{t("wellbeing.export.title")}</h2>
      <p>{t("wellbeing.export.body")}</p>
      <Form method="post" action={`${d.base}/answers.csv`} reloadDocument>
        <CsrfInput />
        <input type="hidden" name="measure" value={d.query.measureId ?? ""} />
        <input type="hidden" name="cohort" value={d.query.cohortId ?? ""} />
        <button type="submit">{t("wellbeing.export.button")}</button>
      </Form>
    </section>
  );
}
