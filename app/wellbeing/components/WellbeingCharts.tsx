import { Bar, BarChart, CartesianGrid, ReferenceLine, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from "recharts";
import type { BandRow, ChangeBin, PairPoint } from "../chart-data";
import { numericTicks, StaticBars, StaticHistogram, StaticScatter } from "./StaticSvg";
import { useHydrated } from "./useHydrated";

const WIDTH = 560;
const HEIGHT = 320;
/** Colour-blind-safe (Okabe–Ito), from worst band to best; a band's colour never carries meaning alone. */
const BAND_COLOURS = ["#D55E00", "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#CC79A7"];

export function bandColour(index: number) {
  return BAND_COLOURS[index % BAND_COLOURS.length]!;
}

/** Each pair's before (across) and after (up); the dashed diagonal is "no change". */
export function PairsChart(props: {
  points: PairPoint[];
  range: { min: number; max: number };
  labels: { before: string; after: string; people: string };
}) {
  const hydrated = useHydrated();
  const domain: [number, number] = [props.range.min, props.range.max];
  if (!hydrated) {
    return (
      <StaticScatter
        points={props.points.map((p) => ({ x: p.before, y: p.after, n: p.people }))}
        domain={domain}
        xLabel={props.labels.before}
        yLabel={props.labels.after}
      />
    );
  }
  return (
    <ScatterChart width={WIDTH} height={HEIGHT} margin={{ top: 16, right: 16, bottom: 24, left: 8 }}>
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis
        type="number"
        dataKey="before"
        name={props.labels.before}
        domain={domain}
        label={{ value: props.labels.before, position: "insideBottom", offset: -12 }}
      />
      <YAxis
        type="number"
        dataKey="after"
        name={props.labels.after}
        domain={domain}
        label={{ value: props.labels.after, angle: -90, position: "insideLeft" }}
      />
      <ZAxis type="number" dataKey="people" name={props.labels.people} range={[40, 400]} />
      <ReferenceLine
        segment={[
          { x: domain[0], y: domain[0] },
          { x: domain[1], y: domain[1] },
        ]}
        strokeDasharray="4 4"
      />
      <Tooltip cursor={{ strokeDasharray: "3 3" }} />
      <Scatter data={props.points} fill="#1d70b8" fillOpacity={0.7} isAnimationActive={false} />
    </ScatterChart>
  );
}

/**
 * Each bin as an interval on the change scale: a bin of one distinct change is as wide as the
 * smallest step between changes and centred on it; a range bin spans its edges.
 */
export function histogramBars(bins: readonly ChangeBin[]) {
  const values = bins.filter((b) => b.from === b.to).map((b) => b.from);
  const gaps = values.slice(1).map((v, i) => v - values[i]!);
  const step = gaps.length ? Math.min(...gaps) : 1;
  const bars = bins.map((b) =>
    b.from === b.to
      ? { from: b.from - step / 2, to: b.from + step / 2, people: b.people, mid: b.from }
      : { ...b, mid: (b.from + b.to) / 2 },
  );
  // Zero ("no change") is always on the axis, so which side a bar is on can be seen.
  const domain: [number, number] = [Math.min(0, ...bars.map((b) => b.from)), Math.max(0, ...bars.map((b) => b.to))];
  return { bars, domain };
}

/** How many people changed by how much, on a numeric axis of change. */
export function ChangeChart(props: { bins: ChangeBin[]; format: (n: number) => string; labels: { change: string; people: string } }) {
  const hydrated = useHydrated();
  const { bars, domain } = histogramBars(props.bins);
  if (!hydrated) {
    return (
      <StaticHistogram
        bars={bars}
        domain={domain}
        format={props.format}
        xLabel={props.labels.change}
        yLabel={props.labels.people}
        colour="#1d70b8"
      />
    );
  }
  const plotWidth = WIDTH - 16 - 8 - 60;
  const barSize = Math.max(2, ((bars[0] ? bars[0].to - bars[0].from : 1) / (domain[1] - domain[0] || 1)) * plotWidth - 2);
  return (
    <BarChart width={WIDTH} height={HEIGHT} data={bars} margin={{ top: 16, right: 16, bottom: 24, left: 8 }} barSize={barSize}>
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis
        type="number"
        dataKey="mid"
        domain={domain}
        ticks={numericTicks(domain[0], domain[1])}
        tickFormatter={props.format}
        label={{ value: props.labels.change, position: "insideBottom", offset: -12 }}
      />
      <YAxis allowDecimals={false} label={{ value: props.labels.people, angle: -90, position: "insideLeft" }} />
      <Tooltip labelFormatter={(v) => props.format(Number(v))} />
      <Bar dataKey="people" name={props.labels.people} fill="#1d70b8" isAnimationActive={false} />
    </BarChart>
  );
}

/** The key to a stacked chart's colours, as HTML so it is the same with and without JavaScript. */
export function ChartLegend(props: { title: string; items: { label: string; colour: string }[] }) {
  return (
    <div className="wb-legend" data-testid="chart-legend">
      <p className="wb-legend-title">{props.title}</p>
      <ul style={{ listStyle: "none", padding: 0, margin: 0, display: "flex", flexWrap: "wrap", gap: "0.25rem 1rem" }}>
        {props.items.map((item) => (
          <li key={item.label}>
            <svg width="14" height="14" aria-hidden="true" focusable="false">
              <rect width="14" height="14" fill={item.colour} />
            </svg>{" "}
            {item.label}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** One bar per band before, split by the band after. */
export function BandsChart(props: {
  rows: BandRow[];
  bandIds: string[];
  bandLabel: (id: string) => string;
  labels: { before: string; people: string; legend: string };
}) {
  const hydrated = useHydrated();
  // Every stacked chart carries its legend: a colour alone does not say which band it is.
  const legend = (
    <ChartLegend
      title={props.labels.legend}
      items={props.bandIds.map((id, i) => ({ label: props.bandLabel(id), colour: bandColour(i) }))}
    />
  );
  if (!hydrated) {
    return (
      <>
        <StaticBars
          categories={props.rows.map((r) => props.bandLabel(r.from))}
          series={props.bandIds.map((id, i) => ({ key: id, colour: bandColour(i), values: props.rows.map((r) => r.to[id] ?? 0) }))}
          xLabel={props.labels.before}
          yLabel={props.labels.people}
        />
        {legend}
      </>
    );
  }
  const data = props.rows.map((r) => ({ band: props.bandLabel(r.from), ...r.to }));
  return (
    <>
      <BarChart width={WIDTH} height={HEIGHT} data={data} margin={{ top: 16, right: 16, bottom: 24, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="band" label={{ value: props.labels.before, position: "insideBottom", offset: -12 }} />
        <YAxis allowDecimals={false} label={{ value: props.labels.people, angle: -90, position: "insideLeft" }} />
        <Tooltip />
        {props.bandIds.map((id, i) => (
          <Bar key={id} dataKey={id} name={props.bandLabel(id)} stackId="after" fill={bandColour(i)} isAnimationActive={false} />
        ))}
      </BarChart>
      {legend}
    </>
  );
}
