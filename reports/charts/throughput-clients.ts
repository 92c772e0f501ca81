import type { ClientsChart } from '../../analysis/report/index.ts';
import type { ChartSpec } from './chart-spec.ts';
import { centerWords, intervalWords } from './method-words.ts';
import { facetOf, layoutColor, PANEL, topLevel } from './theme.ts';

/**
 * Throughput (ops/s over the whole run, all clients together) against the number of clients, one line
 * per layout; one panel per combination of the other parameters.
 */
export function throughputChart(c: ClientsChart): ChartSpec {
  const data = c.points.map((p) => ({ layout: p.layout, facet: p.facet, clients: p.x, center: p.center, lo: p.lo, hi: p.hi }));
  const x = {
    field: 'clients',
    type: 'quantitative',
    title: 'concurrent clients (log)',
    scale: { type: 'log', base: 2, nice: false, padding: 12 },
    axis: { values: c.clients, format: 'd', labelAngle: 0 },
  };
  const y = { field: 'center', type: 'quantitative', title: 'throughput (ops/s)', axis: { format: '~s' } };
  const color = layoutColor({ layouts: c.layouts });
  return {
    id: `throughput-clients-${c.family}`,
    title: `${c.family}: throughput vs clients`,
    caption:
      `Operations per second of all clients together (higher is better) against the number of concurrent clients, one ` +
      `line per layout, one panel per combination of the other parameters. Points are ${centerWords(c.method)} of the runs' ` +
      `ops/s; ${intervalWords(c.method)}. Group commit shows as throughput that keeps rising with clients.`,
    spec: topLevel(data, {
      facet: facetOf('facet', c.facets),
      columns: Math.min(c.facets.length, 3),
      spec: {
        width: PANEL.width,
        height: PANEL.height,
        layer: [
          { mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x, y, color } },
          {
            transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }],
            mark: { type: 'rule', strokeWidth: 1.5 },
            encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color },
          },
          { mark: { type: 'point', filled: true, size: 36 }, encoding: { x, y, color, shape: { field: 'layout', type: 'nominal', title: 'layout', scale: { domain: c.layouts } } } },
        ],
      },
    }),
  };
}
