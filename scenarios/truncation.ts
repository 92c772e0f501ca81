import { Store, type TruncationPolicy } from '../node/store.ts';
import type { CaseInstance } from './family.ts';
import { defineFamily, openOnLayout } from './family.ts';
import { enumParam, VALUE_SIZE } from './params.ts';
import { CLIENTS, storeInstance } from './replica-write.ts';
import { seqKey } from './value.ts';

const KEY_PREFIX = Buffer.from('user/');

/**
 * Truncation policies by name. `tight` truncates often and keeps little (many small truncations, each
 * forcing a state-engine sync under the RFC's rule); `loose` truncates rarely and in big steps (fewer,
 * larger blips); `none` never truncates (the log grows: the baseline without the cost).
 */
export const TRUNCATION_POLICIES = {
  tight: { keep: 10, every: 50 },
  loose: { keep: 200, every: 1000 },
  none: null,
  /** For smoke runs and tests: truncates within a couple of dozen ops. */
  eager: { keep: 1, every: 2 },
} as const satisfies Readonly<Record<string, TruncationPolicy | null>>;

type PolicyName = keyof typeof TRUNCATION_POLICIES;
const POLICY_NAMES = Object.keys(TRUNCATION_POLICIES) as PolicyName[];

/**
 * Sustained puts through a single-node replica while the log is truncated on a policy (`trunc=`), with
 * or without the RFC's rule (`rule=sync`: sync the state engine before deleting log entries whose
 * applications live only in it; `rule=nosync`: skip that sync, which loses data on a crash, see the
 * power-loss tests). The rule costs nothing on `shared` and `shared-cf`, where the log sync already
 * covers the state; on separate engines it adds one state-engine sync per truncation.
 *
 * One op = one client put; truncation runs inside the Ready loop, so its cost shows up as latency blips
 * of the ops waiting behind it (the per-run timeline) and in `extra`: how many truncations and syncs,
 * and their total and mean cost.
 */
export const truncation = defineFamily({
  name: 'Truncation',
  summary: 'puts while the log is truncated tight/loose/never, with or without the state-engine sync rule (RFC NB paragraph)',
  nameOrder: ['layout', 'trunc', 'rule', 'vs', 'clients'],
  layouts: ['shared', 'dedicated', 'shared-cf', 'wal', 'wal-per-group', 'lmdb', 'memory'],
  params: { trunc: enumParam(POLICY_NAMES, 'tight'), rule: enumParam(['sync', 'nosync'], 'sync'), vs: VALUE_SIZE, clients: CLIENTS },
  bytesPerOp: (p) => p.vs,
  open: (ctx) => openOnLayout(ctx, async (layout) => {
    const policy: TruncationPolicy | null = TRUNCATION_POLICIES[ctx.params.trunc];
    const rule = ctx.params.rule;
    const store = await Store.open({ id: 1, peers: [1], groups: [1], layout, truncation: policy, truncationSync: rule === 'sync', seed: ctx.seed });
    const inner = storeInstance(store, ctx.params, (seq, value) => store.put(1, seqKey(KEY_PREFIX, seq), value), [store]);
    const instance: CaseInstance = {
      run: (n, sink, stop) => inner.run(n, sink, stop),
      engines: () => inner.engines(),
      extra() {
        const e = inner.extra?.() ?? {};
        const syncs = e.truncationSyncs ?? 0;
        const { first, last } = store.logBounds(1);
        return {
          ...e,
          truncationSyncMeanUs: syncs > 0 ? ((e.truncationSyncMs ?? 0) * 1000) / syncs : 0,
          // entries left in the log at the end of the run: bounded by the policy, or every entry
          logEntries: last - first + 1,
        };
      },
      close: () => inner.close(),
    };
    return instance;
  }),
});
