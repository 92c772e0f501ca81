import { Store, type StoreStats } from '../node/store.ts';
import type { CaseInstance } from './family.ts';
import { defineFamily, openOnLayout } from './family.ts';
import { intParam, VALUE_SIZE } from './params.ts';
import { driveLoad, OPEN_LOOP_PARAMS, type Arrival } from './client-load.ts';
import { GROUP_COMMIT_PARAMS, groupCommit } from './group-commit.ts';
import { randomValue, seqKey } from './value.ts';

/** Log truncation used by replica scenarios unless a family says otherwise. */
export const DEFAULT_TRUNCATION = { keep: 50, every: 500 } as const;

const KEY_PREFIX = Buffer.from('user/');

/**
 * The RFC's replica-level benchmark: one op = one client put through a single-node replica (propose,
 * append + sync, commit, apply, acknowledge). `clients=1` is sequential; with more clients the store's
 * group commit puts every proposal waiting during a sync into the next append. Axes `batch` (1, auto, N)
 * and `batchwait` (µs) set that group commit (`group-commit.ts`).
 */
/** Concurrent closed-loop clients: more than this is a typo, not a scenario. */
export const CLIENTS = intParam(1, 10_000, 1);

export const replicaWrite = defineFamily({
  name: 'ReplicaWrite',
  summary: 'one client put through a single-node replica: propose, append+sync, commit, apply, ack (RFC replica-level)',
  nameOrder: ['layout', 'vs', 'clients', 'batch', 'batchwait', 'rate', 'arrival'],
  params: { vs: VALUE_SIZE, clients: CLIENTS, ...GROUP_COMMIT_PARAMS, ...OPEN_LOOP_PARAMS },
  bytesPerOp: (p) => p.vs,
  open: (ctx) => openOnLayout(ctx, async (layout) => {
    const store = await Store.open({ id: 1, peers: [1], groups: [1], layout, truncation: DEFAULT_TRUNCATION, seed: ctx.seed, ...groupCommit(ctx.params) });
    return storeInstance(store, ctx.params, async (seq, value) => store.put(1, seqKey(KEY_PREFIX, seq), value), [store], undefined, ctx.seed);
  }),
});

/**
 * A CaseInstance that drives `put` from `clients` closed-loop clients, or, with `rate` > 0, at `rate`
 * ops/s open loop with at most `clients` in flight (`client-load.ts`), and reports the stores' counters.
 */
export function storeInstance(
  store: Store,
  params: { readonly vs: number; readonly clients: number; readonly rate?: number; readonly arrival?: Arrival },
  put: (seq: number, value: Buffer) => Promise<void>,
  stores: readonly Store[],
  close: () => Promise<void> = () => store.close(),
  seed = 1,
): CaseInstance {
  const value = randomValue(params.vs);
  const clients = params.clients;
  let next = 0;
  let before: StoreStats[] = [];
  let ops = 0;
  let runs = 0;
  return {
    async run(n, sink, stop) {
      const first = next;
      next += n;
      before = stores.map((s) => ({ ...s.stats }));
      // The leader's truncations, marked on the latency-over-time chart where they happened.
      const off = store.onTruncation(() => sink.mark?.('truncation'));
      try {
        ops = await driveLoad(clients, n, sink, stop, (i) => put(first + i, value), params, seed, runs++);
      } finally {
        off();
      }
      return ops;
    },
    engines: () => [...new Set(stores.flatMap((s) => [s.layout.raft, s.layout.state]))],
    extra() {
      const d = (k: keyof StoreStats) => stores.reduce((sum, s, i) => sum + s.stats[k] - (before[i]?.[k] ?? 0), 0);
      const leader = stores[0]!;
      const b0 = before[0];
      const logSyncs = leader.stats.logSyncs - (b0?.logSyncs ?? 0);
      return {
        leaderLogSyncsPerOp: ops > 0 ? logSyncs / ops : 0,
        opsPerLeaderSync: logSyncs > 0 ? ops / logSyncs : 0,
        truncations: d('truncations'),
        truncationSyncs: d('truncationSyncs'),
        truncationSyncMs: d('truncationSyncNs') / 1e6,
        snapshotsSent: d('snapshotsSent'),
      };
    },
    close,
  };
}
