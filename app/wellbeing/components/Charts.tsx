import { useI18n } from "~/i18n/react";
import { ChartFigure } from "./ChartFigure";
import { BandsChart, ChangeChart, PairsChart } from "./WellbeingCharts";
import { chartHref, type WellbeingPageData, useFormat } from "./page-data";
import { DataTable } from "~/workspace/components/DataTable";

/** The three charts, each with its words, table and CSV (docs/decisions/042-charts-without-javascript.md). */
export function Charts({ d }: { d: WellbeingPageData }) {
  const { t } = useI18n();
  const f = useFormat();
  const charts = d.charts!;
  const m = d.measure!;
  const c = d.comparison!;
  const bandLabel = (id: string) => m.bands.find((b) => b.id === id)?.label ?? id;
  const signed = (v: number) => (v > 0 ? `+${f.one(v)}` : f.one(v));
  const changes = charts.bins.flatMap((b) => [b.from, b.to]);
  return (
    <>
      <ChartFigure
        id="chart-pairs"
        title={t("wellbeing.chart.pairs.title")}
        description={t("wellbeing.chart.pairs.description")}
        // The same counts, from the same definition, as the plain words and the table.
        summary={t("wellbeing.chart.pairs.summary", { improved: c.improved, worsened: c.worsened, unchanged: c.unchanged })}
        chart={
          <PairsChart
            points={charts.points}
            range={m.range}
            labels={{ before: t("wellbeing.chart.before"), after: t("wellbeing.chart.after"), people: t("wellbeing.chart.people") }}
          />
        }
        table={
          <DataTable columns={["wellbeing.chart.before", "wellbeing.chart.after", "wellbeing.chart.people"]}>
            {charts.points.map((p) => (
              <tr key={`${p.before}:${p.after}`}>
                <td>{f.one(p.before)}</td>
                <td>{f.one(p.after)}</td>
                <td>{p.people}</td>
              </tr>
            ))}
          </DataTable>
        }
        downloadHref={chartHref(d, "pairs")}
      />
      <ChartFigure
        id="chart-change"
        title={t("wellbeing.chart.change.title")}
        description={t("wellbeing.chart.change.description")}
        summary={t("wellbeing.chart.change.summary", {
          lowest: signed(Math.min(...changes)),
          highest: signed(Math.max(...changes)),
          mean: signed(c.mean_change ?? 0),
        })}
        chart={
          <ChangeChart
            bins={charts.bins}
            format={signed}
            labels={{ change: t("wellbeing.chart.change"), people: t("wellbeing.chart.people") }}
          />
        }
        table={
          <DataTable columns={["wellbeing.chart.change", "wellbeing.chart.people"]}>
            {charts.bins.map((b) => (
              <tr key={`${b.from}:${b.to}`}>
                <td>{b.from === b.to ? signed(b.from) : `${signed(b.from)} – ${signed(b.to)}`}</td>
                <td>{b.people}</td>
              </tr>
            ))}
          </DataTable>
        }
        downloadHref={chartHref(d, "change")}
      />
      {charts.bandMoves && m.bands.length > 0 ? (
        <ChartFigure
          id="chart-bands"
          title={t("wellbeing.chart.bands.title")}
          description={t("wellbeing.chart.bands.description")}
          summary={t("wellbeing.chart.bands.summary", charts.bandMoves)}
          chart={
            <BandsChart
              rows={charts.bandRows}
              bandIds={m.bands.map((b) => b.id)}
              bandLabel={bandLabel}
              labels={{
                before: t("wellbeing.chart.bands.from"),
                people: t("wellbeing.chart.people"),
                legend: t("wellbeing.chart.bands.legend"),
              }}
            />
          }
          table={
            <table className="ws-table">
              <thead>
                <tr>
                  <th scope="col">{t("wellbeing.chart.bands.from")}</th>
                  {m.bands.map((b) => (
                    <th scope="col" key={b.id}>
                      {t("wellbeing.chart.bands.to", { band: b.label })}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {charts.bandRows.map((row) => (
                  <tr key={row.from}>
                    <th scope="row">{bandLabel(row.from)}</th>
                    {m.bands.map((b) => (
                      <td key={b.id}>{row.to[b.id] ?? 0}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          }
          downloadHref={chartHref(d, "bands")}
        />
      ) : null}
    </>
  );
}
