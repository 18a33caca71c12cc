import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { workspaceHeaders } from "~/auth/headers";
import { getLanguage } from "~/i18n/languages";
import { useI18n } from "~/i18n/react";
import { requestLanguage } from "~/i18n/request.server";
import { ChartFigure } from "~/wellbeing/components/ChartFigure";
import { BandsChart, ChangeChart, PairsChart } from "~/wellbeing/components/WellbeingCharts";
import type { PairedComparison } from "~/wellbeing/statistics";
import { wellbeingView, type WellbeingView } from "~/wellbeing/view.server";
import { requireStudyMember } from "~/workspace/request.server";

export const headers = workspaceHeaders;
/** Opts in to the app's scripts so recharts can take over the server-drawn charts (docs/decisions/042-charts-without-javascript.md). */
export const handle = { hydrate: true };

/**
 * A study's pre/post wellbeing: plain words first, then the table, then the charts (each with its
 * text and table alternative and a CSV), subgroups, and each group's attendance and satisfaction.
 * Figures come from app/wellbeing (checked against R); a group under 5 pairs shows no figures.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member, study } = await requireStudyMember(request, context, params, "dashboard:read");
  const url = new URL(request.url);
  const view = await wellbeingView(
    member.db,
    { organisationId: member.organisation.id, studyId: study.id },
    {
      measureId: url.searchParams.get("measure"),
      cohortId: url.searchParams.get("cohort"),
      by: url.searchParams.get("by"),
      before: url.searchParams.get("before"),
      after: url.searchParams.get("after"),
    },
    requestLanguage(request),
  );
  return {
    ...view,
    base: `/research/${member.organisation.slug}/studies/${study.slug}/wellbeing`,
    canExport: member.can("export:raw"),
    canManage: member.can("fieldwork:record"),
  };
}

type Data = Omit<WellbeingView, "cohorts"> & { cohorts: WellbeingView["cohorts"]; base: string; canExport: boolean; canManage: boolean };

function useFormat() {
  const { language } = useI18n();
  const one = new Intl.NumberFormat(language, { maximumFractionDigits: 1 });
  const three = new Intl.NumberFormat(language, { maximumFractionDigits: 3 });
  const percent = new Intl.NumberFormat(language, { style: "percent", maximumFractionDigits: 0 });
  const p = (value: number) => (value < 0.001 ? `< ${three.format(0.001)}` : three.format(value));
  return { one: (v: number) => one.format(v), three: (v: number) => three.format(v), percent: (v: number) => percent.format(v), p };
}

function PlainWords({ d }: { d: Data }) {
  const { t } = useI18n();
  const f = useFormat();
  const m = d.measure!;
  const c = d.comparison;
  if (!c) return <p data-testid="wellbeing-summary">{t(d.withheld === "protects_smaller_group" ? "wellbeing.summary.protectsSmaller" : "wellbeing.summary.tooFew")}</p>;
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
        {m.meaningfulChange
          ? t("wellbeing.summary.meaningful", { improved: c.improved, worsened: c.worsened, unchanged: c.unchanged, threshold: f.one(m.meaningfulChange) })
          : t("wellbeing.summary.anyChange", { improved: c.improved, worsened: c.worsened, unchanged: c.unchanged })}
      </p>
      {c.p_t !== null ? <p>{t(c.p_t < 0.05 ? "wellbeing.summary.likely" : "wellbeing.summary.couldBeChance", { p: f.p(c.p_t) })}</p> : null}
    </div>
  );
}

/** A line per measure, in plain words, each linking to its full comparison below. */
function Overview({ d }: { d: Data }) {
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
          const direction = change === 0 ? "same" : change > 0 === m.higherIsBetter ? "better" : "worse";
          const values = {
            pairs: h?.nPairs ?? 0,
            points: f.one(Math.abs(change)),
            min: f.one(m.range.min),
            max: f.one(m.range.max),
            direction: change > 0 ? "rose" : change < 0 ? "fell" : "same",
            meaning: direction,
            p: h?.pT == null ? "" : f.p(h.pT),
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

function ComparisonTable({ d, c }: { d: Data; c: PairedComparison }) {
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
    ["ci95", c.ci95_low === null || c.ci95_high === null ? none : t("wellbeing.table.range", { low: f.three(c.ci95_low), high: f.three(c.ci95_high) })],
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
    rows.push(["reliablyImproved", String(rc.reliably_improved)]);
    rows.push(["noReliableChange", String(rc.no_reliable_change)]);
    rows.push(["reliablyDeteriorated", String(rc.reliably_deteriorated)]);
  }
  return (
    <table className="ws-table" data-testid="wellbeing-table">
      <caption>{t("wellbeing.table.caption", { measure: d.measure!.name })}</caption>
      <thead>
        <tr>
          <th scope="col">{t("wellbeing.table.figure")}</th>
          <th scope="col">{t("wellbeing.table.value")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([key, value]) => (
          <tr key={key}>
            <th scope="row">{t(`wellbeing.table.${key}`)}</th>
            <td>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Other timepoints than pre and post travel in links; the defaults keep links as they were. */
function setTimepoints(d: Data, params: URLSearchParams) {
  if (d.query.before !== "pre" || d.query.after !== "post") {
    params.set("before", d.query.before);
    params.set("after", d.query.after);
  }
}

function chartHref(d: Data, chart: string) {
  const params = new URLSearchParams({ chart, measure: d.query.measureId ?? "" });
  if (d.query.cohortId) params.set("cohort", d.query.cohortId);
  setTimepoints(d, params);
  return `${d.base}/chart.csv?${params}`;
}

function Charts({ d }: { d: Data }) {
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
        summary={t("wellbeing.chart.pairs.summary", { higher: charts.directions.higher, lower: charts.directions.lower, same: charts.directions.same })}
        chart={<PairsChart points={charts.points} range={m.range} labels={{ before: t("wellbeing.chart.before"), after: t("wellbeing.chart.after"), people: t("wellbeing.chart.people") }} />}
        table={
          <table className="ws-table">
            <thead>
              <tr>
                <th scope="col">{t("wellbeing.chart.before")}</th>
                <th scope="col">{t("wellbeing.chart.after")}</th>
                <th scope="col">{t("wellbeing.chart.people")}</th>
              </tr>
            </thead>
            <tbody>
              {charts.points.map((p) => (
                <tr key={`${p.before}:${p.after}`}>
                  <td>{f.one(p.before)}</td>
                  <td>{f.one(p.after)}</td>
                  <td>{p.people}</td>
                </tr>
              ))}
            </tbody>
          </table>
        }
        downloadHref={chartHref(d, "pairs")}
      />
      <ChartFigure
        id="chart-change"
        title={t("wellbeing.chart.change.title")}
        description={t("wellbeing.chart.change.description")}
        summary={t("wellbeing.chart.change.summary", { lowest: signed(Math.min(...changes)), highest: signed(Math.max(...changes)), mean: signed(c.mean_change ?? 0) })}
        chart={<ChangeChart bins={charts.bins} format={signed} labels={{ change: t("wellbeing.chart.change"), people: t("wellbeing.chart.people") }} />}
        table={
          <table className="ws-table">
            <thead>
              <tr>
                <th scope="col">{t("wellbeing.chart.change")}</th>
                <th scope="col">{t("wellbeing.chart.people")}</th>
              </tr>
            </thead>
            <tbody>
              {charts.bins.map((b) => (
                <tr key={`${b.from}:${b.to}`}>
                  <td>{b.from === b.to ? signed(b.from) : `${signed(b.from)} – ${signed(b.to)}`}</td>
                  <td>{b.people}</td>
                </tr>
              ))}
            </tbody>
          </table>
        }
        downloadHref={chartHref(d, "change")}
      />
      {charts.bandMoves && m.bands.length > 0 ? (
        <ChartFigure
          id="chart-bands"
          title={t("wellbeing.chart.bands.title")}
          description={t("wellbeing.chart.bands.description")}
          summary={t("wellbeing.chart.bands.summary", charts.bandMoves)}
          chart={<BandsChart rows={charts.bandRows} bandIds={m.bands.map((b) => b.id)} bandLabel={bandLabel} labels={{ before: t("wellbeing.chart.bands.from"), people: t("wellbeing.chart.people") }} />}
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

function Subgroups({ d }: { d: Data }) {
  const { t } = useI18n();
  const f = useFormat();
  if (d.subgroupsNeedAllCohorts) return <p data-testid="wellbeing-subgroups-all">{t("wellbeing.subgroups.allCohortsOnly")}</p>;
  if (!d.subgroups) return null;
  const fewer = t("common.fewerThanFive");
  const label = (key: string, fallback: string) => (key === "" ? t("wellbeing.subgroups.noValue") : d.query.by === "language" ? getLanguage(key).endonym : fallback);
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

function CohortSummaries({ d }: { d: Data }) {
  const { t } = useI18n();
  const f = useFormat();
  const fewer = t("common.fewerThanFive");
  const count = (n: { value: number } | { suppressed: true }) => ("value" in n ? String(n.value) : fewer);
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
              <table className="ws-table">
                <thead>
                  <tr>
                    <th scope="col">{t("wellbeing.cohorts.question")}</th>
                    <th scope="col">{t("wellbeing.cohorts.answered")}</th>
                    <th scope="col">{t("wellbeing.cohorts.average")}</th>
                  </tr>
                </thead>
                <tbody>
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
                </tbody>
              </table>
            ) : null}
          </div>
        );
      })}
    </section>
  );
}

export default function Wellbeing() {
  const { t } = useI18n();
  const d = useLoaderData<typeof loader>() as Data;
  return (
    <main id="main" className="ws-main wb-page">
      <h1>{t("wellbeing.title")}</h1>
      <p className="ws-muted">{t("wellbeing.intro")}</p>
      {d.measures.length === 0 || !d.measure ? (
        <p>{t("wellbeing.noMeasures")}</p>
      ) : (
        <>
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
                      {o.value === "cohort" ? t("wellbeing.filter.byCohort") : o.value === "language" ? t("wellbeing.filter.byLanguage") : o.label}
                    </option>
                  ))}
                </select>
              </label>{" "}
              <button type="submit">{t("wellbeing.filter.show")}</button>
            </fieldset>
          </Form>

          <Overview d={d} />
          <h2>{d.measure.name}</h2>
          <PlainWords d={d} />
          {d.counts ? <p className="ws-muted">{t("wellbeing.summary.counts", { pre: d.counts.nPre, post: d.counts.nPost })}</p> : null}
          {d.comparison ? <ComparisonTable d={d} c={d.comparison} /> : null}
          {d.charts ? <Charts d={d} /> : null}
          {d.measure.attribution ? <p className="ws-muted wb-attribution">{d.measure.attribution}</p> : null}
          <Subgroups d={d} />
          <CohortSummaries d={d} />

          {d.canExport ? (
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
          ) : null}
        </>
      )}
    </main>
  );
}
