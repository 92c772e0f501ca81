import type { LatencySummary, ResultsFile } from '../../analysis/results-schema.ts';
import { summarize } from '../../analysis/stats/index.ts';
import { caseRows, families, layoutOrder, paramText } from './case-data.ts';
import type { ChartSpec } from './chart-spec.ts';
import { facetOf, layoutColor, logY, NS_LABEL_EXPR, PANEL, topLevel } from './theme.ts';

/** The percentiles drawn, left to right, with their axis labels. */
export const PERCENTILES: ReadonlyArray<readonly [keyof LatencySummary, string]> = [
  ['p50', 'p50'], ['p90', 'p90'], ['p99', 'p99'], ['p999', 'p99.9'], ['max', 'max'],
];

/**
 * Per-op latency percentiles (p50 .. p99.9, max) per layout, log y, one panel per case. Each point is the
 * benchstat center over the runs of that run's percentile.
 */
export function latencyPercentiles(results: ResultsFile): ChartSpec[] {
  const all = caseRows(results);
  const layouts = layoutOrder(results, all);
  const out: ChartSpec[] = [];
  for (const family of families(all)) {
    const rows = all.filter((r) => r.family === family);
    const facetFor = (params: (typeof rows)[number]['params']) => paramText(params, ['layout']) || family;
    const facets = [...new Set(rows.map((r) => facetFor(r.params)))];
    const data = rows.flatMap((r) =>
      PERCENTILES.map(([key, name]) => ({
        layout: r.layout,
        facet: facetFor(r.params),
        percentile: name,
        ns: summarize(r.runs.map((run) => run.latency[key]), { style: 'rfc' }).center,
      })),
    ).filter((d) => d.ns > 0 && Number.isFinite(d.ns));
    if (data.length === 0) continue;
    const y = logY('ns', 'per-op latency (log)', data.map((d) => d.ns), NS_LABEL_EXPR);
    const x = { field: 'percentile', type: 'ordinal', title: 'percentile', sort: PERCENTILES.map(([, n]) => n), axis: { labelAngle: 0 } };
    const color = layoutColor({ layouts });
    out.push({
      id: `latency-percentiles-${family}`,
      title: `${family}: per-op latency percentiles`,
      caption:
        `Per-op latency of each ${family} case at p50, p90, p99, p99.9 and the maximum, one line per layout, log scale ` +
        `(lower is better). Each point is the benchstat center over the runs of that run's percentile; a rising right end ` +
        `is the tail (syncs, compactions, stalls). With few ops per run the high percentiles equal the maximum.`,
      spec: topLevel(data, {
        facet: facetOf('facet', facets),
        columns: Math.min(facets.length, 3),
        spec: {
          width: PANEL.width,
          height: PANEL.height,
          layer: [
            { mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x, y, color } },
            { mark: { type: 'point', filled: true, size: 30 }, encoding: { x, y, color, shape: { field: 'layout', type: 'nominal', title: 'layout', scale: { domain: layouts } } } },
          ],
        },
      }),
    });
  }
  return out;
}
