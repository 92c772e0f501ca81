import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findLayout } from '../../engines/layouts/index.ts';
import { DEFAULT_BUDGET, splitBudget } from '../../engines/memory-budget.ts';
import { Store } from '../../node/store.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

const budget = splitBudget(DEFAULT_BUDGET, 8);
const key = (i: number) => Buffer.from(`key-${String(i).padStart(6, '0')}`);

for (const name of ['shared', 'dedicated', 'shared-cf']) {
  test(`single-node replica on ${name}: writes apply, log truncates, reopen recovers everything`, async () => {
    const { dir, cleanup } = await tmpDir(`replica-${name}-`);
    try {
      const open = async () =>
        Store.open({ id: 1, peers: [1], groups: [1], layout: await findLayout(name).open({ dir, binding: 'rocksdb', budget }), truncation: { keep: 10, every: 20 } });
      const s = await open();
      // Sequential and concurrent clients.
      for (let i = 0; i < 50; i++) await s.put(1, key(i), Buffer.from(`v${i}`));
      await Promise.all(Array.from({ length: 100 }, (_, j) => s.put(1, key(50 + j), Buffer.from(`v${50 + j}`))));
      assert.equal(Buffer.from((await s.getLocal(1, key(7)))!).toString(), 'v7');
      assert.equal(Buffer.from((await s.get(1, key(149)))!).toString(), 'v149');
      assert.ok(s.stats.truncations > 0, 'log was truncated');
      assert.ok(s.stats.logSyncs < 150, `group commit: ${s.stats.logSyncs} syncs for 150 writes`);
      if (name === 'dedicated') assert.ok(s.stats.truncationSyncs > 0, 'RFC rule synced the state engine');
      else assert.equal(s.stats.truncationSyncs, 0, 'one WAL: no extra sync');
      const bounds = s.logBounds(1);
      assert.ok(bounds.first > 1);
      const applied = s.appliedIndex(1);
      await s.close();

      const again = await open();
      for (let i = 0; i < 150; i++) assert.equal(Buffer.from((await again.getLocal(1, key(i)))!).toString(), `v${i}`, `key ${i}`);
      assert.ok(again.appliedIndex(1) >= applied - 0);
      assert.equal(again.logBounds(1).first, bounds.first);
      await again.put(1, key(999), Buffer.from('after'));
      assert.equal(Buffer.from((await again.getLocal(1, key(999)))!).toString(), 'after');
      await again.close();
    } finally {
      await cleanup();
    }
  });
}
