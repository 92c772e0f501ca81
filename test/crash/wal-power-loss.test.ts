import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { WalEngine } from '../../engines/wal/wal-engine.ts';
import { DEFAULT_BUDGET, splitBudget } from '../../engines/memory-budget.ts';
import { PowerLossFs } from '../../engines/testing/power-loss-fs.ts';
import { openCrashLayout } from '../../crash/crash-layout.ts';
import { Store } from '../../node/store.ts';
import { RecoveryError } from '../../node/recover.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

const k = (i: number) => Buffer.from(`key-${String(i).padStart(5, '0')}`);
const v = (i: number) => Buffer.alloc(300, i % 251);

test('PowerLossFs: after a crash every WAL file is back to its last fdatasync (synced batches kept, unsynced lost), across segment rollovers', async () => {
  const { dir, cleanup } = await tmpDir('plfs-');
  try {
    const fs = new PowerLossFs();
    const wal = await WalEngine.open(dir, { fs, segmentBytes: 8192, prepareAhead: true });
    // 60 batches of 300 B in 8 KiB segments: several rollovers. Every 5th batch is synced.
    for (let i = 0; i < 60; i++) await wal.write([{ type: 'put', key: k(i), value: v(i) }], { sync: i % 5 === 4 });
    // Unsynced tail: batches 60..63, and an unsynced delete of a synced key.
    for (let i = 60; i < 64; i++) await wal.write([{ type: 'put', key: k(i), value: v(i) }], { sync: false });
    await wal.write([{ type: 'del', key: k(3) }], { sync: false });
    assert.ok(wal.segmentNames().length >= 2, 'rolled over');

    await fs.crash();
    assert.ok(fs.stats.bytesDiscarded > 0 && fs.stats.filesRolledBack >= 1);
    await assert.rejects(wal.write([{ type: 'put', key: k(99), value: v(99) }], { sync: true }), /power is off|EIO|failed/);

    const back = await WalEngine.open(dir, { segmentBytes: 8192 });
    try {
      for (let i = 0; i < 60; i++) assert.deepEqual(await back.get(k(i)), v(i), `synced batch ${i} kept`);
      for (let i = 60; i < 64; i++) assert.equal(await back.get(k(i)), undefined, `unsynced batch ${i} lost`);
      assert.equal(back.recovery.cut, null, 'a clean cut at the last fdatasync: nothing torn to repair');
    } finally {
      await back.close();
    }
  } finally {
    await cleanup();
  }
});

const budget = splitBudget(DEFAULT_BUDGET, 8);
const truncation = { keep: 5, every: 10 };

async function writeThenPowerLoss(layoutName: string, dir: string, truncationSync: boolean): Promise<number[]> {
  const cl = await openCrashLayout(layoutName, { dir, binding: 'rocksdb', budget }, 'power-loss');
  const s = await Store.open({ id: 1, peers: [1], groups: [1], layout: cl.layout, truncation, truncationSync });
  const acked: number[] = [];
  // Concurrent clients (group commit), then the power goes off with some writes still in flight.
  let stop = false;
  const clients = Array.from({ length: 4 }, async (_, c) => {
    for (let i = c; !stop; i += 4) {
      try {
        await s.put(1, k(i), v(i));
        acked.push(i);
      } catch {
        return;
      }
    }
  });
  while (s.stats.truncations < 5) await sleep(5);
  stop = true;
  await s.halt();
  await cl.crash();
  await Promise.allSettled(clients);
  return acked;
}

test('wal under power loss: without the state-engine sync the RFC truncation edge case is caught by recovery', async () => {
  const { dir, cleanup } = await tmpDir('wal-pl-off-');
  try {
    await writeThenPowerLoss('wal', dir, false);
    const cl = await openCrashLayout('wal', { dir, binding: 'rocksdb', budget }, 'sigkill');
    try {
      await assert.rejects(
        Store.open({ id: 1, peers: [1], groups: [1], layout: cl.layout, truncation }),
        (err: unknown) => err instanceof RecoveryError && /entries 1\.\.\d+ are in neither engine/.test(err.message),
      );
    } finally {
      await cl.layout.close();
    }
  } finally {
    await cleanup();
  }
});

test('wal under power loss: with the state-engine sync, several crashes in a row lose no acknowledged write', async () => {
  const { dir, cleanup } = await tmpDir('wal-pl-on-');
  try {
    const acked: number[] = [];
    for (let round = 0; round < 3; round++) acked.push(...(await writeThenPowerLoss('wal', dir, true)));
    const cl = await openCrashLayout('wal', { dir, binding: 'rocksdb', budget }, 'sigkill');
    const s = await Store.open({ id: 1, peers: [1], groups: [1], layout: cl.layout, truncation });
    try {
      await s.put(1, Buffer.from('probe'), Buffer.from('x')); // commits this term; re-applies what was lost
      for (const i of acked) assert.deepEqual(await s.getLocal(1, k(i)), v(i), `acknowledged write ${i}`);
      assert.ok(acked.length > 50);
    } finally {
      await s.close();
    }
  } finally {
    await cleanup();
  }
});
