import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryEngine } from '../../engines/memory.ts';
import { withSlowSync } from '../../engines/testing/slow.ts';
import { SLOW_SYNC_ENV, slowSyncFromEnv } from '../helpers/slow-sync-cli.ts';

const put = (i: number) => [{ type: 'put' as const, key: Buffer.from(`k${i}`), value: Buffer.from('v') }];

test('slow-sync wrapper: synced writes and sync() take the added delay, unsynced writes do not', async () => {
  const e = withSlowSync(new MemoryEngine(), 2000);
  assert.equal(e.kind, 'memory+slow-sync');
  const time = async (f: () => Promise<void>) => {
    const t0 = process.hrtime.bigint();
    await f();
    return Number(process.hrtime.bigint() - t0) / 1000;
  };
  const synced = await time(() => e.write(put(1), { sync: true }));
  const unsynced = await time(() => e.write(put(2), { sync: false }));
  const sync = await time(() => e.sync());
  assert.ok(synced >= 2000 && synced < 2000 + 20_000, `synced ${synced}µs`);
  assert.ok(sync >= 2000, `sync ${sync}µs`);
  assert.ok(unsynced < 2000, `unsynced ${unsynced}µs`);
  assert.deepEqual(e.counters().syncs, 2);
  assert.equal(Buffer.from((await e.get(Buffer.from('k1')))!).toString(), 'v');
  await e.close();
});

test('slow-sync test entry: reads its delay from the environment; a bad value throws', () => {
  assert.equal(slowSyncFromEnv({}), undefined);
  assert.equal(slowSyncFromEnv({ [SLOW_SYNC_ENV]: '' }), undefined);
  assert.equal(slowSyncFromEnv({ [SLOW_SYNC_ENV]: '250' }), 250);
  assert.throws(() => slowSyncFromEnv({ [SLOW_SYNC_ENV]: 'fast' }), (e: unknown) => /not a delay in microseconds/.test((e as Error).message));
  const inner = new MemoryEngine();
  assert.equal(withSlowSync(inner, 0), inner);
});
