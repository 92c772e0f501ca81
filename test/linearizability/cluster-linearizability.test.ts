/**
 * The cluster's history under faults, checked for linearizability: clients put (through Cluster.put, with
 * sessions and retries) and read (ReadIndex, on any node) three keys while a seeded nemesis partitions the
 * network, isolates the leader, kills and restarts it, over an in-process network that delays and drops
 * messages. Fault and client choices replay from the seed; timing still comes from real timers.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryEngine } from '../../engines/memory.ts';
import type { LayoutDef } from '../../engines/layouts/index.ts';
import { DEFAULT_BUDGET, splitBudget } from '../../engines/memory-budget.ts';
import { Cluster, type ClusterFaults } from '../../node/cluster/cluster.ts';
import { LocalNetwork } from '../../node/transport/local-network.ts';
import { SeededRandom } from '../../raft/index.ts';
import { checkLinearizable, HistoryRecorder, type CheckResult } from './checker.ts';
import { FilterNetwork } from './filter-network.ts';

/**
 * Memory engines that outlive their store: a node stopped and started again finds everything it wrote,
 * as a killed process finds what it synced. Fast, so the test spends its time on the protocol.
 */
function memoryThatSurvivesRestarts(): LayoutDef {
  const engines = new Map<string, { raft: MemoryEngine; state: MemoryEngine }>();
  return {
    name: 'memory',
    summary: 'memory engines kept across restarts (tests)',
    separate: false,
    async open(o) {
      let e = engines.get(o.dir);
      if (!e) engines.set(o.dir, (e = { raft: new MemoryEngine(), state: new MemoryEngine() }));
      return { name: 'memory', raft: e.raft, state: e.state, syncCoversState: true, files: { raft: null, state: null }, description: 'memory (kept)', close: async () => {} };
    },
  };
}

interface RunOptions {
  readonly seed: number;
  readonly durationMs: number;
  readonly faults?: ClusterFaults;
  /**
   * What the nemesis does (default all): isolate the leader, partition one node from the rest, kill and
   * restart the leader, or `lag`: a follower gets no entries for a while (heartbeats still arrive).
   */
  readonly nemesis?: ReadonlyArray<'isolate' | 'partition' | 'kill' | 'lag'>;
}

interface RunResult {
  readonly result: CheckResult;
  readonly puts: number;
  readonly unknownPuts: number;
  readonly gets: number;
  readonly events: readonly string[];
}

async function run(o: RunOptions): Promise<RunResult> {
  const rng = new SeededRandom(o.seed);
  const netRng = rng.fork();
  const local = new LocalNetwork({ randomInt: netRng.randomInt, delayMs: [0, 3], drop: 0.02 });
  const net = new FilterNetwork(local);
  const cluster = await Cluster.open({
    nodes: 3,
    layout: memoryThatSurvivesRestarts(),
    layoutOptions: { dir: `mem-${o.seed}`, binding: 'rocksdb', budget: splitBudget(DEFAULT_BUDGET, 16) },
    network: net,
    tickMs: 5,
    seed: o.seed,
    truncation: { keep: 5, every: 20 },
    newClientId: (() => {
      let next = 1;
      return () => next++;
    })(),
    ...(o.faults ? { faults: o.faults } : {}),
  });
  const h = new HistoryRecorder();
  const events: string[] = [];
  const keys = ['k0', 'k1', 'k2'];
  let stopping = false;
  let puts = 0;
  let unknownPuts = 0;
  let gets = 0;

  const client = async (c: number) => {
    const r = rng.fork();
    for (let i = 0; !stopping; i++) {
      const key = keys[r.int(keys.length)]!;
      if (r.chance(0.5)) {
        const value = `c${c}-${i}`;
        const call = h.call();
        const out = await cluster.putOutcome(1, Buffer.from(key), Buffer.from(value), { timeoutMs: 400 });
        if (out.status === 'failed') continue;
        h.put(c, key, value, call, out.status);
        puts++;
        if (out.status === 'unknown') unknownPuts++;
      } else {
        const id = 1 + r.int(3);
        const store = cluster.stores[id - 1];
        if (!store) {
          await sleep(1);
          continue;
        }
        const call = h.call();
        try {
          const v = await store.get(1, Buffer.from(key), { timeoutMs: 200 });
          h.get(c, key, v === undefined ? null : Buffer.from(v).toString(), call);
          gets++;
        } catch {
          await sleep(1); // no leader known, node stopping, timed out: a failed read shows nothing
        }
      }
    }
  };

  const kinds = o.nemesis ?? ['isolate', 'partition', 'kill', 'lag'];
  /** One fault at a time, each lasting 20-150 ms, with 50-150 ms of calm between them. */
  const nemesis = async () => {
    const r = rng.fork();
    while (!stopping) {
      await sleep(50 + r.int(100));
      if (stopping) break;
      const leader = cluster.stores.find((s) => s?.isLeader(1));
      const follower = cluster.stores.find((s) => s !== null && s !== leader);
      const lasts = 20 + r.int(130);
      switch (kinds[r.int(kinds.length)]) {
        case 'isolate':
          if (!leader) break;
          local.isolate(leader.id);
          events.push(`isolate ${leader.id}`);
          await sleep(lasts);
          local.heal();
          break;
        case 'partition': {
          const alone = 1 + r.int(3);
          local.partition([[alone]]);
          events.push(`partition ${alone} | rest`);
          await sleep(lasts);
          local.heal();
          break;
        }
        case 'kill': {
          if (!leader) break;
          events.push(`kill ${leader.id}`);
          await cluster.stop(leader.id);
          await sleep(lasts);
          await cluster.start(leader.id);
          break;
        }
        case 'lag':
          if (!follower) break;
          // The follower still gets heartbeats (and read index answers), but no entries.
          net.block = (m) => m.to === follower.id && m.type === 'MsgApp';
          events.push(`lag ${follower.id}`);
          await sleep(lasts);
          net.block = () => false;
          break;
      }
    }
  };

  // The stores' tickers do not hold the process open; the test waiting on them must.
  const keepAlive = setInterval(() => {}, 1000);
  try {
    const clients = Array.from({ length: 6 }, (_, c) => client(c + 1));
    const nem = nemesis();
    await sleep(o.durationMs);
    stopping = true;
    await nem;
    await Promise.all(clients);
  } finally {
    await cluster.close();
    local.close();
    clearInterval(keepAlive);
  }
  return { result: checkLinearizable(h.ops), puts, unknownPuts, gets, events };
}

describe('linearizability of the cluster under partitions and leader kills', () => {
  it('a history of concurrent puts and ReadIndex reads is linearizable (seeded)', async (t) => {
    for (const seed of [1, 2]) {
      const r = await run({ seed, durationMs: 2500 });
      const where = `seed ${seed}: ${r.puts} puts (${r.unknownPuts} unknown), ${r.gets} reads; faults: ${r.events.join(', ')}`;
      t.diagnostic(where);
      assert.ok(r.result.ok, `not linearizable, ${where}\n${JSON.stringify(r.result.detail)}`);
      assert.ok(r.puts > 50 && r.gets > 50, `too little load, ${where}`);
      assert.ok(r.events.some((e) => e.startsWith('kill')) && r.events.some((e) => e.startsWith('isolate') || e.startsWith('partition')), `too few faults, ${where}`);
    }
  });

  it('the checker catches a ReadIndex that answers before the read index is applied (fault)', async (t) => {
    // A follower that gets no entries for a while lags: a read there must wait for them.
    const r = await run({ seed: 3, durationMs: 1500, nemesis: ['lag'], faults: { readBeforeApplied: true } });
    t.diagnostic(`${r.puts} puts, ${r.gets} reads; bad keys: ${r.result.badKeys.join(', ')}; faults: ${r.events.join(', ')}`);
    assert.equal(r.result.ok, false, `the broken ReadIndex went unnoticed: ${r.puts} puts, ${r.gets} reads`);
  });
});
