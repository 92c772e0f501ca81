import { Store, type StoreStats } from '../node/store.ts';
import type { CaseInstance, Family } from './family.ts';
import { closedLoop } from './client-load.ts';
import { groupCommit } from './group-commit.ts';
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
export const replicaWrite: Family = {
  name: 'ReplicaWrite',
  summary: 'one client put through a single-node replica: propose, append+sync, commit, apply, ack (RFC replica-level)',
  nameOrder: ['layout', 'vs', 'clients', 'batch', 'batchwait'],
  bytesPerOp: (p) => Number(p.vs),
  async open(ctx) {
    const layout = await ctx.layout.open(ctx.layoutOptions);
    const store = await Store.open({ id: 1, peers: [1], groups: [1], layout, truncation: DEFAULT_TRUNCATION, seed: ctx.seed, ...groupCommit(ctx.params) });
    return storeInstance(store, ctx.params, async (seq, value) => store.put(1, seqKey(KEY_PREFIX, seq), value), [store]);
  },
};

/** A CaseInstance that drives `put` from `clients` closed-loop clients and reports the stores' counters. */
export function storeInstance(
  store: Store,
  params: Readonly<Record<string, string>>,
  put: (seq: number, value: Buffer) => Promise<void>,
  stores: readonly Store[],
  close: () => Promise<void> = () => store.close(),
): CaseInstance {
  const value = randomValue(Number(params.vs));
  const clients = Number(params.clients ?? 1);
  let next = 0;
  let before: StoreStats[] = [];
  let ops = 0;
  return {
    async run(n, sink, stop) {
      const first = next;
      next += n;
      before = stores.map((s) => ({ ...s.stats }));
      ops = await closedLoop(clients, n, sink, stop, (i) => put(first + i, value));
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
