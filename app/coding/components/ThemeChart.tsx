import { useEffect, useState } from "react";
import { Bar, BarChart, CartesianGrid, Cell, XAxis, YAxis } from "recharts";

export interface ThemeBar {
  name: string;
  people: number;
  colour: string;
}

/**
 * People per theme, horizontal bars. Recharts 3 draws nothing on the server, so the server (and a
 * browser without JavaScript) gets the same bars as a plain SVG; recharts takes over after
 * hydration. The table beside it carries the same numbers for screen readers and print.
 */
export function ThemeChart({ bars, label }: { bars: ThemeBar[]; label: string }) {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const rowHeight = 28;
  const height = Math.max(60, bars.length * rowHeight + 30);
  const width = 640;
  if (hydrated) {
    return (
      <BarChart width={width} height={height} data={bars} layout="vertical" margin={{ left: 10, right: 20 }} accessibilityLayer>
        <CartesianGrid horizontal={false} />
        <XAxis type="number" allowDecimals={false} />
        <YAxis type="category" dataKey="name" width={220} />
        <Bar dataKey="people" name={label} isAnimationActive={false}>
          {bars.map((b) => (
            <Cell key={b.name} fill={b.colour} stroke="#0b0c0c" />
          ))}
        </Bar>
      </BarChart>
    );
  }
  const max = Math.max(1, ...bars.map((b) => b.people));
  const left = 230;
  const span = width - left - 40;
  return (
    <svg width={width} height={height} role="img" aria-label={label} viewBox={`0 0 ${width} ${height}`}>
      {bars.map((b, i) => (
        <g key={b.name} transform={`translate(0 ${i * rowHeight + 5})`}>
          <text x={left - 8} y={rowHeight / 2 + 4} textAnchor="end" fontSize="12">
            {b.name.length > 34 ? `${b.name.slice(0, 33)}…` : b.name}
          </text>
          <rect x={left} y={4} width={(b.people / max) * span} height={rowHeight - 10} fill={b.colour} stroke="#0b0c0c" />
          <text x={left + (b.people / max) * span + 4} y={rowHeight / 2 + 4} fontSize="12">
            {b.people}
          </text>
        </g>
      ))}
    </svg>
  );
}
