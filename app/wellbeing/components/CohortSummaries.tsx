import { Link } from "@remix-run/react";
import { useI18n } from "~/i18n/react";
import { type WellbeingPageData, useFormat } from "./page-data";
import { DataTable } from "~/workspace/components/DataTable";
import type { SuppressedNumber } from "~/wellbeing/report.server";

export function CohortSummaries({ d }: { d: WellbeingPageData }) {
  const { t } = useI18n();
  const f = useFormat();
  const fewer = t("common.fewerThanFive");
  const protects = t("wellbeing.hidden.protects");
  const count = (n: SuppressedNumber) => ("value" in n ? String(n.value) : n.reason === "protects_smaller_group" ? protects : fewer);
  return (
    <section aria-labelledby="cohorts-title">
      <h2 id="cohorts-title">{t("wellbeing.cohorts.title")}</h2>
      {d.canManage ? (
        <p>
          <Link to={`${d.base}/cohorts`}>{t("wellbeing.cohorts.manage")}</Link>
        </p>
      ) : null}
      {d.cohorts.length === 0 ? <p>{t("wellbeing.cohorts.none")}</p> : null}
      {d.cohortSummaries.map((s) => {
        const cohort = d.cohorts.find((c) => c.id === s.cohortId);
        const a = s.attendance;
        return (
          <div key={s.cohortId} className="wb-cohort" data-testid="wellbeing-cohort">
            <h3>{s.name}</h3>
            <dl className="ws-facts">
              <dt>{t("wellbeing.cohorts.dates")}</dt>
              <dd>{cohort?.startsOn || cohort?.endsOn ? `${cohort?.startsOn ?? ""} – ${cohort?.endsOn ?? ""}` : "—"}</dd>
              <dt>{t("wellbeing.cohorts.facilitators")}</dt>
              <dd>{cohort?.facilitators.length ? cohort.facilitators.map((p) => p.displayName).join(", ") : "—"}</dd>
              <dt>{t("wellbeing.cohorts.members")}</dt>
              <dd>{a ? a.members : "—"}</dd>
              <dt>{t("wellbeing.cohorts.sessions")}</dt>
              <dd>{a ? a.sessions : "—"}</dd>
              <dt>{t("wellbeing.cohorts.attendedAny")}</dt>
              <dd>{a ? a.attendedAny : "—"}</dd>
              <dt>{t("wellbeing.cohorts.meanAttended")}</dt>
              <dd>{a?.meanSessionsAttended == null ? "—" : f.one(a.meanSessionsAttended)}</dd>
              <dt>{t("wellbeing.cohorts.attendanceRate")}</dt>
              <dd>{a?.attendanceRate == null ? "—" : f.percent(a.attendanceRate)}</dd>
            </dl>
            {s.satisfaction.length > 0 ? (
              <DataTable columns={["wellbeing.cohorts.question", "wellbeing.cohorts.answered", "wellbeing.cohorts.average"]}>
                {s.satisfaction.map((item) => {
                  const labels = d.satisfactionLabels[item.itemId];
                  return (
                    <tr key={item.itemId}>
                      <th scope="row">{labels?.text ?? item.itemId}</th>
                      <td>{count(item.answered)}</td>
                      <td>
                        {item.options.length > 0
                          ? item.options.map((o) => `${labels?.options[o.value] ?? o.value}: ${count(o.n)}`).join("; ")
                          : item.mean === null
                            ? "—"
                            : f.one(item.mean)}
                      </td>
                    </tr>
                  );
                })}
              </DataTable>
            ) : null}
          </div>
        );
      })}
    </section>
  );
}
