import { getLanguage } from "~/i18n/languages";
import { useI18n } from "~/i18n/react";
import { type WellbeingPageData, useFormat } from "./page-data";

export function Subgroups({ d }: { d: WellbeingPageData }) {
  const { t } = useI18n();
  const f = useFormat();
  if (d.subgroupsNeedAllCohorts) return <p data-testid="wellbeing-subgroups-all">{t("wellbeing.subgroups.allCohortsOnly")}</p>;
  if (!d.subgroups) return null;
  const fewer = t("common.fewerThanFive");
  const label = (key: string, fallback: string) =>
    key === "" ? t("wellbeing.subgroups.noValue") : d.query.by === "language" ? getLanguage(key).endonym : fallback;
  return (
    <section aria-labelledby="subgroups-title">
      <h2 id="subgroups-title">{t("wellbeing.subgroups.title")}</h2>
      <p className="ws-muted">{t("wellbeing.subgroups.suppressedNote")}</p>
      <table className="ws-table" data-testid="wellbeing-subgroups">
        <thead>
          <tr>
            <th scope="col">{t("wellbeing.subgroups.group")}</th>
            <th scope="col">{t("wellbeing.table.n_pairs")}</th>
            <th scope="col">{t("wellbeing.table.mean_pre")}</th>
            <th scope="col">{t("wellbeing.table.mean_post")}</th>
            <th scope="col">{t("wellbeing.table.mean_change")}</th>
            <th scope="col">{t("wellbeing.table.p_t")}</th>
            <th scope="col">{t("wellbeing.table.improved")}</th>
            <th scope="col">{t("wellbeing.table.unchanged")}</th>
            <th scope="col">{t("wellbeing.table.worsened")}</th>
          </tr>
        </thead>
        <tbody>
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
                <td colSpan={8}>{fewer}</td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
