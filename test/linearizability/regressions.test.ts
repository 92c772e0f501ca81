/**
 * Two schedules, each made exactly by the test, whose histories the checker must judge: the retried put
 * of issue 14 and a ReadIndex that answers before the read index is applied. Each runs twice: as the
 * code is (linearizable) and with the fault that re-creates the bug (the checker must find a violation).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { findLayout } from '../../engines/layouts/index.ts';
import { DEFAULT_BUDGET, splitBudget } from '../../engines/memory-budget.ts';
import { Cluster, type ClusterFaults } from '../../node/cluster/cluster.ts';
import { fateOf, ProposalDroppedError } from '../../node/client-errors.ts';
import type { Store } from '../../node/store.ts';
import { LocalNetwork } from '../../node/transport/local-network.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { checkLinearizable, HistoryRecorder } from './checker.ts';
import { FilterNetwork } from './filter-network.ts';

const budget = splitBudget(DEFAULT_BUDGET, 16);
const K = Buffer.from('k');
const text = (v: Uint8Array | undefined) => (v === undefined ? null : Buffer.from(v).toString());

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

async function withCluster<T>(opts: { faults?: ClusterFaults; checkQuorum?: boolean }, body: (c: Cluster, net: FilterNetwork, local: LocalNetwork) => Promise<T>): Promise<T> {
  const { dir, cleanup } = await tmpDir('lin-reg-');
  // The stores' tickers do not hold the process open; a test waiting on the cluster must.
  const keepAlive = setInterval(() => {}, 1000);
  const local = new LocalNetwork();
  const net = new FilterNetwork(local);
  const cluster = await Cluster.open({
    nodes: 3,
    layout: findLayout('memory'),
    layoutOptions: { dir, binding: 'rocksdb', budget },
    network: net,
    seed: 7,
    ...opts,
  });
  try {
    return await body(cluster, net, local);
  } finally {
    await cluster.close();
    local.close();
    await cleanup();
    clearInterval(keepAlive);
  }
}

/**
 * Issue 14's schedule: the followers hold the entry of A's put k=v1 but the leader L never hears that;
 * L is cut off; a new leader commits v1 (read R1 sees it); B's put k=v2 is acknowledged (R2 sees it);
 * the partition heals, L learns of the new term and answers A "leadership lost"; A's client retries.
 * The read R3 after A returns must still see v2: A's write may apply once, not twice.
 *
 * Check-quorum is off here only to fix the order: with it, L would step down (and A retry) at a time
 * the election races with; off, L hears of the new term exactly when the test heals the network.
 */
async function retriedPut(faults: ClusterFaults): Promise<{ history: HistoryRecorder; r3: string | null; aStatus: string; aFate: string | undefined; skipped: number }> {
  return withCluster({ faults, checkQuorum: false }, async (cluster, net, local) => {
    const h = new HistoryRecorder();
    const L = await cluster.leader(1);
    const [F1, F2] = cluster.stores.filter((s): s is Store => s !== null && s !== L);
    await cluster.put(1, Buffer.from('warm-up'), Buffer.from('x'));
    await until(() => F1!.appliedIndex(1) === L.appliedIndex(1) && F2!.appliedIndex(1) === L.appliedIndex(1), 'followers to catch up');

    // L still sends, but hears nothing: the followers take A's entry, L never learns it committed.
    net.block = (m) => m.to === L.id;
    const before = L.logBounds(1).last;
    const aCall = h.call();
    const a = cluster.putOutcome(1, K, Buffer.from('v1'), { timeoutMs: 15_000 });
    await until(() => L.logBounds(1).last > before, 'A to be proposed');
    const aIndex = L.logBounds(1).last;
    await until(() => F1!.logBounds(1).last >= aIndex && F2!.logBounds(1).last >= aIndex, 'the followers to hold A');

    local.isolate(L.id);
    net.block = () => false;
    F1!.campaign(1);
    await until(() => F1!.isLeader(1) && F1!.appliedIndex(1) >= aIndex, 'a new leader to commit A');

    const r1 = h.call();
    h.get(1, 'k', text(await F1!.get(1, K)), r1);
    const bCall = h.call();
    const b = await cluster.putOutcome(1, K, Buffer.from('v2'), { timeoutMs: 5000 });
    assert.equal(b.status, 'committed');
    h.put(2, 'k', 'v2', bCall, 'committed');
    const r2 = h.call();
    h.get(3, 'k', text(await F1!.get(1, K)), r2);

    // L learns the new term, steps down and fails A's attempt as "leadership lost"; A's client retries.
    local.heal();
    const ao = await a;
    assert.notEqual(ao.status, 'failed', 'an attempt that may still commit is never reported failed');
    h.put(4, 'k', 'v1', aCall, ao.status === 'committed' ? 'committed' : 'unknown');
    const leader = await cluster.leader(1);
    await until(() => leader.appliedIndex(1) >= Math.max(F1!.appliedIndex(1), L.appliedIndex(1)), 'the leader to apply everything');
    const r3Call = h.call();
    const r3 = text(await leader.get(1, K));
    h.get(1, 'k', r3, r3Call);
    const skipped = cluster.stores.reduce((n, s) => n + (s?.stats.duplicatesSkipped ?? 0), 0);
    return { history: h, r3, aStatus: ao.status, aFate: ao.status === 'committed' ? undefined : fateOf(ao.error), skipped };
  });
}

describe('regression: a retried put applies at most once (issue 14)', () => {
  it('retrying with the same session: the duplicate is answered from the session, the history is linearizable', async () => {
    const { history, r3, aStatus, skipped } = await retriedPut({});
    assert.equal(aStatus, 'committed', 'the retry finds A applied and answers committed');
    assert.ok(skipped >= 1, 'the retry reached the log and was skipped by the session');
    assert.equal(r3, 'v2');
    const r = checkLinearizable(history.ops);
    assert.ok(r.ok, `not linearizable: ${JSON.stringify(r.detail)}`);
  });

  it('the old behaviour (a retry as a new write) applies A twice, and the checker reports it', async () => {
    const { history, r3 } = await retriedPut({ retryAsNewWrite: true });
    assert.equal(r3, 'v1', 'the duplicate landed after B');
    const r = checkLinearizable(history.ops);
    assert.equal(r.ok, false);
    assert.deepEqual(r.badKeys, ['k']);
  });
});

/**
 * A follower that gets heartbeats but no entries lags behind the commit index; a linearizable read on it
 * must wait until it applied up to the read index. The fault answers at once, from the stale state.
 */
async function laggingFollowerRead(faults: ClusterFaults): Promise<{ history: HistoryRecorder; read: string | null }> {
  return withCluster({ faults }, async (cluster, net) => {
    const h = new HistoryRecorder();
    const L = await cluster.leader(1);
    const F = cluster.stores.find((s): s is Store => s !== null && s !== L)!;
    let c = h.call();
    await cluster.put(1, K, Buffer.from('v1'));
    h.put(1, 'k', 'v1', c, 'committed');
    await until(() => F.appliedIndex(1) === L.appliedIndex(1), 'the follower to apply v1');

    net.block = (m) => m.to === F.id && m.type === 'MsgApp';
    c = h.call();
    await cluster.put(1, K, Buffer.from('v2'));
    h.put(1, 'k', 'v2', c, 'committed');
    // Entries flow again a little later, so the correct read can finish.
    setTimeout(() => (net.block = () => false), 150).unref();
    c = h.call();
    const read = text(await F.get(1, K, { timeoutMs: 5000 }));
    h.get(2, 'k', read, c);
    return { history: h, read };
  });
}

describe('regression: ReadIndex waits until the read index is applied', () => {
  it('a read on a lagging follower waits and sees the acknowledged write', async () => {
    const { history, read } = await laggingFollowerRead({});
    assert.equal(read, 'v2');
    assert.ok(checkLinearizable(history.ops).ok);
  });

  it('a ReadIndex that answers before applying (fault) reads stale, and the checker reports it', async () => {
    const { history, read } = await laggingFollowerRead({ readBeforeApplied: true });
    assert.equal(read, 'v1');
    const r = checkLinearizable(history.ops);
    assert.equal(r.ok, false);
  });
});

describe('client outcomes, timeouts and check-quorum', () => {
  it('Store.put on an isolated leader ends: check-quorum makes it step down and the put is unknown, not failed', async () => {
    await withCluster({}, async (cluster, _net, local) => {
      const L = await cluster.leader(1);
      await cluster.put(1, K, Buffer.from('v0'));
      local.isolate(L.id);
      const t0 = Date.now();
      const err = await L.put(1, K, Buffer.from('v1'), { session: { client: 99, seq: 1 } }).then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(err instanceof ProposalDroppedError, `got ${String(err)}`);
      assert.equal(err.code, 'leadership-lost');
      assert.equal(fateOf(err), 'unknown');
      assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
      assert.equal(L.isLeader(1), false);
    });
  });

  it('timeouts and aborts: failed while queued, unknown once proposed; a put to a follower is failed', async () => {
    await withCluster({ checkQuorum: false }, async (cluster, _net, local) => {
      const L = await cluster.leader(1);
      const F = cluster.stores.find((s): s is Store => s !== null && s !== L)!;
      const follower = await F.put(1, K, Buffer.from('x')).then(() => null, (e: unknown) => e);
      assert.equal(fateOf(follower), 'failed');

      const aborted = new AbortController();
      aborted.abort();
      const early = await L.put(1, K, Buffer.from('x'), { signal: aborted.signal }).then(() => null, (e: unknown) => e);
      assert.ok(early instanceof ProposalDroppedError && early.code === 'aborted');
      assert.equal(fateOf(early), 'failed');

      // No check-quorum: an isolated leader keeps proposing and never commits; only the deadline ends it.
      local.isolate(L.id);
      const timedOut = await L.put(1, K, Buffer.from('x'), { timeoutMs: 100 }).then(() => null, (e: unknown) => e);
      assert.ok(timedOut instanceof ProposalDroppedError && timedOut.code === 'timeout', String(timedOut));
      assert.equal(fateOf(timedOut), 'unknown');
      const ac = new AbortController();
      const p = L.put(1, K, Buffer.from('x'), { signal: ac.signal }).then(() => null, (e: unknown) => e);
      await sleep(20);
      ac.abort();
      const abortedLate = await p;
      assert.ok(abortedLate instanceof ProposalDroppedError && abortedLate.code === 'aborted');
      assert.equal(fateOf(abortedLate), 'unknown');
      local.heal();
    });
  });

  it('sessions survive a restart and a snapshot: a retry of an applied request is not applied again', async () => {
    const { dir, cleanup } = await tmpDir('lin-sess-');
    const local = new LocalNetwork();
    const cluster = await Cluster.open({
      nodes: 3,
      layout: findLayout('shared'),
      layoutOptions: { dir, binding: 'rocksdb', budget },
      network: local,
      truncation: { keep: 2, every: 5 },
      checkQuorum: false, // no leader lease: the lagger may take over when the test asks it to
    });
    try {
      const L = await cluster.leader(1);
      const lagger = cluster.stores.find((s): s is Store => s !== null && s !== L)!;
      const session = { client: 4242, seq: 1 };
      await cluster.put(1, K, Buffer.from('once'), { session });
      await cluster.put(1, K, Buffer.from('later'));
      // The lagger misses the log and catches up by snapshot: the session must come with it.
      local.isolate(lagger.id);
      for (let i = 0; i < 30; i++) await cluster.put(1, Buffer.from(`f${i}`), Buffer.from('x'));
      local.heal();
      await until(() => lagger.appliedIndex(1) >= L.appliedIndex(1), 'the lagger to catch up', 15_000);
      assert.ok(lagger.stats.snapshotsInstalled >= 1, 'caught up by snapshot');
      // Every node restarts from its data directory.
      for (const id of cluster.peers) {
        await cluster.stop(id);
        await cluster.start(id);
      }
      // Make the lagger the leader, so the retry is judged by the sessions it got from the snapshot.
      const lag = cluster.stores[lagger.id - 1]!;
      await cluster.leader(1);
      for (let i = 0; i < 100 && !lag.isLeader(1); i++) {
        lag.campaign(1);
        await sleep(50);
      }
      assert.ok(lag.isLeader(1), 'the lagger became leader');
      await cluster.put(1, K, Buffer.from('once'), { session });
      assert.equal(text(await lag.get(1, K)), 'later', 'the retried request was not applied again');
    } finally {
      await cluster.close();
      local.close();
      await cleanup();
    }
  });
});
