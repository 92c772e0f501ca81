import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReportModel } from '../../analysis/report/index.ts';
import { timelineChart } from '../../reports/charts/latency-timeline.ts';
import { renderReport } from '../../reports/html/page.ts';
import type { BenchmarkResult } from '../../analysis/results-schema.ts';
import { bench, results } from './fixture.ts';

/** BatchCommit shared vs dedicated at 1 KiB (dedicated 20% faster, as the RFC found) and a Truncation case with marks. */
function run(): ReturnType<typeof results> {
  const bs: BenchmarkResult[] = [
    bench('BatchCommit', [['layout', 'shared'], ['order', 'interleaved'], ['vs', '1024']], 100_000, 10),
    bench('BatchCommit', [['layout', 'dedicated'], ['order', 'interleaved'], ['vs', '1024']], 80_000, 10),
    bench('Truncation', [['layout', 'dedicated'], ['trunc', 'tight'], ['vs', '1024']], 500_000, 4),
  ];
  const t = bs[2]!;
  t.runs = t.runs.map((r) => ({ ...r, timeline: { ...r.timeline, marks: [{ atMs: 1.5, label: 'truncation' }, { atMs: 3.2, label: 'truncation' }] } }));
  return results(bs);
}

test('the report explains itself: observed counters section, anomaly flags, the RFC side by side', async () => {
  const model = buildReportModel([{ label: 'run', results: run() }], { style: 'rfc', alpha: 0.05 }, '2026-01-01T00:00:00Z');
  const rfc = model.inputs[0].explain.rfc[0]!;
  assert.equal(rfc.rows[0]!.agreement, 'agrees', 'dedicated 20% faster at 1 KiB agrees with the RFC');
  const { html } = await renderReport(model);
  assert.match(html, /id="explain"/);
  assert.match(html, /The RFC side by side/);
  assert.match(html, /<td class="verdict-agrees">agrees<\/td>/);
});

test('truncations recorded in a run are marked on the latency-over-time chart', () => {
  const model = buildReportModel([{ label: 'run', results: run() }], { style: 'rfc', alpha: 0.05 }, '2026-01-01T00:00:00Z');
  const tl = model.inputs[0].charts.timelines.find((c) => c.family === 'Truncation')!;
  assert.equal(tl.marks.length, 2);
  const spec = timelineChart(tl);
  const layers = (spec.spec as { spec: { layer: Array<{ mark: { type: string } }> } }).spec.layer;
  assert.deepEqual(layers.map((l) => l.mark.type), ['line', 'rule']);
  assert.match(spec.caption, /dashed rules mark the 2 log truncations/);
});

test('the environment table says where durable writes complete: the disk interrupt CPUs and the CPUs the run had', async () => {
  const base = run();
  const withPlacement = { ...base, environment: { ...base.environment, placement: { diskIrqCpus: [1], allowedCpus: '0-1' } } };
  const noIrq = { ...base, environment: { ...base.environment, placement: { diskIrqCpus: null, allowedCpus: '1' } } };
  const render = async (r: typeof base) => (await renderReport(buildReportModel([{ label: 'run', results: r }], { style: 'rfc', alpha: 0.05 }, '2026-01-01T00:00:00Z'))).html;
  assert.match(await render(withPlacement), /<th>placement<\/th><td>disk interrupts on CPU 1; the run could use CPU 0-1<\/td>/);
  assert.match(await render(noIrq), /interrupt CPUs could not be told; the run could use CPU 1/);
  assert.match(await render(base), /<th>placement<\/th><td>not recorded<\/td>/, 'results from before the field');
});
