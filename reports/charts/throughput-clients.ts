import type { ResultsFile } from '../../analysis/results-schema.ts';
import { summarize } from '../../analysis/stats/index.ts';
import { caseRows, families, layoutOrder, paramText, type CaseRow } from './case-data.ts';
import type { ChartSpec } from './chart-spec.ts';
import { facetOf, layoutColor, PANEL, topLevel } from './theme.ts';

/**
 * Throughput (ops/s over the whole run, all clients together) against the number of clients, one line
 * per layout, for families with a `clients` parameter; one panel per combination of the other parameters.
 */
export function throughputVsClients(results: ResultsFile): ChartSpec[] {
  const all = caseRows(results).filter((r) => r.clients !== null);
  const layouts = layoutOrder(results, caseRows(results));
  const out: ChartSpec[] = [];
  for (const family of families(all)) {
    const rows = all.filter((r) => r.family === family);
    const clients = [...new Set(rows.map((r) => r.clients as number))].sort((a, b) => a - b);
    if (clients.length < 2) continue;
    const facetFor = (r: CaseRow) => paramText(r.params, ['layout', 'clients']) || family;
    const facets = [...new Set(rows.map(facetFor))];
    const data = rows.map((r) => {
      // ops/s of each run is 1e9 / (ns/op): ns/op is the run's wall time divided by all clients' ops.
      const s = summarize(r.runs.map((run) => 1e9 / run.nsPerOp), { style: 'rfc' });
      return { layout: r.layout, facet: facetFor(r), clients: r.clients, center: s.center, lo: s.lo, hi: s.hi };
    });
    const x = {
      field: 'clients',
      type: 'quantitative',
      title: 'concurrent clients (log)',
      scale: { type: 'log', base: 2, nice: false, padding: 12 },
      axis: { values: clients, format: 'd', labelAngle: 0 },
    };
    const y = { field: 'center', type: 'quantitative', title: 'throughput (ops/s)', axis: { format: '~s' } };
    const color = layoutColor({ layouts });
    out.push({
      id: `throughput-clients-${family}`,
      title: `${family}: throughput vs clients`,
      caption:
        `Operations per second of all clients together (higher is better) against the number of concurrent clients, one ` +
        `line per layout, one panel per combination of the other parameters. Points are benchstat centers of the runs' ` +
        `ops/s; vertical bars span the kept runs. Group commit shows as throughput that keeps rising with clients.`,
      spec: topLevel(data, {
        facet: facetOf('facet', facets),
        columns: Math.min(facets.length, 3),
        spec: {
          width: PANEL.width,
          height: PANEL.height,
          layer: [
            { mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x, y, color } },
            { mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color } },
            { mark: { type: 'point', filled: true, size: 36 }, encoding: { x, y, color, shape: { field: 'layout', type: 'nominal', title: 'layout', scale: { domain: layouts } } } },
          ],
        },
      }),
    });
  }
  return out;
}
