import { findLayout } from '../engines/layouts/index.ts';
import { openMigratingLayout } from '../engines/layouts/migrating.ts';
import { fillStore } from '../node/fill-store.ts';
import { writeMarker } from '../node/layout-marker.ts';
import { layoutOpts, migrateStore, type MigrateResult } from '../node/migrate.ts';
import { OnlineMigration } from '../node/online-migration.ts';
import { Store } from '../node/store.ts';
import { defineFamily, type CaseContext, type CaseInstance } from './family.ts';
import { enumParam, intParam, VALUE_SIZE, type ParamsOf } from './params.ts';
import { nowNs } from './family.ts';
import { CLIENTS, DEFAULT_TRUNCATION, storeInstance } from './replica-write.ts';
import { seqKey } from './value.ts';

const KEY_PREFIX = Buffer.from('user/');
/** Truncation while the online window is open: the switch comes within a few ops of it opening. */
const SWITCH_TRUNCATION = { keep: 2, every: 3 } as const;
const PHASES = ['offline', 'before', 'dual', 'switch', 'after'] as const;

/**
 * The RFC's "Migration strategy", measured; `layout=` names the layout the store moves to from `shared`.
 *
 * - `phase=offline`: one op = the offline, store-level migration of a store with `groups` groups of
 *   `entries` log entries of `vs` bytes (node/migrate.ts: read, copy + sync, commit, verify, delete the
 *   old copy); the store is moved back, untimed, between ops. `extra`: bytes copied and phase times.
 * - `phase=before|dual|switch|after`: one op = one client put through a single-node replica (as
 *   ReplicaWrite) on `shared` (before), on a store in the online double-write window (`dual`, which never
 *   switches), on one that opens the window at the start of the timed run and switches at its next
 *   truncation (`switch`; `extra`: when the switch finished and what it cost), and on the target (after).
 */
const PARAMS = {
  phase: enumParam(PHASES, 'offline'),
  groups: intParam(1, 100_000, 1),
  entries: intParam(1, 10_000_000, 1000),
  vs: VALUE_SIZE,
  clients: CLIENTS,
} as const;
type MigrationParams = ParamsOf<typeof PARAMS>;

export const migration = defineFamily({
  name: 'Migration',
  summary: "the RFC's migration strategy: offline store migration time vs groups and log size; online double-write window and switch",
  nameOrder: ['layout', 'phase', 'groups', 'entries', 'vs', 'clients'],
  layouts: ['dedicated', 'wal', 'lmdb'],
  params: PARAMS,
  bytesPerOp: (p) => (p.phase === 'offline' ? p.groups * p.entries * p.vs : p.vs),
  async open(ctx) {
    const phase = ctx.params.phase;
    if (phase === 'offline') return openOffline(ctx);
    return openOnline(ctx, phase);
  },
});

async function openOffline(ctx: CaseContext<MigrationParams>): Promise<CaseInstance> {
  const { groups, entries } = ctx.params;
  const dir = ctx.layoutOptions.dir;
  const budget = ctx.layoutOptions.budget;
  const marker = { layout: 'shared', raftDir: null, binding: ctx.layoutOptions.binding };
  const layout = await findLayout('shared').open(layoutOpts(dir, marker, budget));
  try {
    await fillStore(layout, { groups, entries, valueBytes: ctx.params.vs });
  } finally {
    await layout.close();
  }
  await writeMarker(dir, marker);
  const to = ctx.layout.name;
  let last: MigrateResult | null = null;
  let sums = { bytes: 0, read: 0, copy: 0, verify: 0, cleanup: 0, n: 0 };
  return {
    async run(n, sink, stop) {
      sums = { bytes: 0, read: 0, copy: 0, verify: 0, cleanup: 0, n: 0 };
      let done = 0;
      for (; done < n && !stop(); done++) {
        const t0 = nowNs();
        last = await migrateStore({ dir, from: 'shared', to, budget });
        sink.record(nowNs() - t0);
        sums = { bytes: sums.bytes + last.bytes, read: sums.read + last.ms.read, copy: sums.copy + last.ms.copy, verify: sums.verify + last.ms.verify, cleanup: sums.cleanup + last.ms.cleanup, n: sums.n + 1 };
        await migrateStore({ dir, from: to, to: 'shared', budget });
      }
      return done;
    },
    engines: () => [],
    extra() {
      const k = Math.max(1, sums.n);
      return {
        bytesCopiedPerOp: sums.bytes / k,
        readMs: sums.read / k,
        copyMs: sums.copy / k,
        verifyMs: sums.verify / k,
        deleteOldMs: sums.cleanup / k,
        newDirBytes: last?.newDirBytes ?? 0,
      };
    },
    async close() {},
  };
}

async function openOnline(ctx: CaseContext<MigrationParams>, phase: 'before' | 'dual' | 'switch' | 'after'): Promise<CaseInstance> {
  if (phase === 'before' || phase === 'after') {
    const layout = await (phase === 'before' ? findLayout('shared') : ctx.layout).open(ctx.layoutOptions);
    const store = await Store.open({ id: 1, peers: [1], groups: [1], layout, truncation: DEFAULT_TRUNCATION, seed: ctx.seed });
    return storeInstance(store, ctx.params, (seq, value) => store.put(1, seqKey(KEY_PREFIX, seq), value), [store]);
  }
  const layout = await openMigratingLayout(ctx.layoutOptions, ctx.layout.name);
  const truncation = phase === 'switch' ? SWITCH_TRUNCATION : DEFAULT_TRUNCATION;
  const store = await Store.open({ id: 1, peers: [1], groups: [1], layout, truncation, seed: ctx.seed });
  let mig: OnlineMigration | null = phase === 'dual' ? await OnlineMigration.start(store, layout, [1], false, nowNs) : null;
  const inner = storeInstance(store, ctx.params, (seq, value) => store.put(1, seqKey(KEY_PREFIX, seq), value), [store]);
  let runs = 0;
  let runStart = 0;
  return {
    async run(n, sink, stop) {
      // `switch`: the warm-up runs on shared; the window opens as the timed run starts.
      if (phase === 'switch' && runs++ === 1) mig = await OnlineMigration.start(store, layout, [1], true, nowNs);
      runStart = nowNs();
      return inner.run(n, sink, stop);
    },
    engines: () => [layout.raft.oldEngine, layout.raft.newEngine],
    extra() {
      const s = mig?.stats;
      return {
        ...inner.extra?.(),
        switched: s?.switchedAtNs != null ? 1 : 0,
        switchAtMs: s?.switchedAtNs != null ? (s.switchedAtNs - runStart) / 1e6 : -1,
        switchMs: s ? s.switchNs / 1e6 : 0,
        rowsCopiedAtSwitch: s?.rowsCopiedAtSwitch ?? 0,
      };
    },
    close: () => inner.close(),
  };
}
