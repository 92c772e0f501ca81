import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReportModel } from '../../analysis/report/index.ts';
import { resultsToBenchSet } from '../../analysis/benchfmt/from-results.ts';
import { capacityChart } from '../../reports/charts/index.ts';
import { renderSvg } from '../../reports/html/render-svg.ts';
import { renderReport } from '../../reports/html/page.ts';
import type { BenchmarkResult, CapacityProbe } from '../../analysis/results-schema.ts';
import { bench, results, run } from './fixture.ts';

const SLO = { label: 'p99', quantile: 0.99, boundNs: 10e6 };

function probe(rate: number, phase: CapacityProbe['phase'], ns: number): CapacityProbe {
  const r = run(1e9 / rate, 1024);
  return { rateOpsPerSec: rate, phase, valueNs: ns, pass: ns <= SLO.boundNs, run: { ...r, latency: { ...r.latency, p99: ns }, open: { rateOpsPerSec: rate, arrival: 'poisson', achievedOpsPerSec: rate, uncorrected: { ...r.latency, p99: ns / 2 }, maxBacklog: 3, endLagNs: 0, keptUp: true } } };
}

function capacityCase(layout: string, capacity: number): BenchmarkResult {
  const b = bench('ReplicaWrite', [['layout', layout], ['vs', '1024'], ['clients', '64'], ['slo', 'p99-10ms']], 1e6, 2);
  const probes = [probe(capacity / 2, 'bracket', 2e6), probe(capacity, 'bracket', 5e6), probe(capacity * 2, 'bracket', 80e6), probe(capacity * 1.5, 'bisect', 30e6), probe(capacity, 'confirm', 6e6)];
  const search = { slo: SLO, capacityOpsPerSec: capacity, bound: 'exact' as const, resolution: 0.5, durationMs: 2000, probes };
  return { ...b, runs: [probes[4]!.run, probes[4]!.run], capacity: [search, { ...search, capacityOpsPerSec: capacity + 100 }] };
}

test('capacity cases give a hockey-stick chart, a capacity table with every probe, and capacity-ops/s in bench.txt', async () => {
  const r = results([capacityCase('shared', 1000), capacityCase('wal', 4000)]);
  const input = buildReportModel([{ label: 'run', results: r }], { style: 'rfc', alpha: 0.05 }, 'now').inputs[0];
  const [chart] = input.charts.capacity;
  assert.ok(chart);
  assert.equal(chart.points.length, 2 * 2 * 5, 'every probe of every replicate of every layout');
  assert.deepEqual(chart.capacities, [{ layout: 'shared', rate: 1000 }, { layout: 'wal', rate: 4000 }], 'lower median of the replicates');
  const [table] = input.capacity;
  assert.equal(table!.rows[1]!.median, 4000);
  assert.deepEqual(table!.rows[1]!.atCapacity[0], { correctedP99Ns: 6e6, uncorrectedP99Ns: 3e6, maxBacklog: 3 });
  const spec = capacityChart(chart);
  const { svg } = await renderSvg(spec.spec);
  assert.match(svg, /<svg/);
  const page = await renderReport(buildReportModel([{ label: 'run', results: r }], { style: 'rfc', alpha: 0.05 }, 'now'));
  assert.deepEqual(page.problems, []);
  assert.match(page.html, /id="capacity"/);
  assert.match(page.html, /c4000→6(\.00)?ms✓/);
  const units = resultsToBenchSet(r, 'run').records.filter((x) => x.name.includes('layout=wal')).map((x) => x.values.find((v) => v.unit === 'capacity-ops/s')?.value);
  assert.deepEqual(units, [4000, 4100]);
});
