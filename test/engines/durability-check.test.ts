import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RocksDB6Engine } from '../../engines/rocksdb6.ts';
import { WalEngine } from '../../engines/wal/wal-engine.ts';
import { DropSyncEngine } from '../../engines/testing/drop-sync.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { deviceCheckUnavailable, flushesForSyncedWrites } from './device-sync-check.ts';

const small = { memtableBytes: 4 << 20, cacheBytes: 4 << 20 };
const N = 60;

// The check in the conformance suite must fail for an engine that drops its syncs while its counters
// claim them: run it on such an engine and see it come up short.
for (const [name, open] of [
  ['rocksdb', (dir: string) => RocksDB6Engine.open(dir, small)],
  ['wal', (dir: string) => WalEngine.open(dir, { segmentBytes: 64 << 10 })],
] as const) {
  test(`device flush check catches a ${name} engine that drops syncs`, async (t) => {
    const { dir, cleanup } = await tmpDir(`drop-sync-${name}-`);
    try {
      const why = deviceCheckUnavailable(dir);
      if (why) return t.skip(why);
      const e = new DropSyncEngine(await open(dir));
      try {
        const flushes = await flushesForSyncedWrites(e, dir, N);
        assert.equal(e.counters().syncs, N, 'the double still claims every sync');
        assert.ok(flushes < N / 2, `${flushes} device flushes for ${N} writes that were never synced`);
      } finally {
        await e.close();
      }
    } finally {
      await cleanup();
    }
  });
}

test('power-loss model keeps only what the engine observed synced, not what the flag claims', async () => {
  const { PowerLossEngine, PowerLossJournal } = await import('../../engines/testing/power-loss.ts');
  const { dir, cleanup } = await tmpDir('pl-observed-');
  try {
    const honest = new PowerLossEngine(await RocksDB6Engine.open(`${dir}/a`, small), new PowerLossJournal());
    const liar = new PowerLossEngine(new DropSyncEngine(await RocksDB6Engine.open(`${dir}/b`, small)), new PowerLossJournal());
    for (const e of [honest, liar]) {
      await e.write([{ type: 'put', key: Buffer.from('k'), value: Buffer.from('v') }], { sync: true });
    }
    assert.equal(honest.journal.size, 0, 'a synced write the engine performed is durable');
    assert.equal(liar.journal.size, 1, 'a synced write whose sync never happened stays in the journal');
    await liar.journal.rollBack();
    assert.equal(await liar.get(Buffer.from('k')), undefined, 'power loss takes the write whose sync was dropped');
    assert.equal(Buffer.from((await honest.get(Buffer.from('k')))!).toString(), 'v');
    await honest.close();
    await liar.close();
  } finally {
    await cleanup();
  }
});
