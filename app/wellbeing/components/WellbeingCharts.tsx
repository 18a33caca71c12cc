import { Bar, BarChart, CartesianGrid, ReferenceLine, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from "recharts";
import type { BandRow, ChangeBin, PairPoint } from "../chart-data";
import { StaticBars, StaticScatter } from "./StaticSvg";
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

function binLabel(bin: ChangeBin, format: (n: number) => string) {
  return bin.from === bin.to ? format(bin.from) : `${format(bin.from)}–${format(bin.to)}`;
}

/** How many people changed by how much. */
export function ChangeChart(props: { bins: ChangeBin[]; format: (n: number) => string; labels: { change: string; people: string } }) {
  const hydrated = useHydrated();
  const rows = props.bins.map((bin) => ({ label: binLabel(bin, props.format), people: bin.people }));
  if (!hydrated) {
    return (
      <StaticBars
        categories={rows.map((r) => r.label)}
        series={[{ key: "people", colour: "#1d70b8", values: rows.map((r) => r.people) }]}
        xLabel={props.labels.change}
        yLabel={props.labels.people}
      />
    );
  }
  return (
    <BarChart width={WIDTH} height={HEIGHT} data={rows} margin={{ top: 16, right: 16, bottom: 24, left: 8 }}>
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis dataKey="label" label={{ value: props.labels.change, position: "insideBottom", offset: -12 }} />
      <YAxis allowDecimals={false} label={{ value: props.labels.people, angle: -90, position: "insideLeft" }} />
      <Tooltip />
      <Bar dataKey="people" name={props.labels.people} fill="#1d70b8" isAnimationActive={false} />
    </BarChart>
  );
}

/** One bar per band before, split by the band after. */
export function BandsChart(props: {
  rows: BandRow[];
  bandIds: string[];
  bandLabel: (id: string) => string;
  labels: { before: string; people: string };
}) {
  const hydrated = useHydrated();
  if (!hydrated) {
    return (
      <StaticBars
        categories={props.rows.map((r) => props.bandLabel(r.from))}
        series={props.bandIds.map((id, i) => ({ key: id, colour: bandColour(i), values: props.rows.map((r) => r.to[id] ?? 0) }))}
        xLabel={props.labels.before}
        yLabel={props.labels.people}
      />
    );
  }
  const data = props.rows.map((r) => ({ band: props.bandLabel(r.from), ...r.to }));
  return (
    <BarChart width={WIDTH} height={HEIGHT} data={data} margin={{ top: 16, right: 16, bottom: 24, left: 8 }}>
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis dataKey="band" label={{ value: props.labels.before, position: "insideBottom", offset: -12 }} />
      <YAxis allowDecimals={false} label={{ value: props.labels.people, angle: -90, position: "insideLeft" }} />
      <Tooltip />
      {props.bandIds.map((id, i) => (
        <Bar key={id} dataKey={id} name={props.bandLabel(id)} stackId="after" fill={bandColour(i)} isAnimationActive={false} />
      ))}
    </BarChart>
  );
}
