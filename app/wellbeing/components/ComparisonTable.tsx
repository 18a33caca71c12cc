import { useI18n } from "~/i18n/react";
import type { PairedComparison } from "~/wellbeing/statistics";
import { type WellbeingPageData, useFormat } from "./page-data";
import { DataTable } from "~/workspace/components/DataTable";

export function ComparisonTable({ d, c }: { d: WellbeingPageData; c: PairedComparison }) {
  const { t } = useI18n();
  const f = useFormat();
  const none = t("wellbeing.table.notComputable");
  const num = (v: number | null, format: (n: number) => string = f.three) => (v === null ? none : format(v));
  const rows: [string, string][] = [
    ["n_pre", String(c.n_pre)],
    ["n_post", String(c.n_post)],
    ["n_pairs", String(c.n_pairs)],
    ["mean_pre", num(c.mean_pre)],
    ["sd_pre", num(c.sd_pre)],
    ["mean_post", num(c.mean_post)],
    ["sd_post", num(c.sd_post)],
    ["mean_change", num(c.mean_change)],
    [
      "ci95",
      c.ci95_low === null || c.ci95_high === null
        ? none
        : t("wellbeing.table.range", { low: f.three(c.ci95_low), high: f.three(c.ci95_high) }),
    ],
    ["t", num(c.t)],
    ["df", num(c.df)],
    ["p_t", num(c.p_t, f.p)],
    ["wilcoxon_v", num(c.wilcoxon_v)],
    ["p_wilcoxon", num(c.p_wilcoxon, f.p)],
    ["wilcoxon_method", c.wilcoxon_exact === null ? none : t(c.wilcoxon_exact ? "wellbeing.table.exact" : "wellbeing.table.normal")],
    ["d_z", num(c.d_z)],
    ["improved", String(c.improved)],
    ["unchanged", String(c.unchanged)],
    ["worsened", String(c.worsened)],
  ];
  const rc = d.reliableChange;
  if (rc) {
    rows.push(["rciThreshold", f.three(rc.reliable_change_threshold)]);
    // Rose / fell, not "better" / "worse": "got better" has one definition on the page (improvementDefinition).
    const higher = d.measure!.higherIsBetter;
    rows.push(["rciRose", String(higher ? rc.reliably_improved : rc.reliably_deteriorated)]);
    rows.push(["noReliableChange", String(rc.no_reliable_change)]);
    rows.push(["rciFell", String(higher ? rc.reliably_deteriorated : rc.reliably_improved)]);
  }
  return (
    <DataTable
      columns={["wellbeing.table.figure", "wellbeing.table.value"]}
      testId="wellbeing-table"
      caption={<caption>{t("wellbeing.table.caption", { measure: d.measure!.name })}</caption>}
    >
      {rows.map(([key, value]) => (
        <tr key={key}>
          <th scope="row">{t(`wellbeing.table.${key}`)}</th>
          <td>{value}</td>
        </tr>
      ))}
    </DataTable>
  );
}
