import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { parseBenchText } from '../../analysis/benchfmt/index.ts';
import type { ResultsFile } from '../../analysis/results-schema.ts';
import { makePlan } from '../../harness/runner/plan.ts';

const BASE = ['--suite', 'smoke', '--scenario', 'ReplicaWrite', '--layout', 'wal', '--count', '1', '--no-calibrate', '--no-report', '--quiet'];

test('bench --rate runs open loop on a real replica: corrected and uncorrected latency, the queue, in results and bench.txt', async () => {
  const { dir, cleanup } = await tmpDir('bench-open-');
  try {
    const out = path.join(dir, 'out');
    const r = runCli(['bench', ...BASE, '--rate', '400', '--arrival', 'poisson', '--duration', '150', '--out', out, '--dir', path.join(dir, 'data')]);
    assert.equal(r.code, 0, r.stderr);
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as ResultsFile;
    const open = results.benchmarks.filter((b) => b.params.rate === '400' && !b.capacity);
    assert.ok(open.length >= 2, 'the user rate replaces the suite rate on every ReplicaWrite case but the capacity one');
    for (const b of open) {
      const run = b.runs[0]!;
      assert.ok(run.open, b.name);
      assert.equal(run.ops, 60, '400 ops/s x 150 ms');
      assert.equal(run.open.rateOpsPerSec, 400);
      assert.equal(run.open.arrival, 'poisson');
      assert.ok(run.open.uncorrected.p99 > 0 && run.open.uncorrected.p99 <= run.latency.p99 + 1e3, 'from the send is never longer than from the intended start');
      assert.equal(run.timeline.backlog?.length, run.timeline.endMs.length);
    }
    const cap = results.benchmarks.find((b) => b.capacity)!;
    assert.ok(cap.name.endsWith('/slo=p99-100ms'), cap.name);
    assert.ok(!('rate' in cap.params));
    const text = readFileSync(path.join(out, 'bench.txt'), 'utf8');
    const units = new Set(parseBenchText(text, 'bench.txt').records.flatMap((x) => x.values.map((v) => v.unit)));
    for (const u of ['p99-ns', 'p99-uncorr-ns', 'ops/s', 'capacity-ops/s']) assert.ok(units.has(u), u);
  } finally {
    await cleanup();
  }
});

test('--slo and --rate together, or a bad --slo, end in one line with exit 2', () => {
  assert.throws(() => makePlan({ suite: 'smoke', slo: { label: 'p99', quantile: 0.99, boundNs: 1e7 }, axes: { rate: ['100'] } }), /--slo searches the rate itself/);
  const r = runCli(['bench', ...BASE, '--slo', 'p99=ten']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /bad --slo p99=ten/);
});
