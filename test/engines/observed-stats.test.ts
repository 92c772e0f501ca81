import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RocksDB6Engine } from '../../engines/rocksdb6.ts';
import { RocksDB9Store } from '../../engines/rocksdb9.ts';
import { WalEngine } from '../../engines/wal/wal-engine.ts';
import type { Engine } from '../../engines/engine.ts';
import { parseDiskstats } from '../../harness/counters/diskstats.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

const tiny = { memtableBytes: 1 << 20, cacheBytes: 1 << 20 };

async function writeSome(e: Engine, n: number, syncEvery: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await e.write([{ type: 'put', key: Buffer.from(`k${String(i).padStart(6, '0')}`), value: Buffer.alloc(1024, i) }], { sync: i % syncEvery === 0 });
  }
}

for (const [name, open] of [
  ['rocksdb', (dir: string) => RocksDB6Engine.open(dir, tiny)],
  ['rocksdb9', async (dir: string) => (await RocksDB9Store.open(dir, [], tiny)).engine()],
] as const) {
  test(`${name}: stats() reports RocksDB's own WAL syncs (and memtable flushes)`, async () => {
    const { dir, cleanup } = await tmpDir(`stats-${name}-`);
    const e = await open(dir);
    try {
      await writeSome(e, 3000, 10);
      const s = e.stats!();
      assert.equal(s.durableSyncs, 300, 'one WAL sync per synced batch, by RocksDB\'s count');
      assert.equal(s.walWrites, 3000);
      if (name === 'rocksdb') {
        // RocksDB 9 keeps its default 64 MiB buffers whatever the budget (memory-budget.ts), so only RocksDB 6 flushes here.
        assert.ok(s.flushes! >= 1, `3 MiB through a 1 MiB memtable flushes (${s.flushes})`);
        assert.ok(s.flushBytes! > 0);
      }
      assert.equal(s.walBytes, undefined, 'coarse WAL bytes are not reported');
    } finally {
      await e.close();
      await cleanup();
    }
  });
}

test('wal: stats() counts its own fdatasyncs and segment rolls', async () => {
  const { dir, cleanup } = await tmpDir('stats-wal-');
  const e = await WalEngine.open(dir, { segmentBytes: 256 << 10 });
  try {
    const s0 = e.stats();
    await writeSome(e, 600, 3);
    const s = e.stats();
    assert.ok(s.durableSyncs! - s0.durableSyncs! >= 200, `${s.durableSyncs! - s0.durableSyncs!} fdatasyncs for 200 synced writes`);
    assert.ok(s.segmentRolls! - s0.segmentRolls! >= 2, '600 KiB of records roll 256 KiB segments');
    assert.ok(s.walBytes! - s0.walBytes! > 600 * 1024);
  } finally {
    await e.close();
    await cleanup();
  }
});

test('parseDiskstats reads writes, sectors and flushes by device', () => {
  const text = [
    ' 254       0 vda 46748 8126 2663370 15960 178165 57947 31461232 85417 0 53788 136319 34733 232 28021840 15418 49206 19522',
    ' 254       1 vda1 100 0 800 10 50 0 400 5 0 10 15',
  ].join('\n');
  const m = parseDiskstats(text);
  assert.deepEqual(m.get('vda'), { writes: 178165, sectorsWritten: 31461232, flushes: 49206 });
  assert.deepEqual(m.get('vda1'), { writes: 50, sectorsWritten: 400, flushes: null });
});
