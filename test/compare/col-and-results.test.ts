import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCompare } from './helpers.ts';
import { buildComparisonAlong } from '../../analysis/compare/index.ts';
import { loadBenchInput } from '../../harness/results/read.ts';
import type { BenchmarkResult, ResultsFile, RunResult } from '../../analysis/results-schema.ts';

function run(ns: number): RunResult {
  return {
    ops: 1000, nsPerOp: ns, mbPerSec: 1024 / ns * 1e3, syncsPerOp: 1, diskBytesPerOp: null,
    latency: { min: ns / 2, mean: ns, p50: ns, p90: ns * 1.2, p99: ns * 2, p999: ns * 3, max: ns * 4 },
    timeline: { bucketOps: 1000, endMs: [], meanNs: [], maxNs: [] }, extra: {},
  };
}

function bench(layout: string, ns: number[]): BenchmarkResult {
  return {
    name: `BatchCommit/layout=${layout}/order=interleaved/vs=1024`, family: 'BatchCommit',
    params: { layout, order: 'interleaved', vs: '1024' }, bytesPerOp: 1024, runs: ns.map(run),
  };
}

// shared: 10 runs 100..109 µs; dedicated: 10 runs 90..99 µs. No outliers (evenly spaced), no ties across:
// mean 104.5µs vs 94.5µs (printed 104µs and 94µs: Go rounds exact halves to even), delta 94.5/104.5 - 1 = -9.57%; U = 0 for complete separation -> p = 2/C(20,10)
// = 1.08e-5 -> 0.000; ± = max(1 - 100/104.5, 109/104.5 - 1) = 4.31% -> 4%, and 4.76% -> 5% for dedicated.
const results: ResultsFile = {
  schema: 'raftbench/results', version: 2, runId: 't', complete: true, startedAt: '2024-01-01T00:00:00Z',
  command: ['bench'], warnings: [],
  config: { suite: null, scenarios: [], layouts: [], sizes: [], count: 10, ops: null, dataDir: '/tmp', raftDir: null, binding: 'memory' },
  environment: {
    hostname: 'h', cpuModel: 'cpu', cpuCount: 1, memoryBytes: 1, kernel: 'k', platform: 'linux', arch: 'x64', node: 'v20',
    dataDirFs: { type: 'tmpfs', device: 'tmpfs', mountPoint: '/tmp' }, engines: {}, gitCommit: null, gitDirty: null, loadAverage: [],
  },
  benchmarks: [
    bench('shared', Array.from({ length: 10 }, (_, i) => 100_000 + i * 1000)),
    bench('dedicated', Array.from({ length: 10 }, (_, i) => 90_000 + i * 1000)),
  ],
};

const dir = mkdtempSync(join(tmpdir(), 'raftbench-col-'));
mkdirSync(join(dir, 'run1'));
writeFileSync(join(dir, 'run1', 'results.json'), JSON.stringify(results));

test('--col layout compares shared and dedicated inside one results dir', () => {
  const r = runCompare(['run1', '--col', 'layout'], dir);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  // Column widths are shared by all tables (old benchstat); 104.5 prints as 104 (Go rounds exact halves to even).
  assert.equal(lines[0], 'name                                   shared time/op   dedicated time/op   delta');
  assert.equal(lines[1], 'BatchCommit/order=interleaved/vs=1024       104µs ± 4%           94µs ± 5%   -9.57%  (p=0.000 n=10+10)');
  assert.match(r.stdout, /shared speed/);
});

test('the model from the API: significant improvement, both speed and time', async () => {
  const set = await loadBenchInput(join(dir, 'run1'));
  const c = buildComparisonAlong([set], 'layout', { style: 'rfc' });
  assert.deepEqual(c.columns, ['shared', 'dedicated']);
  const time = c.tables.find((t) => t.unit === 'ns/op');
  const row = time?.rows[0];
  assert.equal(row?.name, 'BatchCommit/order=interleaved/vs=1024');
  assert.equal(row?.cells[0]?.center, 104_500);
  const cmp = row?.vsBase[1];
  assert.ok(cmp && cmp.significant && cmp.change === 1);
  assert.ok(Math.abs((cmp?.p ?? 1) - 2 / 184756) < 1e-15);
  const speed = c.tables.find((t) => t.unit === 'MB/s');
  assert.equal(speed?.higherIsBetter, true);
  assert.equal(speed?.rows[0]?.vsBase[1]?.change, 1);
});

test('results.json compares with itself file-to-dir: all deltas ~', () => {
  const r = runCompare([join('run1', 'results.json'), 'run1'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /[-+]\d+\.\d\d%/);
  assert.match(r.stdout, /~ {5}\(p=1\.000 n=10\+10\)/);
});
