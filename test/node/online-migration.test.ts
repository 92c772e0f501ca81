import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findLayout } from '../../engines/layouts/index.ts';
import { openMigratingLayout } from '../../engines/layouts/migrating.ts';
import { DEFAULT_BUDGET, splitBudget } from '../../engines/memory-budget.ts';
import { hardStateKey, logRange } from '../../node/keys.ts';
import { digestGroup } from '../../node/migrate.ts';
import { OnlineMigration } from '../../node/online-migration.ts';
import { Store } from '../../node/store.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

const budget = splitBudget(DEFAULT_BUDGET, 8);
const nowNs = () => Number(process.hrtime.bigint());

test('online migration: double writes, switch at the next truncation, and the store is then a dedicated store', async () => {
  const { dir, cleanup } = await tmpDir('online-mig-');
  try {
    const opts = { dir, binding: 'rocksdb' as const, budget };
    const layout = await openMigratingLayout(opts, 'dedicated');
    // keep 20: the first truncation in the window keeps entries written before it, which must be copied.
    const store = await Store.open({ id: 1, peers: [1], groups: [1], layout, truncation: { keep: 20, every: 5 }, seed: 1 });
    const put = (i: number) => store.put(1, Buffer.from(`k${i}`), Buffer.from(`v${i}`));
    for (let i = 0; i < 30; i++) await put(i);
    const mig = await OnlineMigration.start(store, layout, [1], true, nowNs);
    assert.equal(layout.raft.mode, 'both');
    assert.equal(layout.syncCoversState, true);
    let i = 30;
    for (; i < 100 && !mig.switched; i++) await put(i);
    assert.ok(mig.switched, 'switched at a truncation');
    assert.ok(mig.stats.rowsCopiedAtSwitch > 0, 'entries from before the window were copied at the switch');
    assert.equal(layout.raft.mode, 'new');
    assert.equal(layout.syncCoversState, false, 'after the switch the truncation rule syncs the state engine');
    // The new engine alone recovers the group (no hole between the truncated state and its log).
    const atSwitch = await digestGroup(layout, 1);
    assert.equal(atSwitch.lastIndex, store.logBounds(1).last);
    assert.equal(atSwitch.firstIndex, store.logBounds(1).first);
    for (const end = i + 10; i < end; i++) await put(i);
    const { start, end } = logRange(1);
    assert.equal((await layout.state.scan({ gte: start, lt: end })).length, 0, 'the old copy is deleted');
    assert.equal(await layout.state.get(hardStateKey(1)), undefined);
    await store.close();

    // Restart on the plain dedicated layout: the same store, every write there.
    const ded = await findLayout('dedicated').open(opts);
    const d1 = await digestGroup(ded, 1);
    const s2 = await Store.open({ id: 1, peers: [1], groups: [1], layout: ded, seed: 2 });
    try {
      for (let k = 0; k < i; k++) assert.equal(Buffer.from((await s2.getLocal(1, Buffer.from(`k${k}`)))!).toString(), `v${k}`);
      assert.ok(d1.applied >= i);
    } finally {
      await s2.close();
    }
  } finally {
    await cleanup();
  }
});
