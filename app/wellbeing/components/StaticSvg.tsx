/**
 * The charts as plain SVG, drawn on the server (and in the first browser render, so hydration
 * matches): what a reader without JavaScript sees in place of the recharts version. Deliberately
 * plain: axes, ticks at the ends and the middle, and the marks.
 */
const WIDTH = 560;
const HEIGHT = 320;
const PAD = { left: 48, right: 16, top: 16, bottom: 40 };

function scale(domain: [number, number], range: [number, number]) {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return (v: number) => r0 + ((v - d0) / span) * (r1 - r0);
}

function ticks([min, max]: [number, number]): number[] {
  return [...new Set([min, (min + max) / 2, max])];
}

function format(v: number) {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

function Axes(props: {
  x: [number, number];
  y: [number, number];
  xLabel: string;
  yLabel: string;
  xTicks?: { at: number; label: string }[];
  /** "numeric" when x positions are values on a linear scale (the histogram), for readers and tests. */
  xKind?: "numeric" | "category";
}) {
  const sx = scale(props.x, [PAD.left, WIDTH - PAD.right]);
  const sy = scale(props.y, [HEIGHT - PAD.bottom, PAD.top]);
  const xTicks = props.xTicks ?? ticks(props.x).map((at) => ({ at, label: format(at) }));
  return (
    <g fontSize="12" fill="currentColor" data-x-axis={props.xKind ?? "numeric"}>
      <line x1={PAD.left} y1={HEIGHT - PAD.bottom} x2={WIDTH - PAD.right} y2={HEIGHT - PAD.bottom} stroke="currentColor" />
      <line x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={HEIGHT - PAD.bottom} stroke="currentColor" />
      {xTicks.map((tick) => (
        <text key={`x${tick.at}`} x={sx(tick.at)} y={HEIGHT - PAD.bottom + 16} textAnchor="middle" data-value={tick.at}>
          {tick.label}
        </text>
      ))}
      {ticks(props.y).map((tick) => (
        <text key={`y${tick}`} x={PAD.left - 6} y={sy(tick) + 4} textAnchor="end">
          {format(tick)}
        </text>
      ))}
      <text x={(PAD.left + WIDTH - PAD.right) / 2} y={HEIGHT - 6} textAnchor="middle">
        {props.xLabel}
      </text>
      <text
        x={12}
        y={(PAD.top + HEIGHT - PAD.bottom) / 2}
        textAnchor="middle"
        transform={`rotate(-90 12 ${(PAD.top + HEIGHT - PAD.bottom) / 2})`}
      >
        {props.yLabel}
      </text>
    </g>
  );
}

export function StaticScatter(props: {
  points: { x: number; y: number; n: number }[];
  domain: [number, number];
  xLabel: string;
  yLabel: string;
}) {
  const sx = scale(props.domain, [PAD.left, WIDTH - PAD.right]);
  const sy = scale(props.domain, [HEIGHT - PAD.bottom, PAD.top]);
  const most = Math.max(1, ...props.points.map((p) => p.n));
  return (
    <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" role="presentation" className="wb-static-chart">
      <Axes x={props.domain} y={props.domain} xLabel={props.xLabel} yLabel={props.yLabel} />
      <line
        x1={sx(props.domain[0])}
        y1={sy(props.domain[0])}
        x2={sx(props.domain[1])}
        y2={sy(props.domain[1])}
        stroke="currentColor"
        strokeDasharray="4 4"
        opacity="0.6"
      />
      {props.points.map((p) => (
        <circle key={`${p.x}:${p.y}`} cx={sx(p.x)} cy={sy(p.y)} r={3 + 7 * Math.sqrt(p.n / most)} fill="#1d70b8" fillOpacity="0.7" />
      ))}
    </svg>
  );
}

export function StaticBars(props: {
  categories: string[];
  /** One series per stack layer; a single series for a plain bar chart. */
  series: { key: string; colour: string; values: number[] }[];
  xLabel: string;
  yLabel: string;
}) {
  const totals = props.categories.map((_, i) => props.series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const top = Math.max(1, ...totals);
  const sy = scale([0, top], [HEIGHT - PAD.bottom, PAD.top]);
  const band = (WIDTH - PAD.left - PAD.right) / Math.max(1, props.categories.length);
  const barWidth = Math.max(2, band * 0.7);
  return (
    <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" role="presentation" className="wb-static-chart">
      <Axes
        x={[0, props.categories.length]}
        y={[0, top]}
        xLabel={props.xLabel}
        yLabel={props.yLabel}
        xTicks={props.categories.length <= 12 ? props.categories.map((label, i) => ({ at: i + 0.5, label })) : []}
        xKind="category"
      />
      {props.categories.map((category, i) => {
        let base = 0;
        return (
          <g key={category}>
            {props.series.map((s) => {
              const value = s.values[i] ?? 0;
              const y0 = sy(base);
              base += value;
              const y1 = sy(base);
              return value > 0 ? (
                <rect
                  key={s.key}
                  x={PAD.left + i * band + (band - barWidth) / 2}
                  y={y1}
                  width={barWidth}
                  height={y0 - y1}
                  fill={s.colour}
                />
              ) : null;
            })}
          </g>
        );
      })}
    </svg>
  );
}

/** Round tick values covering [min, max], zero included when inside: a numeric axis a reader can measure against. */
export function numericTicks(min: number, max: number, most = 8): number[] {
  const span = max - min || 1;
  const raw = span / most;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => span / s <= most) ?? 10 * power;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toFixed(10)) + 0);
  return out;
}

/**
 * The change histogram on a true numeric x axis (issue 14 item 8): each bar spans its bin's edges
 * on a linear scale, so gaps between changes and the distance from zero are drawn to scale, not as
 * evenly spaced category labels.
 */
export function StaticHistogram(props: {
  bars: { from: number; to: number; people: number }[];
  domain: [number, number];
  format: (n: number) => string;
  xLabel: string;
  yLabel: string;
  colour: string;
}) {
  const top = Math.max(1, ...props.bars.map((b) => b.people));
  const sx = scale(props.domain, [PAD.left, WIDTH - PAD.right]);
  const sy = scale([0, top], [HEIGHT - PAD.bottom, PAD.top]);
  const xTicks = numericTicks(props.domain[0], props.domain[1]).map((at) => ({ at, label: props.format(at) }));
  return (
    <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" role="presentation" className="wb-static-chart">
      <Axes x={props.domain} y={[0, top]} xLabel={props.xLabel} yLabel={props.yLabel} xTicks={xTicks} xKind="numeric" />
      {props.bars.map((b) =>
        b.people > 0 ? (
          <rect
            key={`${b.from}:${b.to}`}
            x={sx(b.from) + 1}
            y={sy(b.people)}
            width={Math.max(2, sx(b.to) - sx(b.from) - 2)}
            height={sy(0) - sy(b.people)}
            fill={props.colour}
            data-from={b.from}
            data-to={b.to}
          />
        ) : null,
      )}
    </svg>
  );
}
