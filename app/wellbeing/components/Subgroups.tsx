import { getLanguage } from "~/i18n/languages";
import { useI18n } from "~/i18n/react";
import { type WellbeingPageData, useFormat } from "./page-data";
import { DataTable } from "~/workspace/components/DataTable";

export function Subgroups({ d }: { d: WellbeingPageData }) {
  const { t } = useI18n();
  const f = useFormat();
  if (d.subgroupsNeedAllCohorts) return <p data-testid="wellbeing-subgroups-all">{t("wellbeing.subgroups.allCohortsOnly")}</p>;
  if (!d.subgroups) return null;
  const fewer = t("common.fewerThanFive");
  // A group of 6 hidden only so that a smaller one cannot be subtracted out is not "fewer than 5".
  const protects = t("wellbeing.hidden.protects");
  const label = (key: string, fallback: string) =>
    key === "" ? t("wellbeing.subgroups.noValue") : d.query.by === "language" ? getLanguage(key).endonym : fallback;
  return (
    <section aria-labelledby="subgroups-title">
      <h2 id="subgroups-title">{t("wellbeing.subgroups.title")}</h2>
      <p className="ws-muted">{t("wellbeing.subgroups.suppressedNote")}</p>
      <DataTable
        columns={[
          "wellbeing.subgroups.group",
          "wellbeing.table.n_pairs",
          "wellbeing.table.mean_pre",
          "wellbeing.table.mean_post",
          "wellbeing.table.mean_change",
          "wellbeing.table.p_t",
          "wellbeing.table.improved",
          "wellbeing.table.unchanged",
          "wellbeing.table.worsened",
        ]}
        testId="wellbeing-subgroups"
      >
        {d.subgroups.map((row) => (
          <tr key={row.key}>
            <th scope="row">{label(row.key, row.label)}</th>
            {row.comparison ? (
              <>
                <td>{row.comparison.n_pairs}</td>
                <td>{row.comparison.mean_pre === null ? "—" : f.one(row.comparison.mean_pre)}</td>
                <td>{row.comparison.mean_post === null ? "—" : f.one(row.comparison.mean_post)}</td>
                <td>{row.comparison.mean_change === null ? "—" : f.one(row.comparison.mean_change)}</td>
                <td>{row.comparison.p_t === null ? "—" : f.p(row.comparison.p_t)}</td>
                <td>{row.comparison.improved}</td>
                <td>{row.comparison.unchanged}</td>
                <td>{row.comparison.worsened}</td>
              </>
            ) : (
              <td colSpan={8}>{row.hidden === "protects_smaller_group" ? protects : fewer}</td>
            )}
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
