import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findLayout } from '../../engines/layouts/index.ts';
import { DEFAULT_BUDGET, splitBudget } from '../../engines/memory-budget.ts';
import { Cluster } from '../../node/cluster/cluster.ts';
import { LocalNetwork } from '../../node/transport/local-network.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import type { Engine } from '../../engines/engine.ts';

const budget = splitBudget(DEFAULT_BUDGET, 16);
const key = (i: number) => Buffer.from(`k${String(i).padStart(6, '0')}`);

async function until(cond: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

test('3-node cluster on dedicated: a follower cut off behind the truncated log catches up by snapshot', async () => {
  const { dir, cleanup } = await tmpDir('cluster-snap-');
  const network = new LocalNetwork();
  const cluster = await Cluster.open({
    nodes: 3,
    layout: findLayout('dedicated'),
    layoutOptions: { dir, binding: 'rocksdb', budget },
    network,
    truncation: { keep: 5, every: 20 },
  });
  try {
    const leader = await cluster.leader(1);
    const lagger = cluster.stores.find((s) => s && s !== leader)!;
    for (let i = 0; i < 10; i++) await cluster.put(1, key(i), Buffer.from(`v${i}`));
    network.isolate(lagger.id);
    for (let i = 10; i < 150; i++) await cluster.put(1, key(i), Buffer.from(`v${i}`));
    assert.ok(leader.logBounds(1).first > lagger.appliedIndex(1) + 1, 'the leader truncated past what the lagger has');
    network.heal();
    await until(() => lagger.appliedIndex(1) >= leader.appliedIndex(1), 'the lagger to catch up');
    assert.ok(lagger.stats.snapshotsInstalled >= 1, 'caught up by snapshot');
    assert.ok(leader.stats.snapshotsSent >= 1);
    for (let i = 0; i < 150; i++) assert.equal(Buffer.from((await lagger.getLocal(1, key(i)))!).toString(), `v${i}`, `key ${i} on the lagger`);
    for (const id of [1, 2, 3]) {
      assert.ok(existsSync(path.join(dir, `n${id}`, 'CURRENT')), `node ${id} state engine in its own dir`);
      assert.ok(existsSync(path.join(dir, `n${id}`, 'raft', 'CURRENT')), `node ${id} raft engine in its own dir`);
    }
  } finally {
    await cluster.close();
    network.close();
    await cleanup();
  }
});

test('3-node cluster on shared: the leader stops, a new one is elected, no acknowledged write is lost, the old leader rejoins', async () => {
  const { dir, cleanup } = await tmpDir('cluster-failover-');
  const network = new LocalNetwork();
  const cluster = await Cluster.open({ nodes: 3, layout: findLayout('shared'), layoutOptions: { dir, binding: 'rocksdb', budget }, network, truncation: { keep: 10, every: 30 } });
  try {
    const acked: number[] = [];
    for (let i = 0; i < 40; i++) {
      await cluster.put(1, key(i), Buffer.from(`v${i}`));
      acked.push(i);
    }
    const old = await cluster.leader(1);
    await cluster.stop(old.id);
    for (let i = 40; i < 80; i++) {
      await cluster.put(1, key(i), Buffer.from(`v${i}`));
      acked.push(i);
    }
    const fresh = await cluster.leader(1);
    assert.notEqual(fresh.id, old.id);
    const back = await cluster.start(old.id);
    await until(() => back.appliedIndex(1) >= fresh.appliedIndex(1), 'the old leader to catch up');
    for (const s of cluster.stores) {
      for (const i of acked) assert.ok(await s!.getLocal(1, key(i)), `node ${s!.id} lacks acknowledged key ${i}`);
    }
    // Linearizable read through ReadIndex on the new leader.
    assert.equal(Buffer.from((await fresh.get(1, key(79)))!).toString(), 'v79');
  } finally {
    await cluster.close();
    network.close();
    await cleanup();
  }
});

test('linearizable reads share ReadIndex rounds: 64 concurrent readers need far fewer rounds than reads, and see every acknowledged write', async () => {
  const { dir, cleanup } = await tmpDir('cluster-reads-');
  const network = new LocalNetwork();
  const cluster = await Cluster.open({ nodes: 3, layout: findLayout('memory'), layoutOptions: { dir, binding: 'rocksdb', budget }, network });
  try {
    const leader = await cluster.leader(1);
    await cluster.put(1, key(1), Buffer.from('v1'));
    const before = leader.stats.readRounds;
    const reads = await Promise.all(Array.from({ length: 64 }, () => leader.get(1, key(1))));
    for (const v of reads) assert.equal(Buffer.from(v!).toString(), 'v1');
    const rounds = leader.stats.readRounds - before;
    assert.ok(rounds >= 1 && rounds <= 4, `${rounds} rounds for 64 concurrent reads`);
    // A read that starts after a write was acknowledged sees it.
    await cluster.put(1, key(2), Buffer.from('v2'));
    assert.equal(Buffer.from((await leader.get(1, key(2)))!).toString(), 'v2');
  } finally {
    await cluster.close();
    network.close();
    await cleanup();
  }
});

// A store must not say an entry is applied before its state write has finished: whoever reads
// `appliedIndex` and then the state (the catch-up test above, a bench's counters, a caller waiting for a
// follower) must find what was applied. State writes here take 60 ms (fault injection: a slow engine),
// so a store that moved its applied index first is caught with the old value. Linearizable reads are
// checked too: their ReadIndex answer is handled in the Ready turn after the apply.
test('3-node cluster: appliedIndex never runs ahead of the state, and linearizable follower reads see every acknowledged write, with slow state writes', async () => {
  const { dir, cleanup } = await tmpDir('cluster-slow-apply-');
  const network = new LocalNetwork();
  const slowState = (e: Engine): Engine =>
    (e.dir ?? '').endsWith('raft')
      ? e
      : new Proxy(e, {
          get(t, p) {
            if (p === 'write') {
              return async (ops: Parameters<Engine['write']>[0], o: Parameters<Engine['write']>[1]) => {
                await sleep(60);
                return t.write(ops, o);
              };
            }
            const v: unknown = Reflect.get(t, p, t);
            return typeof v === 'function' ? v.bind(t) : v;
          },
        });
  const cluster = await Cluster.open({ nodes: 3, layout: findLayout('dedicated'), layoutOptions: { dir, binding: 'rocksdb9', budget, wrapEngine: slowState }, network });
  try {
    const leader = await cluster.leader(1);
    const followers = cluster.stores.filter((s) => s && s !== leader);
    for (let round = 0; round < 4; round++) {
      await cluster.put(1, key(0), Buffer.from(`v${round}`));
      const target = leader.appliedIndex(1);
      for (const f of followers) {
        await until(() => f!.appliedIndex(1) >= target, `follower ${f!.id} to apply index ${target}`);
        assert.equal(Buffer.from((await f!.getLocal(1, key(0)))!).toString(), `v${round}`, `follower ${f!.id} says index ${f!.appliedIndex(1)} is applied`);
      }
      const end = Date.now() + 200;
      while (Date.now() < end) {
        for (const f of followers) assert.equal(Buffer.from((await f!.get(1, key(0)))!).toString(), `v${round}`, `linearizable read on follower ${f!.id}`);
      }
    }
  } finally {
    await cluster.close();
    network.close();
    await cleanup();
  }
});
