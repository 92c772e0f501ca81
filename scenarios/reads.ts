import { setTimeout as sleep } from 'node:timers/promises';
import { Cluster } from '../node/cluster/cluster.ts';
import { NotLeaderError, type Store } from '../node/store.ts';
import { LocalNetwork } from '../node/transport/local-network.ts';
import { closedLoop } from './client-load.ts';
import type { CaseInstance } from './family.ts';
import { defineFamily } from './family.ts';
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
 */
export const reads = defineFamily({
  name: 'Reads',
  summary: 'linearizable (ReadIndex, batched) vs serializable reads on a 3-node cluster, alone or under writes (etcd 3.1)',
  nameOrder: ['layout', 'read', 'load', 'vs', 'readers'],
  params: {
    read: enumParam(['linearizable', 'serializable'], 'linearizable'),
    load: enumParam(['none', 'writes'], 'none'),
    vs: VALUE_SIZE,
    readers: intParam(1, 10_000, 1),
  },
  bytesPerOp: (p) => p.vs,
  async open(ctx) {
    const { read: mode, load, readers } = ctx.params;
    const value = randomValue(ctx.params.vs);
    const network = new LocalNetwork();
    let opened: Cluster | null = null;
    const close = async () => {
      await opened?.close();
      network.close();
    };
    let cluster: Cluster;
    try {
      cluster = opened = await Cluster.open({ nodes: 3, layout: ctx.layout, layoutOptions: ctx.layoutOptions, network, truncation: DEFAULT_TRUNCATION, seed: ctx.seed });
      await cluster.leader(1);
      for (let i = 0; i < PRELOADED_KEYS; i += 32) {
        await Promise.all(Array.from({ length: Math.min(32, PRELOADED_KEYS - i) }, (_, j) => cluster.put(1, seqKey(KEY_PREFIX, i + j), value)));
      }
    } catch (err) {
      await close();
      throw err;
    }

    const readOnce = async (leader: Store, key: Buffer) => (mode === 'linearizable' ? leader.get(1, key) : leader.getLocal(1, key));
    const read = async (seq: number) => {
      const key = seqKey(KEY_PREFIX, seq % PRELOADED_KEYS);
      for (let attempt = 0; ; attempt++) {
        const leader = await cluster.leader(1);
        try {
          const v = await readOnce(leader, key);
          if (v === undefined) throw new Error(`Reads: preloaded key ${seq % PRELOADED_KEYS} not found`);
          return;
        } catch (err) {
          if (!(err instanceof NotLeaderError) || attempt >= 50) throw err;
          await sleep(2);
        }
      }
    };

    let writeSeq = 0;
    let writes = 0;
    let runWrites = 0;
    let messages = 0;
    let ops = 0;
    const instance: CaseInstance = {
      async run(n, sink, stop) {
        let done = false;
        const w0 = writes;
        const m0 = network.stats().sent;
        const writer = async () => {
          while (!done) {
            await cluster.put(1, seqKey(WRITE_PREFIX, writeSeq++), value);
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
        messages = network.stats().sent - m0;
        return ops;
      },
      engines: () => [...new Set(cluster.stores.flatMap((s) => (s ? [s.layout.raft, s.layout.state] : [])))],
      extra: () => ({
        writesPerRead: ops > 0 ? runWrites / ops : 0,
        messagesPerRead: ops > 0 ? messages / ops : 0,
      }),
      close,
    };
    return instance;
  },
});
