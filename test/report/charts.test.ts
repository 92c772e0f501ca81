import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildReportModel, medianRunIndex, type ReportOptions, type RunCharts } from '../../analysis/report/index.ts';
import type { ResultsFile } from '../../analysis/results-schema.ts';
import {
  deltaBars, percentilesChart, runCharts, sizeChart, throughputChart, timelineChart, type ChartSpec,
} from '../../reports/charts/index.ts';
import { logTicks } from '../../reports/charts/theme.ts';
import { renderSvg } from '../../reports/html/render-svg.ts';
import { batchCommit, bench, results, run } from './fixture.ts';

type Row = Record<string, unknown>;
const values = (c: ChartSpec): Row[] => ((c.spec['data'] as { values: Row[] }).values);
const RFC: ReportOptions = { style: 'rfc', alpha: 0.05 };

/** The chart data of one run, as the report model computes it. */
const model = (r: ResultsFile, opts = RFC): RunCharts => buildReportModel([{ label: 'run', results: r }], opts, 'now').inputs[0].charts;
const timePerOpVsSize = (r: ResultsFile) => model(r).timePerOp.map(sizeChart);
const mbPerSecVsSize = (r: ResultsFile) => model(r).mbPerSec.map(sizeChart);
const layoutDeltaBars = (r: ResultsFile, opts = RFC) => model(r, opts).layoutDeltas.map(deltaBars);
const throughputVsClients = (r: ResultsFile) => model(r).throughput.map(throughputChart);
const latencyPercentiles = (r: ResultsFile) => model(r).percentiles.map(percentilesChart);
const latencyTimeline = (r: ResultsFile) => model(r).timelines.map(timelineChart);

test('time/op vs size: one chart per family, a point per case and layout, the device limit per panel', () => {
  const charts = timePerOpVsSize(batchCommit());
  assert.equal(charts.length, 1);
  const c = charts[0]!;
  assert.equal(c.id, 'time-per-op-BatchCommit');
  const measured = values(c).filter((d) => d['kind'] === 'measured');
  assert.equal(measured.length, 8);
  const one = measured.find((d) => d['layout'] === 'shared' && d['vs'] === 1024 && d['facet'] === 'order=interleaved')!;
  // benchstat rfc center of 6 runs at 201024 * (0.97 .. 1.02): the mean, bars from min to max.
  assert.ok(Math.abs((one['center'] as number) - 201024 * 0.995) < 1e-6);
  assert.ok((one['lo'] as number) < (one['center'] as number) && (one['hi'] as number) > (one['center'] as number));
  const device = values(c).filter((d) => d['kind'] === 'device');
  assert.deepEqual(device.map((d) => [d['facet'], d['vs'], d['center']]), [
    ['order=interleaved', 1024, 101024], ['order=interleaved', 65536, 165536],
    ['order=sequential', 1024, 101024], ['order=sequential', 65536, 165536],
  ]);
  assert.match(c.caption, /device limit/);
  const spec = c.spec as { facet: { field: string; sort: string[] }; spec: { layer: Array<{ encoding: { x: { scale: { type: string } }; y?: { scale?: { type: string } } } }> } };
  assert.equal(spec.facet.field, 'facet');
  assert.deepEqual(spec.facet.sort, ['order=interleaved', 'order=sequential']);
  assert.equal(spec.spec.layer[0]!.encoding.x.scale.type, 'log');
  assert.equal(spec.spec.layer[0]!.encoding.y!.scale!.type, 'log');
});

test('MB/s vs size uses the payload rate; without calibration there is no device line', () => {
  const r = batchCommit();
  delete r.calibration;
  const c = mbPerSecVsSize(r)[0]!;
  assert.ok(values(c).every((d) => d['kind'] === 'measured'));
  const one = values(c).find((d) => d['layout'] === 'dedicated' && d['vs'] === 65536)!;
  assert.ok((one['center'] as number) > 0);
  assert.match(c.caption, /No calibration/);
});

test('charts whose data is absent are left out', () => {
  // No vs: no size charts. One layout: no delta bars. No clients: no throughput chart.
  const r = results([bench('Reads', [['layout', 'shared'], ['mode', 'linearizable']], 5000)]);
  assert.deepEqual(timePerOpVsSize(r), []);
  assert.deepEqual(mbPerSecVsSize(r), []);
  assert.deepEqual(layoutDeltaBars(r), []);
  assert.deepEqual(throughputVsClients(r), []);
  assert.equal(latencyPercentiles(r).length, 1);
  assert.equal(latencyTimeline(r).length, 1);
  assert.deepEqual(runCharts(model(results([]))), []);
});

test('throughput vs clients: ops/s per layout along clients, one panel per other parameter set', () => {
  const bs = [];
  for (const clients of ['1', '8', '64']) {
    for (const layout of ['shared', 'dedicated']) bs.push(bench('ReplicaWrite', [['layout', layout], ['vs', '1024'], ['clients', clients]], 100_000 / Number(clients)));
  }
  const c = throughputVsClients(results(bs));
  assert.equal(c.length, 1);
  const d = values(c[0]!);
  assert.equal(d.length, 6);
  const top = d.find((x) => x['clients'] === 64 && x['layout'] === 'shared')!;
  assert.ok(Math.abs((top['center'] as number) - 1e9 / (100_000 / 64)) / (top['center'] as number) < 0.01);
  assert.deepEqual([...new Set(d.map((x) => x['facet']))], ['vs=1024']);
});

test('delta bars: each layout vs shared with significance from benchstat rfc; ~ marks what is not significant', () => {
  const r = batchCommit();
  // One case where dedicated equals shared: not significant.
  const same = r.benchmarks.find((b) => b.name === 'BatchCommit/layout=dedicated/order=sequential/vs=65536')!;
  same.runs = r.benchmarks.find((b) => b.name === 'BatchCommit/layout=shared/order=sequential/vs=65536')!.runs.map((x) => ({ ...x }));
  const c = layoutDeltaBars(r)[0]!;
  const d = values(c);
  assert.equal(d.length, 4);
  assert.ok(d.every((x) => x['layout'] === 'dedicated'));
  const sig = d.filter((x) => x['sig'] === 'significant (p < 0.05)');
  assert.equal(sig.length, 3);
  for (const x of sig) {
    assert.ok(Math.abs((x['pct'] as number) + 20) < 1e-9);
    assert.equal(x['label'], '-20.00%');
  }
  const not = d.find((x) => x['case'] === 'order=sequential vs=65536')!;
  assert.equal(not['sig'], 'not significant (~)');
  assert.match(String(not['label']), /^~ /);
  // The legend lists only the layouts that have bars.
  const bar = (c.spec['layer'] as Array<{ encoding: { color?: { scale: { domain: string[] } } } }>)[0]!;
  assert.deepEqual(bar.encoding.color!.scale.domain, ['dedicated']);
});

test('run delta bars compare the same benchmark across two runs', () => {
  const a = batchCommit();
  const b = batchCommit();
  for (const x of b.benchmarks) x.runs = x.runs.map((r) => run(r.nsPerOp * 1.5, x.bytesPerOp));
  const c = buildReportModel([{ label: 'old', results: a }, { label: 'new', results: b }], RFC, 'now').runs!.deltas.map(deltaBars);
  assert.equal(c.length, 1);
  const d = values(c[0]!);
  assert.equal(d.length, 8);
  assert.ok(d.every((x) => Math.abs((x['pct'] as number) - 50) < 1e-9 && x['sig'] === 'significant (p < 0.05)'));
  assert.equal(c[0]!.title, 'BatchCommit: time/op, new vs old');
});

test('latency timeline picks the median run of one case and says which', () => {
  const r = batchCommit();
  const c = latencyTimeline(r)[0]!;
  assert.match(c.caption, /^Case BatchCommit\/order=interleaved\/vs=1024 /);
  assert.match(c.caption, /shared run 3 of 6/);
  assert.equal(values(c).length, 2 * 2 * 4);
  assert.equal(medianRunIndex([run(3, 0), run(1, 0), run(2, 0)]), 2);
  assert.equal(medianRunIndex([run(4, 0), run(1, 0), run(3, 0), run(2, 0)]), 3);
});

test('latency percentiles: p50 .. max per layout and case', () => {
  const c = latencyPercentiles(batchCommit())[0]!;
  const d = values(c);
  assert.equal(d.length, 8 * 5);
  assert.deepEqual([...new Set(d.map((x) => x['percentile']))], ['p50', 'p90', 'p99', 'p99.9', 'max']);
});

test('log ticks stay few and inside the range', () => {
  assert.deepEqual(logTicks(100, 1000), [100, 200, 500, 1000]);
  assert.deepEqual(logTicks(1, 1e6), [1, 10, 100, 1000, 10000, 100000, 1000000]);
  assert.deepEqual(logTicks(0, 10), []);
});

test('every chart of a full fixture compiles and draws without a Vega warning; input text stays text in the SVG', async () => {
  const evil = '<script>alert(1)</script>';
  const r = batchCommit();
  for (const b of r.benchmarks) (b as { params: Record<string, string> }).params = { ...b.params, order: `${b.params['order']}"<img src=x onerror=alert(1)>` };
  r.benchmarks.push(bench(evil, [['layout', 'shared'], ['vs', '1024']], 1000), bench(evil, [['layout', 'dedicated'], ['vs', '1024']], 900));
  r.benchmarks.push(bench(evil, [['layout', 'shared'], ['vs', '4096']], 2000), bench(evil, [['layout', evil], ['vs', '4096']], 900));
  const charts = runCharts(model(r));
  assert.ok(charts.length >= 10, `${charts.length} charts`);
  for (const c of charts) {
    const { svg, warnings } = await renderSvg(c.spec);
    assert.deepEqual(warnings, [], c.id);
    assert.ok(!/<script|<img/i.test(svg), c.id);
    assert.ok(/(path|symbol)/.test(svg), c.id);
  }
  const svg = (await renderSvg(layoutDeltaBars(r).find((c) => c.id.startsWith(`delta-${evil}`))!.spec)).svg;
  assert.match(svg, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
});
