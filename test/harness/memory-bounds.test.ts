import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatencyRecorder, nearestRank } from '../../harness/runner/latency-recorder.ts';
import { MemoryGuard, memoryPressure, type MemoryReading } from '../../harness/runner/memory-guard.ts';
import { makePlan } from '../../harness/runner/plan.ts';
import { runPlan } from '../../harness/runner/run-plan.ts';
import { MemoryEngine } from '../../engines/memory.ts';
import { findLayout } from '../../engines/layouts/index.ts';
import { DEFAULT_BUDGET } from '../../engines/memory-budget.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

test('the recorder holds 10M ops in at most 200 MB, percentiles as exact as raw float64 samples', () => {
  const n = 10_000_000;
  globalThis.gc?.();
  const before = process.memoryUsage();
  const rec = new LatencyRecorder(n);
  const raw = new Float64Array(1_000_000);
  let seed = 12345;
  rec.start();
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    // Log-spread latencies from ~10 µs to ~1 s, integers in ns, as the clock gives.
    const ns = Math.round(10_000 * Math.exp((seed / 2 ** 32) * 11.5));
    rec.record(ns);
    if (i < raw.length) raw[i] = ns;
  }
  const s = rec.summary();
  const t = rec.timeline();
  const after = process.memoryUsage();
  const grew = after.rss + after.arrayBuffers - before.rss - before.arrayBuffers;
  assert.ok(grew < 200 * 2 ** 20, `grew ${(grew / 2 ** 20).toFixed(0)} MiB`);
  assert.ok(t.meanNs.length <= 200);
  // Accuracy against raw float64: a recorder over the first 1M ops vs the raw samples' nearest rank.
  const small = new LatencyRecorder(raw.length);
  for (const v of raw) small.record(v);
  const exact = raw.slice().sort();
  const got = small.summary();
  for (const [q, k] of [[0.5, 'p50'], [0.9, 'p90'], [0.99, 'p99'], [0.999, 'p999'], [1, 'max']] as const) {
    const want = nearestRank(exact, q);
    assert.ok(Math.abs(got[k] - want) <= want * 1e-7, `${k}: ${got[k]} vs ${want}`);
  }
  assert.ok(s.p50 > 0 && s.p50 <= s.p99 && s.p99 <= s.max);
});

const reading = (o: Partial<MemoryReading>): MemoryReading => ({ heapUsed: 100, heapLimit: 1000, rss: 100, rssLimit: 1000, ...o });

test('memoryPressure: one line when the heap or RSS nears its limit, else null', () => {
  assert.equal(memoryPressure(reading({})), null);
  assert.match(memoryPressure(reading({ heapUsed: 900 }))!, /^out of memory: the JS heap/);
  assert.match(memoryPressure(reading({ rss: 950 }))!, /^out of memory: the process uses/);
  const g = new MemoryGuard(() => reading({ heapUsed: 900 }), 4);
  assert.equal(g.check(), false, 'not yet sampled');
  assert.equal(g.check(true), true);
  assert.match(g.reason!, /heap/);
});

test('a run that would exhaust memory stops with its reason and keeps the finished runs', async () => {
  const { dir, cleanup } = await tmpDir('mem-');
  try {
    let reads = 0;
    // Trips on the fourth forced check: before the fourth replicate.
    const guard = new MemoryGuard(() => reading({ heapUsed: ++reads >= 4 ? 950 : 100 }), 1_000_000_000);
    const plan = makePlan({ suite: 'smoke', scenarios: ['BatchCommit'], layouts: ['memory'], sizes: [1024], count: 3, ops: 10 });
    const r = await runPlan({ plan, dataDir: dir, raftDir: null, binding: 'rocksdb', budget: DEFAULT_BUDGET, shouldStop: () => false, memoryGuard: guard });
    assert.equal(r.stopped, true);
    assert.match(r.stopReason!, /^out of memory/);
    assert.equal(r.benchmarks.flatMap((b) => b.runs).length, 3, 'three finished runs kept');
  } finally {
    await cleanup();
  }
});

test('the memory layout keeps only the most recent writes within its bound', async () => {
  const e = new MemoryEngine({ retainBytes: 10_000 });
  const v = Buffer.alloc(1000);
  for (let i = 0; i < 100; i++) await e.write([{ type: 'put', key: Buffer.from(`k${String(i).padStart(3, '0')}`), value: v }], { sync: true });
  const held = await e.scan({});
  assert.ok(held.length <= 10 && held.length >= 9, `${held.length} keys held`);
  assert.ok(await e.get(Buffer.from('k099')), 'the newest is kept');
  assert.equal(await e.get(Buffer.from('k000')), undefined, 'the oldest is dropped');
  // Rewriting a key makes it recent again.
  await e.write([{ type: 'put', key: Buffer.from('k095'), value: v }], { sync: false });
  for (let i = 100; i < 108; i++) await e.write([{ type: 'put', key: Buffer.from(`k${i}`), value: v }], { sync: false });
  assert.ok(await e.get(Buffer.from('k095')));
  assert.equal(await e.get(Buffer.from('k096')), undefined);
  const layout = await findLayout('memory').open({ dir: '/nonexistent', binding: 'rocksdb', budget: DEFAULT_BUDGET });
  assert.match(String(layout.raft.settings?.().retainBytes), /^\d+$/);
  await layout.close();
});
