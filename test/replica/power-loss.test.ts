import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findLayout, LAYOUTS } from '../../engines/layouts/index.ts';
import { DEFAULT_BUDGET, splitBudget } from '../../engines/memory-budget.ts';
import { withPowerLoss } from '../../engines/testing/power-loss.ts';
import { Store } from '../../node/store.ts';
import { RecoveryError } from '../../node/recover.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { setTimeout as sleep } from 'node:timers/promises';

const budget = splitBudget(DEFAULT_BUDGET, 8);
const key = (i: number) => Buffer.from(`k${String(i).padStart(6, '0')}`);
const truncation = { keep: 5, every: 10 };

async function writeThenCrash(layoutName: string, dir: string, truncationSync: boolean, writes: number): Promise<number[]> {
  const layout = withPowerLoss(await findLayout(layoutName).open({ dir, binding: 'rocksdb', budget }));
  const s = await Store.open({ id: 1, peers: [1], groups: [1], layout, truncation, truncationSync });
  const acked: number[] = [];
  for (let i = 0; i < writes; i++) {
    await s.put(1, key(i), Buffer.from(`v${i}`));
    acked.push(i);
  }
  assert.ok(s.stats.truncations > 0);
  await s.halt();
  await layout.crash();
  return acked;
}

async function reopenAndCheck(layoutName: string, dir: string, acked: number[]): Promise<void> {
  const layout = await findLayout(layoutName).open({ dir, binding: 'rocksdb', budget });
  const s = await Store.open({ id: 1, peers: [1], groups: [1], layout, truncation });
  try {
    // The restarted leader commits its term's entry, then re-applies what the crash lost.
    await s.put(1, Buffer.from('probe'), Buffer.from('x'));
    for (const i of acked) {
      const v = await s.getLocal(1, key(i));
      assert.ok(v, `${layoutName}: acknowledged write ${i} lost`);
      assert.equal(Buffer.from(v).toString(), `v${i}`);
    }
  } finally {
    await s.close();
  }
}

test('RFC truncation rule: without the state-engine sync a dedicated replica loses applied entries on power loss, and recovery says so', async () => {
  const { dir, cleanup } = await tmpDir('rfc-rule-off-');
  try {
    await writeThenCrash('dedicated', dir, false, 60);
    const layout = await findLayout('dedicated').open({ dir, binding: 'rocksdb', budget });
    await assert.rejects(
      Store.open({ id: 1, peers: [1], groups: [1], layout, truncation }),
      (err: unknown) => err instanceof RecoveryError && /entries 1\.\.\d+ are in neither engine/.test(err.message),
    );
    await layout.close();
  } finally {
    await cleanup();
  }
});

test('RFC truncation rule: with the sync, a dedicated replica survives power loss with every acknowledged write', async () => {
  const { dir, cleanup } = await tmpDir('rfc-rule-on-');
  try {
    const acked = await writeThenCrash('dedicated', dir, true, 60);
    await reopenAndCheck('dedicated', dir, acked);
  } finally {
    await cleanup();
  }
});

for (const def of LAYOUTS.filter((l) => l.name !== 'memory')) {
  test(`power loss on ${def.name} loses no acknowledged write (several crashes in a row)`, async () => {
    const { dir, cleanup } = await tmpDir(`pl-${def.name}-`);
    try {
      let acked: number[] = [];
      for (let round = 0; round < 3; round++) {
        const layout = withPowerLoss(await def.open({ dir, binding: 'rocksdb', budget }));
        const s = await Store.open({ id: 1, peers: [1], groups: [1], layout, truncation });
        const base = round * 1000;
        // Concurrent clients, crash while some writes are still in flight.
        const inflight = Array.from({ length: 40 }, (_, j) =>
          s.put(1, key(base + j), Buffer.from(`v${base + j}`)).then(
            () => acked.push(base + j),
            () => {},
          ),
        );
        await Promise.race([Promise.all(inflight), sleep(30)]);
        await s.halt();
        await layout.crash();
        await Promise.allSettled(inflight);
      }
      await reopenAndCheck(def.name, dir, acked);
      assert.ok(acked.length > 0);
    } finally {
      await cleanup();
    }
  });
}
