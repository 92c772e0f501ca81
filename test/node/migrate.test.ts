import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { findLayout } from '../../engines/layouts/index.ts';
import { openRaftEngine } from '../../engines/layouts/raft-engine.ts';
import { DEFAULT_BUDGET, splitBudget } from '../../engines/memory-budget.ts';
import { writeAtomic, writeMarker, readMarker, type LayoutMarker } from '../../node/layout-marker.ts';
import { copyRaftData, digestAll, listGroups, migrateStore, openMarkedLayout, settleMigration, MIGRATION_FILE } from '../../node/migrate.ts';
import { Store } from '../../node/store.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

const budget = splitBudget(DEFAULT_BUDGET, 8);
const GROUPS = [1, 2, 3];
const SHARED: LayoutMarker = { layout: 'shared', raftDir: null, binding: 'rocksdb' };

/** A shared store with acknowledged puts in three groups, truncated along the way (so truncIndex > 0). */
async function makeStore(dir: string): Promise<string[]> {
  const layout = await findLayout('shared').open({ dir, binding: 'rocksdb', budget });
  const store = await Store.open({ id: 1, peers: [1], groups: GROUPS, layout, truncation: { keep: 3, every: 7 }, seed: 1 });
  const acked: string[] = [];
  for (let i = 0; i < 60; i++) {
    const k = `k${i}`;
    await store.put((i % 3) + 1, Buffer.from(k), Buffer.from(`v${i}`));
    acked.push(k);
  }
  assert.ok(store.stats.truncations > 0, 'the log was truncated, so the truncated state is part of what moves');
  await store.close();
  await writeMarker(dir, SHARED);
  return acked;
}

async function readAll(dir: string, acked: readonly string[]): Promise<{ layout: string; missing: string[]; applied: number[] }> {
  const { layout, marker } = await openMarkedLayout(dir, budget);
  const store = await Store.open({ id: 1, peers: [1], groups: GROUPS, layout, seed: 2 });
  try {
    const missing: string[] = [];
    for (const [i, k] of acked.entries()) {
      const v = await store.getLocal((i % 3) + 1, Buffer.from(k));
      if (!v || Buffer.from(v).toString() !== `v${i}`) missing.push(k);
    }
    await store.put(1, Buffer.from('after'), Buffer.from('x')); // the restarted replica takes writes
    return { layout: marker.layout, missing, applied: GROUPS.map((g) => store.appliedIndex(g)) };
  } finally {
    await store.close();
  }
}

test('migrate shared -> dedicated -> shared keeps every acknowledged write and the recovered state', async () => {
  const { dir, cleanup } = await tmpDir('migrate-');
  try {
    const acked = await makeStore(dir);
    const before = await (async () => {
      const l = await findLayout('shared').open({ dir, binding: 'rocksdb', budget });
      try {
        return await digestAll(l, GROUPS);
      } finally {
        await l.close();
      }
    })();
    const r = await migrateStore({ dir, from: 'shared', to: 'dedicated', budget });
    assert.equal(r.groups, 3);
    assert.equal((await readMarker(dir))?.layout, 'dedicated');
    assert.ok(!existsSync(path.join(dir, MIGRATION_FILE)));
    const { layout } = await openMarkedLayout(dir, budget);
    try {
      assert.deepEqual(await digestAll(layout, GROUPS), before);
      assert.deepEqual(await listGroups(layout.raft), GROUPS);
      // The old copy is gone: the state engine holds no raft keys any more.
      assert.equal((await layout.state.scan({ gte: Buffer.from([0, 0, 0, 0, 0, 0, 0, 1, 1]), lt: Buffer.from([0, 0, 0, 0, 0, 0, 0, 1, 3]) })).length, 0);
    } finally {
      await layout.close();
    }
    const after = await readAll(dir, acked);
    assert.deepEqual(after.missing, []);
    assert.equal(after.layout, 'dedicated');

    await migrateStore({ dir, from: 'dedicated', to: 'shared', budget });
    assert.ok(!existsSync(path.join(dir, 'raft')), 'the dedicated copy is deleted');
    const back = await readAll(dir, [...acked]);
    assert.deepEqual(back.missing, []);
    assert.equal(back.layout, 'shared');
  } finally {
    await cleanup();
  }
});

test('migrate refuses a --from that is not the store\'s layout, in one line', async () => {
  const { dir, cleanup } = await tmpDir('migrate-from-');
  try {
    await makeStore(dir);
    await assert.rejects(migrateStore({ dir, from: 'dedicated', to: 'wal', budget }), (e: Error) => e.name === 'UserError' && /is in layout "shared".*not --from dedicated/.test(e.message) && !e.message.includes('\n'));
  } finally {
    await cleanup();
  }
});

test('an interrupted migration is rolled back before the commit and forward after it', async () => {
  const { dir, cleanup } = await tmpDir('migrate-settle-');
  try {
    const acked = await makeStore(dir);
    const to: LayoutMarker = { layout: 'lmdb', raftDir: 'raft', binding: 'rocksdb' };
    // Killed half-way through the copy: intent written, a partial new engine, marker still old.
    await writeAtomic(dir, MIGRATION_FILE, JSON.stringify({ from: SHARED, to }));
    const old = await findLayout('shared').open({ dir, binding: 'rocksdb', budget });
    const partial = await openRaftEngine('lmdb', path.join(dir, 'raft'), { dir, binding: 'rocksdb', budget });
    await copyRaftData(old.raft, partial, [1]);
    await partial.close();
    await old.close();
    assert.equal(await settleMigration(dir, budget), 'rolled-back');
    assert.ok(!existsSync(path.join(dir, 'raft')), 'the partial copy is removed');
    assert.deepEqual((await readAll(dir, acked)).missing, []);

    // Killed after the commit, before the old copy was deleted: the new layout is complete and wins.
    await writeAtomic(dir, MIGRATION_FILE, JSON.stringify({ from: SHARED, to }));
    const old2 = await findLayout('shared').open({ dir, binding: 'rocksdb', budget });
    const full = await openRaftEngine('lmdb', path.join(dir, 'raft'), { dir, binding: 'rocksdb', budget });
    await copyRaftData(old2.raft, full, GROUPS);
    await full.sync();
    await full.close();
    await old2.close();
    await writeMarker(dir, to);
    assert.equal(await settleMigration(dir, budget), 'rolled-forward');
    const r = await readAll(dir, acked);
    assert.equal(r.layout, 'lmdb');
    assert.deepEqual(r.missing, []);
    const state = await findLayout('shared').open({ dir, binding: 'rocksdb', budget });
    try {
      assert.equal((await state.state.scan({ gte: Buffer.from([0, 0, 0, 0, 0, 0, 0, 2, 1]), lt: Buffer.from([0, 0, 0, 0, 0, 0, 0, 2, 3]) })).length, 0, 'old raft keys deleted');
    } finally {
      await state.close();
    }
  } finally {
    await cleanup();
  }
});
