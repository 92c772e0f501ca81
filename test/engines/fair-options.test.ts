import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { findLayout, type Binding } from '../../engines/layouts/index.ts';
import { effectiveSettings } from '../../engines/layouts/effective-options.ts';
import { DEFAULT_BUDGET, ROCKS9_MEMTABLE_CEILING, splitBudget } from '../../engines/memory-budget.ts';
import { readRocksOptions } from '../../engines/rocksdb-options.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

const SMALL = { memtableBytes: 8 << 20, cacheBytes: 4 << 20 };

async function settingsOf(layout: string, binding: Binding, budget = SMALL) {
  const { dir, cleanup } = await tmpDir('fair-');
  try {
    const l = await findLayout(layout).open({ dir, binding, budget });
    try {
      await l.raft.write([{ type: 'put', key: Buffer.from('k'), value: Buffer.from('v') }], { sync: true });
      return effectiveSettings([{ role: 'raft', engine: l.raft }, { role: 'state', engine: l.state }]);
    } finally {
      await l.close();
    }
  } finally {
    await cleanup();
  }
}

test('both bindings run shared on equal terms at the default budget: same memtable ceiling and cache, no WAL compression, no compression', async () => {
  const budget = DEFAULT_BUDGET;
  const r6 = await settingsOf('shared', 'rocksdb', budget);
  const r9 = await settingsOf('shared', 'rocksdb9', budget);
  assert.equal(r6.length, 1);
  assert.equal(r6[0]!.role, 'raft+state');
  for (const [name, s] of [['rocksdb', r6[0]!.settings], ['rocksdb9', r9[0]!.settings]] as const) {
    assert.match(String(s['DBOptions.wal_compression']), /^kNoCompression/, `${name} WAL compression`);
    assert.equal(s['CFOptions.compression'], 'kNoCompression', `${name} compression`);
    assert.ok(Math.abs(Number(s.memtableCeilingBytes) - budget.memtableBytes) <= 16, `${name} memtable ceiling ${s.memtableCeilingBytes}`);
    assert.equal(s.blockCacheBytes, budget.cacheBytes, `${name} block cache`);
  }
  assert.equal(r6[0]!.settings['CFOptions.max_write_buffer_number'], '2');
  assert.equal(r9[0]!.settings['CFOptions.max_write_buffer_number'], '2');
  assert.equal(r9[0]!.settings['CFOptions.write_buffer_size'], String(ROCKS9_MEMTABLE_CEILING / 2));
});

test('two-engine layouts split the budget; the WAL reports its index, LMDB its mapped bytes', async () => {
  const half = splitBudget(SMALL, 2);
  for (const layout of ['dedicated', 'wal', 'lmdb', 'shared-cf']) {
    const s = await settingsOf(layout, 'rocksdb');
    const state = s.find((e) => e.role === 'state')!;
    // shared-cf is always RocksDB 9, whose memtables keep RocksDB's defaults (memory-budget.ts): recorded, not split.
    const memtable = layout === 'shared-cf' ? ROCKS9_MEMTABLE_CEILING : half.memtableBytes;
    assert.ok(Math.abs(Number(state.settings.memtableCeilingBytes) - memtable) <= 16, `${layout} state memtable ${state.settings.memtableCeilingBytes}`);
    assert.equal(state.settings.blockCacheBytes, half.cacheBytes, `${layout} state cache`);
    const raft = s.find((e) => e.role === 'raft')!;
    if (layout === 'wal') assert.ok(Number(raft.settings.peakIndexBytes) >= 2, 'WAL index bytes reported');
    if (layout === 'lmdb') assert.ok(Number(raft.settings.mappedBytes) > 0, 'LMDB mapped bytes reported');
    if (layout === 'shared-cf') assert.match(String(raft.settings['DBOptions.wal_compression']), /^kNoCompression/);
  }
});

test('readRocksOptions reads the newest OPTIONS file for the family', async () => {
  const { dir, cleanup } = await tmpDir('opts-');
  try {
    writeFileSync(path.join(dir, 'OPTIONS-000005'), '[DBOptions]\n  wal_compression=kZSTD\n[CFOptions "default"]\n  write_buffer_size=1\n');
    writeFileSync(
      path.join(dir, 'OPTIONS-000012'),
      '# comment\n[DBOptions]\n  wal_compression=kNoCompression\n[CFOptions "default"]\n  write_buffer_size=2\n[CFOptions "raft"]\n  write_buffer_size=3\n  compression_per_level=kNoCompression:kZSTD\n',
    );
    assert.deepEqual(readRocksOptions(dir), { file: 'OPTIONS-000012', 'DBOptions.wal_compression': 'kNoCompression', 'CFOptions.write_buffer_size': '2' });
    assert.equal(readRocksOptions(dir, 'raft')['CFOptions.compression_per_level'], 'kNoCompression:kZSTD');
    assert.deepEqual(readRocksOptions(path.join(dir, 'missing')), {});
  } finally {
    await cleanup();
  }
  assert.ok(DEFAULT_BUDGET.memtableBytes > 0);
});
