import type { ChartContext, VlSpec } from './chart-spec.ts';

/** Tableau 10: distinguishable, prints in grey acceptably. Layout i gets color i in every chart. */
const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** Panel size of one facet cell, in px. */
export const PANEL = { width: 230, height: 170 } as const;

/** Shared Vega-Lite config: system fonts (nothing to load), light grid, legend on top. */
export const CONFIG: VlSpec = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  background: '#ffffff',
  padding: 6,
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 10, titleFontSize: 11, titleFontWeight: 'normal', gridColor: '#eee', labelColor: '#333', titleColor: '#222' },
  legend: { orient: 'top', labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal', symbolSize: 60, labelLimit: 260 },
  header: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal', labelLimit: 300 },
  title: { fontSize: 12 },
};

/** Color encoding by layout with the fixed palette; `only` limits the legend to some layouts, same colors. */
export function layoutColor(ctx: ChartContext, only: readonly string[] = ctx.layouts): VlSpec {
  const colorOf = (l: string) => PALETTE[Math.max(0, ctx.layouts.indexOf(l)) % PALETTE.length];
  return { field: 'layout', type: 'nominal', title: 'layout', scale: { domain: [...only], range: only.map(colorOf) } };
}

/**
 * Axis labels for nanosecond values in benchstat's units. The expression is ours, never built from input.
 */
export const NS_LABEL_EXPR =
  "datum.value >= 1e9 ? format(datum.value / 1e9, '~g') + ' s' : datum.value >= 1e6 ? format(datum.value / 1e6, '~g') + ' ms' : datum.value >= 1e3 ? format(datum.value / 1e3, '~g') + ' µs' : format(datum.value, '~g') + ' ns'";

/** Axis labels for byte sizes: 1 KiB, 64 KiB, 1 MiB. */
export const SIZE_LABEL_EXPR =
  "datum.value >= 1048576 ? format(datum.value / 1048576, '~g') + ' MiB' : datum.value >= 1024 ? format(datum.value / 1024, '~g') + ' KiB' : datum.value + ' B'";

/** A size axis (log base 2) with ticks exactly at the sizes measured. */
export function sizeAxisX(sizes: readonly number[]): VlSpec {
  return {
    field: 'vs',
    type: 'quantitative',
    title: 'value size (log)',
    scale: { type: 'log', base: 2, nice: false, padding: 12 },
    axis: { values: [...sizes], labelExpr: SIZE_LABEL_EXPR, grid: true, labelAngle: 0, labelOverlap: true },
  };
}

/** Ordering of facet headers: the order the data first shows them, not alphabetical. */
export function facetOf(field: string, order: readonly string[], title: string | null = null): VlSpec {
  return { field, type: 'nominal', title, sort: [...order], header: { labelOrient: 'top', labelAnchor: 'start' } };
}

/** Common top-level fields. */
export function topLevel(data: readonly object[], rest: VlSpec): VlSpec {
  return { config: CONFIG, data: { values: data }, ...rest };
}

/**
 * Ticks for a log axis from `lo` to `hi`: 1, 2, 5 times powers of ten (only powers of ten over a wide
 * range), so the axis never crowds with Vega's default minor labels.
 */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0) || !(hi > 0) || !Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  const a = Math.floor(Math.log10(Math.min(lo, hi)));
  const b = Math.ceil(Math.log10(Math.max(lo, hi)));
  const steps = b - a > 4 ? [1] : b - a > 2 ? [1, 3] : [1, 2, 5];
  const out: number[] = [];
  for (let e = a; e <= b; e++) for (const s of steps) out.push(Number((s * 10 ** e).toPrecision(3)));
  return out.filter((v) => v >= Math.min(lo, hi) / 1.0001 && v <= Math.max(lo, hi) * 1.0001);
}

/** The smallest and largest finite positive value of `values`; [1, 10] when there is none. */
export function positiveExtent(values: Iterable<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!(v > 0) || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo === Infinity ? [1, 10] : [lo, hi];
}

/** A log y axis over `values` with our ticks, padded to whole 1-2-5 steps around the data. */
export function logY(field: string, title: string, values: Iterable<number>, labelExpr: string | null): VlSpec {
  const [lo, hi] = positiveExtent(values);
  const domain = [niceDown(lo), niceUp(hi)];
  const ticks = logTicks(domain[0]!, domain[1]!);
  return {
    field,
    type: 'quantitative',
    title,
    scale: { type: 'log', domain, nice: false },
    axis: { values: ticks, ...(labelExpr ? { labelExpr } : { format: '~s' }) },
  };
}

function niceDown(x: number): number {
  const e = 10 ** Math.floor(Math.log10(x));
  return ([5, 2, 1].map((s) => s * e).find((v) => v <= x) ?? e);
}

function niceUp(x: number): number {
  const e = 10 ** Math.floor(Math.log10(x));
  return ([1, 2, 5, 10].map((s) => s * e).find((v) => v >= x) ?? 10 * e);
}
