import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { clusterWrite } from '../../scenarios/cluster-write.ts';
import { parseParams } from '../../scenarios/params.ts';
import { findLayout } from '../../engines/layouts/index.ts';
import { makePlan } from '../../harness/runner/plan.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { dropIdleNodeProcesses, ProcessCluster } from '../../node/cluster/process-cluster.ts';
import { setTimeout as sleep } from 'node:timers/promises';

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
    const during = children();
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

/** Kills the kept node processes and waits until they are gone. */
async function dropIdle(): Promise<void> {
  const kept = children().filter(isNode);
  dropIdleNodeProcesses();
  for (let i = 0; i < 250 && children().some((pid) => kept.includes(pid)); i++) await sleep(20);
}

function isNode(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('process-node');
  } catch {
    return false;
  }
}

test('at most 8 node processes are kept; one past that is killed at close, without waiting out a timeout', async () => {
  await dropIdle();
  const before = children();
  const { dir, cleanup } = await tmpDir('ct-cap-');
  try {
    const clusters = await Promise.all([0, 1, 2].map((k) => ProcessCluster.open({ nodes: 3, layout: 'memory', dir: path.join(dir, `c${k}`) })));
    assert.equal(children().filter((pid) => !before.includes(pid)).length, 9);
    const t0 = Date.now();
    for (const c of clusters) await c.close();
    // A kill is answered in milliseconds; a lost exit listener would wait out close's 5 s bound.
    assert.ok(Date.now() - t0 < 4000, `close took ${Date.now() - t0} ms`);
    assert.equal(children().filter((pid) => !before.includes(pid) && isNode(pid)).length, 8, 'eight kept');
  } finally {
    await dropIdle();
    await cleanup();
  }
});

test('kept node processes do not outlive the bench: they exit when it does', { timeout: 60_000 }, async () => {
  const { dir, cleanup } = await tmpDir('ct-exit-');
  try {
    const script = path.join(dir, 'open-close.mts');
    const root = path.resolve(import.meta.dirname, '..', '..');
    writeFileSync(
      script,
      [
        `import { ProcessCluster } from ${JSON.stringify(path.join(root, 'node/cluster/process-cluster.ts'))};`,
        `const c = await ProcessCluster.open({ nodes: 3, layout: 'memory', dir: ${JSON.stringify(path.join(dir, 'data'))} });`,
        `await c.leader();`,
        `await c.put(Buffer.from('k'), Buffer.from('v'));`,
        `await c.close();`,
        // No exit call: the kept processes must not hold this process open either.
      ].join('\n'),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'ignore', 'inherit'] });
    // Every node process the script had, sampled while it runs (as it exits, its children exit too).
    const seen = new Set<number>();
    const sampler = setInterval(() => {
      for (const pid of childrenOf(child.pid!)) seen.add(pid);
    }, 20);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearInterval(sampler);
    const kept = [...seen];
    assert.equal(code, 0, 'the script ended by itself, kept processes and all');
    assert.equal(kept.length, 3, `saw ${kept.length} node processes`);
    for (let i = 0; i < 250 && kept.some(alive); i++) await sleep(20);
    assert.deepEqual(kept.filter(alive), [], 'every node process exited with its parent');
  } finally {
    await cleanup();
  }
});

function childrenOf(parent: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out.filter(isNode);
}

function alive(pid: number): boolean {
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

test('transport=tcp (the default) runs one process per node, gathers their counters, and keeps the processes for the next cluster', async () => {
  await dropIdle();
  const before = children();
  const r = await runCase({}, 30);
  const nodes = r.during.filter((pid) => !before.includes(pid));
  assert.equal(nodes.length, 3, 'three node processes while the case is open');
  // Closed, the nodes' processes stay (idle, holding no node) for the next cluster, which takes them.
  assert.deepEqual(children().filter((pid) => !before.includes(pid)).sort(), [...nodes].sort(), 'the node processes are kept after close');
  const again = await runCase({}, 5);
  assert.deepEqual(again.during.filter((pid) => !before.includes(pid)).sort(), [...nodes].sort(), 'the next cluster ran in the same processes');
  await dropIdle();
  assert.deepEqual(children(), before, 'dropIdleNodeProcesses ends them');
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
