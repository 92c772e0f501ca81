import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { parseStatMinorFaults, procCpu } from '../../node/proc-stats.ts';
import { makePlan, type Plan } from '../../harness/runner/plan.ts';
import { runPlan } from '../../harness/runner/run-plan.ts';
import { resultsToBenchSet } from '../../analysis/benchfmt/from-results.ts';
import { observedTable } from '../../analysis/observed-table.ts';
import { observedText } from '../../reports/observed-text.ts';
import { clusterWrite } from '../../scenarios/cluster-write.ts';
import { parseParams } from '../../scenarios/params.ts';
import { findLayout } from '../../engines/layouts/index.ts';
import type { ResultsFile } from '../../analysis/results-schema.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

test('parseStatMinorFaults reads field 10 after the last parenthesis, whatever the command name holds', () => {
  assert.equal(parseStatMinorFaults('4242 (node) S 1 4242 4242 0 -1 4194560 777 0 0 0 12 3'), 777);
  assert.equal(parseStatMinorFaults('4242 (a) b (c) d) R 1 2 3 4 5 6 31337 8 9'), 31337);
  assert.equal(parseStatMinorFaults('not a stat line'), null);
  assert.equal(parseStatMinorFaults('1 (x) S 1 2'), null);
});

test('procCpu counts this process running and touching new memory', () => {
  const a = procCpu();
  assert.ok(a, 'this kernel has schedstat');
  const end = process.hrtime.bigint() + 150_000_000n;
  while (process.hrtime.bigint() < end);
  const b = procCpu()!;
  assert.ok(b.cpuNs - a.cpuNs >= 100e6, `ran ${(b.cpuNs - a.cpuNs) / 1e6} ms while spinning 150 ms`);
  // 64 MiB never touched before (its own mapping), one write per 4 KiB page.
  const mem = Buffer.allocUnsafeSlow(64 << 20);
  for (let i = 0; i < mem.length; i += 4096) mem[i] = 1;
  const c = procCpu()!;
  assert.ok(a.minorFaults !== null && b.minorFaults !== null && c.minorFaults !== null);
  assert.ok(c.minorFaults - b.minorFaults >= 8192, `${c.minorFaults - b.minorFaults} minor faults for 16384 new pages`);
});

test('a run records its CPU time and page faults per op, and bench.txt, the explain table and its text carry them', async () => {
  const { dir, cleanup } = await tmpDir('cpu-counters-');
  try {
    const name = 'BatchCommit/layout=wal/order=interleaved/vs=1024';
    const full = makePlan({ suite: 'smoke', scenarios: ['BatchCommit'], layouts: ['wal'], sizes: [1024], count: 1, ops: 300 });
    const plan: Plan = { ...full, groups: full.groups.map((g) => g.filter((c) => c.name === name)).filter((g) => g.length > 0) };
    const r = await runPlan({ plan, dataDir: path.join(dir, 'data'), raftDir: null, binding: 'rocksdb9', budget: { memtableBytes: 4 << 20, cacheBytes: 1 << 20 }, shouldStop: () => false });
    const run = r.benchmarks[0]!.runs[0]!;
    // A synced WAL append and a RocksDB put per op: syscalls and code, microseconds of CPU at least.
    assert.ok(typeof run.cpuNsPerOp === 'number' && run.cpuNsPerOp > 2_000, `cpu/op ${run.cpuNsPerOp}`);
    assert.ok(run.cpuNsPerOp < run.nsPerOp * 4, 'CPU per op within what 2 CPUs and the wall time allow');
    // The WAL's index keeps every entry (~1 KiB) and RocksDB's memtable grows: new pages every few ops.
    assert.ok(typeof run.minorFaultsPerOp === 'number' && run.minorFaultsPerOp > 0.1, `faults/op ${run.minorFaultsPerOp}`);
    const results = { benchmarks: r.benchmarks, warnings: [], complete: true, environment: {} } as unknown as ResultsFile;
    const units = resultsToBenchSet(results, 'x').records[0]!.values.map((v) => v.unit);
    assert.ok(units.includes('cpu-ns/op') && units.includes('minflt/op'), units.join(' '));
    const rows = observedTable(results);
    assert.equal(rows[0]!.cpuNs, run.cpuNsPerOp);
    assert.equal(rows[0]!.minorFaults, run.minorFaultsPerOp);
    assert.match(observedText(rows), /cpu wait\s+faults/);
  } finally {
    await cleanup();
  }
});

test('a cluster of node processes reports their CPU time and page faults over the run', async () => {
  const { dir, cleanup } = await tmpDir('cpu-counters-cluster-');
  try {
    const params = parseParams('ClusterWrite', clusterWrite.params, { vs: '1024', nodes: '3', clients: '1' });
    const inst = await clusterWrite.open({ params, layout: findLayout('wal'), layoutOptions: { dir, binding: 'rocksdb9', budget: { memtableBytes: 4 << 20, cacheBytes: 1 << 20 } }, seed: 1 });
    try {
      await inst.run(5, { record() {}, amend() {} }, () => false);
      await inst.collect?.('before');
      await inst.run(30, { record() {}, amend() {} }, () => false);
      await inst.collect?.('after');
      const remote = inst.remoteCpu?.();
      assert.ok(remote, 'a cluster of processes reports its CPU');
      // 30 writes, each appended and fdatasynced on three nodes plus raft messages: milliseconds of CPU.
      assert.ok(remote.cpuNs !== null && remote.cpuNs > 1e6, `nodes' cpu ${remote.cpuNs}`);
      assert.ok(remote.minorFaults !== null && remote.minorFaults >= 0);
    } finally {
      await inst.close();
    }
  } finally {
    await cleanup();
  }
});
