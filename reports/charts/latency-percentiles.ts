import { PERCENTILES, type PercentileChart } from '../../analysis/report/index.ts';
import type { ChartSpec } from './chart-spec.ts';
import { facetOf, layoutColor, logY, NS_LABEL_EXPR, PANEL, topLevel } from './theme.ts';

/** Per-op latency percentiles (p50 .. p99.9, max) per layout, log y, one panel per case. */
export function percentilesChart(c: PercentileChart): ChartSpec {
  const data = c.points.map((p) => ({ ...p }));
  const y = logY('ns', 'per-op latency (log)', data.map((d) => d.ns), NS_LABEL_EXPR);
  const x = { field: 'percentile', type: 'ordinal', title: 'percentile', sort: PERCENTILES.map(([, n]) => n), axis: { labelAngle: 0 } };
  const color = layoutColor({ layouts: c.layouts });
  const center = c.method.style === 'rfc' ? 'the benchstat center (Tukey-trimmed mean)' : 'the benchstat center (median)';
  return {
    id: `latency-percentiles-${c.family}`,
    title: `${c.family}: per-op latency percentiles`,
    caption:
      `Per-op latency of each ${c.family} case at p50, p90, p99, p99.9 and the maximum, one line per layout, log scale ` +
      `(lower is better). Each point is ${center} over the runs of that run's percentile; a rising right end ` +
      `is the tail (syncs, compactions, stalls). With few ops per run the high percentiles equal the maximum.`,
    spec: topLevel(data, {
      facet: facetOf('facet', c.facets),
      columns: Math.min(c.facets.length, 3),
      spec: {
        width: PANEL.width,
        height: PANEL.height,
        layer: [
          { mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x, y, color } },
          { mark: { type: 'point', filled: true, size: 30 }, encoding: { x, y, color, shape: { field: 'layout', type: 'nominal', title: 'layout', scale: { domain: c.layouts } } } },
        ],
      },
    }),
  };
}
