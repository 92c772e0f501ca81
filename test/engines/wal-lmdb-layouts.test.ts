import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { LAYOUTS, findLayout } from '../../engines/layouts/index.ts';
import { walLayout } from '../../engines/layouts/wal.ts';
import { DEFAULT_BUDGET, splitBudget } from '../../engines/memory-budget.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

const budget = splitBudget(DEFAULT_BUDGET, 8);
const b = (s: string) => Buffer.from(s);
/** A replica-style raft key: `<group id u64 big-endian><suffix>`. */
const gk = (g: number, s: string) => {
  const k = Buffer.alloc(8);
  k.writeBigUInt64BE(BigInt(g));
  return Buffer.concat([k, b(s)]);
};

/** What each layout's raft engine leaves in its directory. */
async function raftFiles(name: string, dir: string): Promise<boolean> {
  const names = await readdir(dir);
  if (name === 'wal') return names.some((n) => /^[0-9a-f]{16}-[0-9a-f]{16}\.wal$/.test(n));
  if (name === 'lmdb') return names.includes('data.mdb');
  // wal-per-group: one subdirectory of segments per group
  const groups = names.filter((n) => n.startsWith('g-'));
  if (groups.length === 0) return false;
  for (const g of groups) if (!(await readdir(path.join(dir, g))).some((n) => n.endsWith('.wal'))) return false;
  return true;
}

test('the wal, wal-per-group and lmdb layouts are listed', () => {
  const names = LAYOUTS.map((l) => l.name);
  for (const n of ['wal', 'wal-per-group', 'lmdb']) {
    assert.ok(names.includes(n), n);
    assert.equal(findLayout(n).separate, true);
  }
});

for (const binding of ['rocksdb', 'rocksdb9'] as const) {
  for (const name of ['wal', 'wal-per-group', 'lmdb']) {
    test(`layout ${name} on ${binding}: raft data in its own engine under <dir>/raft, state in RocksDB in <dir>`, async () => {
      const { dir, cleanup } = await tmpDir(`layout-${name}-`);
      try {
        const def = findLayout(name);
        const layout = await def.open({ dir, binding, budget });
        assert.equal(layout.name, name);
        assert.equal(layout.syncCoversState, false);
        assert.notEqual(layout.raft, layout.state);
        assert.equal(layout.raft.kind, name === 'lmdb' ? 'lmdb' : name);
        assert.equal(layout.files.raft, path.join(dir, 'raft'));
        assert.equal(layout.files.state, dir);
        for (const g of [1, 2]) {
          await layout.raft.write([{ type: 'put', key: gk(g, 'log/1'), value: b(`entry${g}`) }, { type: 'put', key: gk(g, 'hs'), value: b('hs') }], { sync: true });
        }
        await layout.state.write([{ type: 'put', key: b('sm/k'), value: b('v') }], { sync: false });
        assert.equal(Buffer.from((await layout.raft.get(gk(2, 'log/1')))!).toString(), 'entry2');
        assert.equal(await layout.raft.get(b('sm/k')), undefined, 'state key not in the raft engine');
        assert.equal(await layout.state.get(gk(1, 'log/1')), undefined, 'raft key not in the state engine');
        assert.ok(await raftFiles(name, layout.files.raft!), `${name} files in ${layout.files.raft}`);
        assert.ok((await readdir(dir)).includes('CURRENT'), 'RocksDB in the data dir');
        if (name === 'wal-per-group') {
          assert.deepEqual((await readdir(layout.files.raft!)).filter((n) => n.startsWith('g-')).sort(), ['g-0000000000000001', 'g-0000000000000002']);
        }
        assert.match(layout.description, /half the memory budget/);
        await layout.close();
        // The raft data survives a reopen.
        const again = await def.open({ dir, binding, budget });
        assert.equal(Buffer.from((await again.raft.get(gk(1, 'log/1')))!).toString(), 'entry1');
        assert.equal(Buffer.from((await again.state.get(b('sm/k')))!).toString(), 'v');
        await again.close();
      } finally {
        await cleanup();
      }
    });
  }
}

for (const name of ['wal', 'wal-per-group', 'lmdb']) {
  test(`layout ${name} honours --raft-dir`, async () => {
    const { dir, cleanup } = await tmpDir(`layout-${name}-raftdir-`);
    try {
      const raftDir = path.join(dir, 'elsewhere', 'raftlog');
      const data = path.join(dir, 'data');
      const layout = await findLayout(name).open({ dir: data, raftDir, binding: 'rocksdb', budget });
      await layout.raft.write([{ type: 'put', key: gk(7, 'log/1'), value: b('v') }], { sync: true });
      assert.equal(layout.files.raft, raftDir);
      assert.ok(await raftFiles(name, raftDir));
      assert.ok(!(await readdir(data)).includes('raft'), 'nothing under <dir>/raft');
      await layout.close();
    } finally {
      await cleanup();
    }
  });
}

test('walLayout takes a segment size (scenarios can shrink the 64 MiB default)', async () => {
  const { dir, cleanup } = await tmpDir('layout-wal-seg-');
  try {
    const layout = await walLayout({ segmentBytes: 1 << 16 }).open({ dir, binding: 'rocksdb', budget });
    assert.match(layout.description, /64 KiB|65536 B/);
    for (let i = 0; i < 40; i++) await layout.raft.write([{ type: 'put', key: gk(1, `log/${i}`), value: Buffer.alloc(4096) }], { sync: false });
    assert.ok((await readdir(layout.files.raft!)).filter((n) => n.endsWith('.wal')).length > 1, 'rolled over');
    await layout.close();
  } finally {
    await cleanup();
  }
});
