/**
 * The harness's own cost per write path (`measurePathOverhead`): every engine the layouts use answers a
 * probe, each path is timed, and the text summary shows them in place of the memory-engine put.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { DEFAULT_BUDGET } from '../../engines/memory-budget.ts';
import { PATHS, measurePathOverhead } from '../../harness/runner/path-overhead.ts';
import { runSummaryText } from '../../harness/runner/run-summary.ts';
import type { ResultsFile } from '../../analysis/results-schema.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

test('every write path is probed on real engines and its engines removed after', async () => {
  const { dir, cleanup } = await tmpDir();
  try {
    const paths = await measurePathOverhead(dir, DEFAULT_BUDGET, 20);
    assert.deepEqual(paths.map((p) => `${p.engine}/${p.usedBy ?? ''}`), PATHS.map((p) => `${p.engine}/${p.usedBy ?? ''}`));
    for (const p of paths) {
      assert.equal(p.samples, 20);
      assert.ok(p.p50Ns > 0 && p.p99Ns >= p.p50Ns, `${p.engine}: ${p.p50Ns} ${p.p99Ns}`);
    }
    assert.deepEqual(await readdir(dir), []);
  } finally {
    await cleanup();
  }
});

test('the text summary shows each path with its handoffs, not the memory-engine put', () => {
  const r = {
    config: { count: 1 },
    benchmarks: [{ name: 'BatchCommit/layout=shared/vs=1024', family: 'BatchCommit', params: { layout: 'shared', vs: '1024' }, bytesPerOp: 1024, runs: [{ nsPerOp: 300000 }] }],
    warnings: [],
    harnessOverhead: {
      recordNs: 100, awaitNs: 50, memoryPutNs: 2000,
      paths: [{ engine: 'rocksdb', path: 'RocksDB 6 binding, libuv pool round trip', handoffs: 1, p50Ns: 35000, p99Ns: 90000, samples: 10 }],
    },
  } as unknown as ResultsFile;
  const text = runSummaryText(r);
  assert.match(text, /rocksdb \(RocksDB 6 binding, libuv pool round trip\): 35(\.0)?µs .*1 thread handoff/);
  assert.doesNotMatch(text, /memory-engine put/);
});
