import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { clusterWrite } from '../../scenarios/cluster-write.ts';
import { parseParams } from '../../scenarios/params.ts';
import { findLayout } from '../../engines/layouts/index.ts';
import { makePlan } from '../../harness/runner/plan.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

/** Pids whose parent is this process (the node processes a tcp case forks). */
function children(): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid) out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

async function runCase(raw: Record<string, string>, ops: number, warmup = 0) {
  const params = parseParams('ClusterWrite', clusterWrite.params, { vs: '1024', nodes: '3', clients: '1', ...raw });
  const { dir, cleanup } = await tmpDir('ct-');
  const latencies: number[] = [];
  try {
    const inst = await clusterWrite.open({ params, layout: findLayout(raw.layout ?? 'wal'), layoutOptions: { dir, binding: 'rocksdb', budget: { memtableBytes: 4 << 20, cacheBytes: 1 << 20 } }, seed: 1 });
    const during = children().length;
    try {
      await inst.run(warmup, { record() {}, amend() {} }, () => false); // past the election's catch-up rounds
      await inst.collect?.('before');
      const n = await inst.run(ops, { record: (ns) => latencies.push(ns), amend() {} }, () => false);
      await inst.collect?.('after');
      assert.equal(n, ops);
      return { extra: inst.extra!(), engines: inst.engines().length, remoteSyncs: inst.remoteSyncs?.() ?? null, observed: inst.remoteObserved?.() ?? null, schedWait: inst.remoteSchedWaitNs?.() ?? null, latencies, during };
    } finally {
      await inst.close();
    }
  } finally {
    await cleanup();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

test('transport=tcp (the default) runs one process per node, gathers their counters, and leaves no process behind', async () => {
  const before = children().length;
  const r = await runCase({}, 30);
  assert.equal(r.during - before, 3, 'three node processes while the case is open');
  assert.equal(children().length, before, 'node processes gone after close');
  assert.equal(r.engines, 0, 'no engine in this process');
  assert.equal(r.extra.nodeProcesses, 1);
  // One client: every write is one synced append on the leader and on each follower.
  assert.ok(r.extra.leaderLogSyncsPerOp! >= 0.95, `leader syncs/op ${r.extra.leaderLogSyncsPerOp}`);
  assert.ok(r.extra.clusterLogSyncsPerOp! >= 2.5, `cluster log syncs/op ${r.extra.clusterLogSyncsPerOp}`);
  assert.ok(r.remoteSyncs! >= 30 * 2.5, `remote syncs ${r.remoteSyncs}`);
  assert.ok(r.extra.raftBytesPerOp! >= 3 * 1024, `raft bytes/op ${r.extra.raftBytesPerOp}`);
  // The engines' own counts come back from the node processes: the WAL's fdatasyncs on every node.
  assert.ok(r.observed, 'the nodes reported their engines\' counts');
  assert.equal(r.observed.countsSyncs, true);
  assert.ok(r.observed.stats.durableSyncs! >= 30 * 2.5, `engine syncs ${r.observed.stats.durableSyncs}`);
  assert.ok(r.observed.payloadBytes >= 30 * 3 * 1024, `payload ${r.observed.payloadBytes}`);
  // And how long their threads waited for a CPU (a number; it may be small on an idle machine).
  assert.equal(typeof r.schedWait, 'number');
  assert.ok(r.schedWait! >= 0);
});

test('rtt=10ms costs every write at least the round trip, on both transports; a slow follower is not waited for', async () => {
  for (const transport of ['local', 'tcp']) {
    const r = await runCase({ layout: 'memory', transport, rtt: '10ms', slow: '100' }, 9, 6);
    assert.ok(median(r.latencies) >= 10e6, `${transport}: median ${median(r.latencies) / 1e6} ms`);
    assert.equal(r.extra.rttMsEmulated, 10);
    assert.equal(r.extra.slowSyncMsEmulated, 100);
    // The slow member is node 3; node 1 campaigns first, so a quorum (1 and 2) need not wait for it.
    if (r.extra.slowIsLeader === 0) assert.ok(median(r.latencies) < 60e6, `${transport}: median ${median(r.latencies) / 1e6} ms waited for the slow follower`);
  }
});

test('cluster axes at their defaults stay out of benchmark names', () => {
  const plain = makePlan({ suite: 'smoke', scenarios: ['ClusterWrite', 'Reads', 'ADR'] });
  assert.ok(plain.groups.every((g) => g.every((c) => !/transport=|rtt=|loss=|slow=/.test(c.name))));
  const p = makePlan({ suite: 'smoke', scenarios: ['ClusterWrite'], layouts: ['wal'], axes: { transport: ['tcp', 'local'], rtt: ['1ms'] } });
  const names = p.groups.flatMap((g) => g.map((c) => c.name));
  assert.deepEqual(names, ['ClusterWrite/layout=wal/nodes=3/vs=1024/clients=16/transport=tcp/rtt=1ms', 'ClusterWrite/layout=wal/nodes=3/vs=1024/clients=16/transport=local/rtt=1ms']);
});
