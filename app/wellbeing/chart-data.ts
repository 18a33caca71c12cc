/**
 * What each wellbeing chart shows, as plain rows: the chart, its table alternative and its CSV
 * download are all drawn from the same rows, so they cannot disagree.
 */
import type { BandTransitions, ScorePair } from "./statistics";

export interface PairPoint {
  before: number;
  after: number;
  /** People with exactly this before and after score (scores on short scales often coincide). */
  people: number;
}

/** Pairs grouped by identical before/after scores, ordered by before then after. */
export function pairPoints(pairs: readonly ScorePair[]): PairPoint[] {
  // A report's pairs come ordered already (MeasureReport.pairs): equal pairs are neighbours, counted
  // in one pass without a key string per pair.
  let ordered = true;
  for (let i = 1; i < pairs.length && ordered; i++) {
    const a = pairs[i - 1]!;
    const b = pairs[i]!;
    ordered = a.pre < b.pre || (a.pre === b.pre && a.post <= b.post);
  }
  if (ordered) {
    const points: PairPoint[] = [];
    let last: PairPoint | undefined;
    for (const { pre, post } of pairs) {
      if (last && last.before === pre && last.after === post) last.people++;
      else points.push((last = { before: pre, after: post, people: 1 }));
    }
    return points;
  }
  const counts = new Map<string, PairPoint>();
  for (const { pre, post } of pairs) {
    const key = `${pre}\u0000${post}`;
    const point = counts.get(key);
    if (point) point.people++;
    else counts.set(key, { before: pre, after: post, people: 1 });
  }
  return [...counts.values()].sort((a, b) => a.before - b.before || a.after - b.after);
}

export interface ChangeBin {
  /** Inclusive lower and exclusive upper edge; equal when each distinct change has its own bar. */
  from: number;
  to: number;
  people: number;
}

/**
 * The distribution of change (after − before). With at most 25 distinct changes (WHO-5 moves in
 * steps of 4, UCLA-3 in steps of 1) each change gets its own bar so nothing is blurred; otherwise
 * 20 equal-width bins.
 */
export function changeBins(pairs: readonly ScorePair[]): ChangeBin[] {
  const changes = Float64Array.from(pairs, (p) => p.post - p.pre).sort();
  if (changes.length === 0) return [];
  // Counted in one pass over the sorted changes: equal changes are neighbours.
  const distinct: ChangeBin[] = [];
  for (const change of changes) {
    const last = distinct[distinct.length - 1];
    if (last && last.from === change) last.people++;
    else if (distinct.length <= 25) distinct.push({ from: change, to: change, people: 1 });
    else break;
  }
  if (distinct.length <= 25) return distinct;
  const min = changes[0]!;
  const max = changes[changes.length - 1]!;
  const width = (max - min) / 20;
  const bins: ChangeBin[] = Array.from({ length: 20 }, (_, i) => ({ from: min + i * width, to: min + (i + 1) * width, people: 0 }));
  for (const c of changes) {
    const index = Math.min(19, Math.floor((c - min) / width));
    bins[index]!.people++;
  }
  return bins;
}

export interface BandRow {
  from: string;
  /** People moving to each band, keyed by band id, in band order. */
  to: Record<string, number>;
  total: number;
}

export function bandRows(bands: BandTransitions, bandIds: readonly string[]): BandRow[] {
  return bandIds.map((from) => {
    const to: Record<string, number> = {};
    for (const id of bandIds) to[id] = bands.transitions.find((t) => t.from === from && t.to === id)?.n ?? 0;
    return { from, to, total: Object.values(to).reduce((a, b) => a + b, 0) };
  });
}

export type ChartKind = "pairs" | "change" | "bands";
export const CHART_KINDS: readonly ChartKind[] = ["pairs", "change", "bands"];

/** CSV rows of a chart, with column names an analyst can read without the page. */
export function chartCsvRows(
  kind: ChartKind,
  data: { pairs: readonly ScorePair[]; bands: BandTransitions | null; bandIds: readonly string[] },
): Record<string, unknown>[] {
  if (kind === "pairs") return pairPoints(data.pairs).map((p) => ({ score_before: p.before, score_after: p.after, people: p.people }));
  if (kind === "change") {
    return changeBins(data.pairs).map((b) =>
      b.from === b.to ? { change: b.from, people: b.people } : { change_from: b.from, change_to: b.to, people: b.people },
    );
  }
  if (!data.bands) return [];
  return data.bands.transitions.map((t) => ({ band_before: t.from, band_after: t.to, people: t.n }));
}
