import { closedLoop } from './client-load.ts';
import type { CaseInstance } from './family.ts';
import { defineFamily } from './family.ts';
import { CLUSTER_NAME_ORDER, CLUSTER_PARAMS, conditionsExtra, netConditions, openCluster, RunCounters } from './cluster-target.ts';
import { enumParam, intParam, VALUE_SIZE } from './params.ts';
import { DEFAULT_TRUNCATION } from './replica-write.ts';
import { randomValue, seqKey } from './value.ts';

const KEY_PREFIX = Buffer.from('user/');
const WRITE_PREFIX = Buffer.from('load/');
/** Keys written before timing; reads cycle over them. */
const PRELOADED_KEYS = 256;
/** Concurrent closed-loop writers for `load=writes`. */
export const LOAD_WRITERS = 4;

/**
 * Reads on a 3-node cluster (etcd 3.1): one op = one read of a preloaded key on the leader.
 *
 * - `read=linearizable`: ReadIndex. The leader confirms its leadership with one heartbeat round that
 *   every read waiting at that moment shares (batched), waits until it applied that far, reads locally.
 *   No log write and no fsync.
 * - `read=serializable`: a local read of the applied state, no round trip (may be stale on a follower).
 *
 * `load=none` reads alone; `load=writes` runs `LOAD_WRITERS` closed-loop writers for the whole timed run,
 * so reads share the Ready loop with appends, fsyncs and applies. `extra` reports the writes done per
 * read and the messages sent per read (how well ReadIndex rounds are shared; heartbeats included).
 * One process per node by default (`transport=tcp`), with the conditions of `cluster-target.ts`.
 */
export const reads = defineFamily({
  name: 'Reads',
  summary: 'linearizable (ReadIndex, batched) vs serializable reads on a 3-node cluster of processes, alone or under writes (etcd 3.1)',
  nameOrder: ['layout', 'read', 'load', 'vs', 'readers', ...CLUSTER_NAME_ORDER],
  params: {
    read: enumParam(['linearizable', 'serializable'], 'linearizable'),
    load: enumParam(['none', 'writes'], 'none'),
    vs: VALUE_SIZE,
    readers: intParam(1, 10_000, 1),
    ...CLUSTER_PARAMS,
  },
  bytesPerOp: (p) => p.vs,
  async open(ctx) {
    const { read: mode, load, readers } = ctx.params;
    const value = randomValue(ctx.params.vs);
    const cluster = await openCluster(ctx, { nodes: 3, truncation: DEFAULT_TRUNCATION });
    try {
      for (let i = 0; i < PRELOADED_KEYS; i += 32) {
        await Promise.all(Array.from({ length: Math.min(32, PRELOADED_KEYS - i) }, (_, j) => cluster.put(seqKey(KEY_PREFIX, i + j), value)));
      }
    } catch (err) {
      await cluster.close();
      throw err;
    }

    const read = async (seq: number) => {
      const v = await cluster.read(seqKey(KEY_PREFIX, seq % PRELOADED_KEYS), mode === 'linearizable');
      if (v === null) throw new Error(`Reads: preloaded key ${seq % PRELOADED_KEYS} not found`);
    };

    const counters = new RunCounters(cluster);
    let writeSeq = 0;
    let writes = 0;
    let runWrites = 0;
    let ops = 0;
    const instance: CaseInstance = {
      async run(n, sink, stop) {
        let done = false;
        const w0 = writes;
        const writer = async () => {
          while (!done) {
            await cluster.put(seqKey(WRITE_PREFIX, writeSeq++), value);
            writes++;
          }
        };
        const writers = load === 'writes' ? Array.from({ length: LOAD_WRITERS }, writer) : [];
        try {
          ops = await closedLoop(readers, n, sink, stop, read);
        } finally {
          done = true;
          await Promise.all(writers);
        }
        runWrites = writes - w0;
        return ops;
      },
      engines: () => cluster.engines(),
      collect: (phase) => counters.collect(phase),
      ...(cluster.mode !== 'local' ? { remoteSyncs: () => counters.syncs(), remoteDiskBytes: () => counters.diskBytes(), remoteObserved: () => counters.observed(), remoteSchedWaitNs: () => counters.schedWaitNs(), remoteCpu: () => counters.cpu() } : {}),
      extra: () => ({
        writesPerRead: ops > 0 ? runWrites / ops : 0,
        messagesPerRead: ops > 0 ? counters.delta((c) => c.messagesSent) / ops : 0,
        readRoundsPerRead: ops > 0 ? counters.delta((c) => c.store.readRounds, true) / ops : 0,
        ...conditionsExtra(ctx.params, netConditions(ctx.params), cluster),
      }),
      close: () => cluster.close(),
    };
    return instance;
  },
});
