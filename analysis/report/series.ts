import type { Calibration, ResultsFile, RunResult } from '../results-schema.ts';
import { summarize } from '../stats/index.ts';
import { caseRows, families, layoutOrder, paramText, type CaseRow } from './case-data.ts';
import { PERCENTILES, type ClientsChart, type IntervalPoint, type Method, type PercentileChart, type SizeChart } from './model.ts';

/** The center and interval of per-run values under the report's style (benchstat's summary of one column). */
function point(values: readonly number[], method: Method): { center: number; lo: number | null; hi: number | null; n: number } {
  const s = summarize(values, { style: method.style, confidence: method.confidence });
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  return { center: s.center, lo: finite(s.lo), hi: finite(s.hi), n: s.n };
}

interface SizeMetric {
  readonly metric: SizeChart['metric'];
  readonly value: (run: RunResult) => number;
  /** The device's limit at `size`, from calibration p50, in the metric's unit. */
  readonly limit: (p50Ns: number, size: number) => number;
  readonly applies: (row: CaseRow) => boolean;
}

const TIME: SizeMetric = {
  metric: 'time/op',
  value: (r) => r.nsPerOp,
  limit: (p50) => p50,
  applies: () => true,
};

const SPEED: SizeMetric = {
  metric: 'MB/s',
  value: (r) => r.mbPerSec,
  limit: (p50, size) => (size * 1e3) / p50,
  applies: (row) => row.bytesPerOp > 0 && row.runs.every((r) => r.mbPerSec > 0),
};

/** time/op against value size, per family with two sizes or more. */
export function timePerOpVsSize(results: ResultsFile, method: Method): SizeChart[] {
  return metricVsSize(results, TIME, method);
}

/** Payload MB/s against value size. */
export function mbPerSecVsSize(results: ResultsFile, method: Method): SizeChart[] {
  return metricVsSize(results, SPEED, method);
}

function metricVsSize(results: ResultsFile, m: SizeMetric, method: Method): SizeChart[] {
  const all = caseRows(results).filter((r) => r.vs !== null && m.applies(r));
  const layouts = layoutOrder(results, caseRows(results));
  const out: SizeChart[] = [];
  for (const family of families(all)) {
    const rows = all.filter((r) => r.family === family);
    const sizes = [...new Set(rows.map((r) => r.vs as number))].sort((a, b) => a - b);
    if (sizes.length < 2) continue; // one size is a dot per layout, the tables say that better
    const facetFor = (r: CaseRow) => paramText(r.params, ['layout', 'vs']) || family;
    const facets = [...new Set(rows.map(facetFor))];
    const points: IntervalPoint[] = rows.map((r) => ({ layout: r.layout, facet: facetFor(r), x: r.vs as number, ...point(r.runs.map(m.value), method) }));
    out.push({ family, metric: m.metric, method, sizes, facets, layouts, points, device: deviceRows(results.calibration, sizes, facets, m) });
  }
  return out;
}

function deviceRows(cal: Calibration | undefined, sizes: readonly number[], facets: readonly string[], m: SizeMetric): SizeChart['device'] {
  if (!cal) return [];
  const pts = cal.points.filter((p) => sizes.includes(p.size) && p.p50Ns > 0);
  return facets.flatMap((facet) => pts.map((p) => ({ facet, vs: p.size, value: m.limit(p.p50Ns, p.size) })));
}

/**
 * Throughput (ops/s of all clients together) against clients, for families with a `clients` parameter
 * and two client counts or more.
 */
export function throughputVsClients(results: ResultsFile, method: Method): ClientsChart[] {
  const all = caseRows(results).filter((r) => r.clients !== null);
  const layouts = layoutOrder(results, caseRows(results));
  const out: ClientsChart[] = [];
  for (const family of families(all)) {
    const rows = all.filter((r) => r.family === family);
    const clients = [...new Set(rows.map((r) => r.clients as number))].sort((a, b) => a - b);
    if (clients.length < 2) continue;
    const facetFor = (r: CaseRow) => paramText(r.params, ['layout', 'clients']) || family;
    const facets = [...new Set(rows.map(facetFor))];
    // ops/s of each run is 1e9 / (ns/op): ns/op is the run's wall time divided by all clients' ops.
    const points = rows.map((r) => ({ layout: r.layout, facet: facetFor(r), x: r.clients as number, ...point(r.runs.map((run) => 1e9 / run.nsPerOp), method) }));
    out.push({ family, method, clients, facets, layouts, points });
  }
  return out;
}

/** Per-op latency percentiles per layout, one panel per case: the center over the runs of each run's percentile. */
export function latencyPercentiles(results: ResultsFile, method: Method): PercentileChart[] {
  const all = caseRows(results);
  const layouts = layoutOrder(results, all);
  const out: PercentileChart[] = [];
  for (const family of families(all)) {
    const rows = all.filter((r) => r.family === family);
    const facetFor = (r: CaseRow) => paramText(r.params, ['layout']) || family;
    const facets = [...new Set(rows.map(facetFor))];
    const points = rows.flatMap((r) =>
      PERCENTILES.map(([key, name]) => ({
        layout: r.layout,
        facet: facetFor(r),
        percentile: name,
        ns: point(r.runs.map((run) => run.latency[key]), method).center,
      })),
    ).filter((d) => d.ns > 0 && Number.isFinite(d.ns));
    if (points.length === 0) continue;
    out.push({ family, method, facets, layouts, points });
  }
  return out;
}
