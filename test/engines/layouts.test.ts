import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { LAYOUTS, findLayout } from '../../engines/layouts/index.ts';
import { DEFAULT_BUDGET, splitBudget } from '../../engines/memory-budget.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

const budget = splitBudget(DEFAULT_BUDGET, 8);
const b = (s: string) => Buffer.from(s);

/** Files RocksDB writes into a directory it owns. */
async function rocksFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f === 'CURRENT' || f.endsWith('.log') || f.startsWith('MANIFEST-'));
}

for (const binding of ['rocksdb', 'rocksdb9'] as const) {
  for (const def of LAYOUTS) {
    test(`layout ${def.name} on ${binding}: data goes to the files it says`, async () => {
      const { dir, cleanup } = await tmpDir(`layout-${def.name}-`);
      try {
        const layout = await def.open({ dir, binding, budget });
        await layout.raft.write([{ type: 'put', key: b('log/1'), value: b('entry') }], { sync: true });
        await layout.state.write([{ type: 'put', key: b('sm/k'), value: b('v') }], { sync: false });
        assert.equal(Buffer.from((await layout.raft.get(b('log/1')))!).toString(), 'entry');
        assert.equal(Buffer.from((await layout.state.get(b('sm/k')))!).toString(), 'v');
        if (def.name === 'memory') {
          assert.deepEqual(layout.files, { raft: null, state: null });
        } else {
          assert.ok(layout.files.raft && layout.files.state);
          if (layout.raft.kind.startsWith('rocksdb')) {
            assert.ok((await rocksFiles(layout.files.raft)).includes('CURRENT'), `RocksDB files in ${layout.files.raft}`);
          } else {
            assert.ok((await readdir(layout.files.raft)).length > 0, `${layout.raft.kind} files in ${layout.files.raft}`);
          }
          assert.ok((await rocksFiles(layout.files.state)).includes('CURRENT'), `RocksDB files in ${layout.files.state}`);
        }
        if (def.name === 'dedicated') {
          assert.equal(layout.files.raft, path.join(dir, 'raft'));
          assert.notEqual(layout.raft, layout.state);
          assert.equal(layout.syncCoversState, false);
          // The engines are separate: the state key is not in the raft engine.
          assert.equal(await layout.raft.get(b('sm/k')), undefined);
        }
        if (def.name === 'shared') assert.equal(layout.raft, layout.state);
        if (def.name === 'shared-cf') {
          assert.equal(layout.raft.kind, 'rocksdb9');
          assert.equal(await layout.raft.get(b('sm/k')), undefined, 'families are separate keyspaces');
        }
        await layout.close();
      } finally {
        await cleanup();
      }
    });
  }
}

test('dedicated layout honours --raft-dir', async () => {
  const { dir, cleanup } = await tmpDir('layout-raftdir-');
  try {
    const raftDir = path.join(dir, 'elsewhere', 'raftlog');
    const layout = await findLayout('dedicated').open({ dir: path.join(dir, 'data'), raftDir, binding: 'rocksdb', budget });
    await layout.raft.write([{ type: 'put', key: b('k'), value: b('v') }], { sync: true });
    assert.equal(layout.files.raft, raftDir);
    assert.ok((await rocksFiles(raftDir)).includes('CURRENT'));
    await layout.close();
  } finally {
    await cleanup();
  }
});

test('unknown layout names the value and the valid ones', () => {
  assert.throws(() => findLayout('bogus'), /unknown layout "bogus"; valid: shared, dedicated, shared-cf, memory/);
});
