import { setTimeout as sleep } from 'node:timers/promises';
import { Store } from '../node/store.ts';
import type { Layout } from '../engines/layouts/index.ts';
import type { CaseInstance } from './family.ts';
import { defineFamily, nowNs, openOnLayout } from './family.ts';
import { intParam, VALUE_SIZE } from './params.ts';
import { OPEN_LOOP_PARAMS, type Arrival } from './client-load.ts';
import { CLIENTS, DEFAULT_TRUNCATION, storeInstance } from './replica-write.ts';
import { seqKey } from './value.ts';

const KEY_PREFIX = Buffer.from('user/');
/** The RFC: "any given store could have thousands of replicas". More than this is a typo, not a scenario. */
const MAX_GROUPS = 100_000;

/**
 * Many raft groups on one store (the RFC's "thousands of replicas per store"): one op = one client put
 * to group `seq mod groups`, so concurrent clients spread uniformly over the groups. One node, one
 * Ready loop: every group's appends taken in one turn go into one synced batch on the raft engine. On
 * `wal` that batch is one record run in one shared, multi-access log; on `wal-per-group` it is split
 * into one fdatasync per group touched (the RFC's "non-starter", measured rather than assumed).
 *
 * Opening elects every group and applies its first (empty) entry before timing starts, so the timed
 * run holds only client puts; the time that took is reported as `openMs`.
 */
export const multiRange = defineFamily({
  name: 'MultiRange',
  summary: 'one put to one of N raft groups on one store (1, 100, 1000; RFC: thousands of replicas per store)',
  nameOrder: ['layout', 'groups', 'vs', 'clients', 'rate', 'arrival'],
  layouts: ['shared', 'dedicated', 'shared-cf', 'wal', 'wal-per-group', 'lmdb', 'memory'],
  params: { groups: intParam(1, MAX_GROUPS, 1), vs: VALUE_SIZE, clients: CLIENTS, ...OPEN_LOOP_PARAMS },
  bytesPerOp: (p) => p.vs,
  open: (ctx) => {
    const groups = ctx.params.groups;
    const t0 = nowNs();
    return openOnLayout(ctx, (layout) => onStore(ctx.params, ctx.seed, layout, groups, t0));
  },
});

async function onStore(params: { readonly vs: number; readonly clients: number; readonly rate: number; readonly arrival: Arrival }, seed: number, layout: Layout, groups: number, t0: number): Promise<CaseInstance> {
  const ids = Array.from({ length: groups }, (_, i) => i + 1);
  const store = await Store.open({ id: 1, peers: [1], groups: ids, layout, truncation: DEFAULT_TRUNCATION, seed });
  try {
    await allLeading(store, ids);
  } catch (err) {
    await store.close();
    throw err;
  }
  const openMs = (nowNs() - t0) / 1e6;
  const inner = storeInstance(store, params, (seq, value) => store.put((seq % groups) + 1, seqKey(KEY_PREFIX, seq), value), [store], undefined, seed);
  let before: number[] = [];
  const instance: CaseInstance = {
    async run(n, sink, stop) {
      before = ids.map((g) => store.appliedIndex(g));
      return inner.run(n, sink, stop);
    },
    engines: () => inner.engines(),
    extra() {
      const groupsWritten = ids.reduce((k, g, i) => k + (store.appliedIndex(g) > (before[i] ?? 0) ? 1 : 0), 0);
      return { ...inner.extra?.(), openMs, groupsWritten };
    },
    close: () => inner.close(),
  };
  return instance;
}

/** Waits until `store` leads every group and has applied its first entry (single node: at once). */
async function allLeading(store: Store, ids: readonly number[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (ids.every((g) => store.isLeader(g) && store.appliedIndex(g) >= 1)) return;
    if (Date.now() > deadline) throw new Error(`MultiRange: not every one of ${ids.length} groups elected within ${timeoutMs} ms`);
    await sleep(1);
  }
}
