/**
 * RocksDB 9 writes reuse one binding batch per store, emptied after each write: each write must carry
 * only its own ops, a write that fails midway must leave nothing behind for the next, and column
 * families sharing the store must not see each other's ops.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RocksDB9Store } from '../../engines/rocksdb9.ts';
import { DEFAULT_BUDGET, splitBudget } from '../../engines/memory-budget.ts';
import type { BatchOp } from '../../engines/engine.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

const small = splitBudget(DEFAULT_BUDGET, 8);
const key = (s: string) => Buffer.from(s);

/** RocksDB's own count of keys written since open ("Cumulative writes: 200 writes, 20K keys"). */
function keysWritten(store: RocksDB9Store): number {
  const m = /Cumulative writes: \S+ writes, ([\d.]+)([KMG]?) keys/.exec(store.db.getProperty('rocksdb.stats'));
  assert.ok(m, 'rocksdb.stats prints its cumulative writes');
  return Number(m[1]) * ({ '': 1, K: 1e3, M: 1e6, G: 1e9 } as Record<string, number>)[m[2]!]!;
}

test('rocksdb9: 200 one-put writes write 200 keys, not the batches of earlier writes again', async (t) => {
  const { dir, cleanup } = await tmpDir();
  t.after(cleanup);
  const store = await RocksDB9Store.open(dir, [], small);
  const e = store.engine();
  try {
    for (let i = 0; i < 200; i++) await e.write([{ type: 'put', key: key(`k${i}`), value: Buffer.alloc(100, i) }], { sync: i % 10 === 0 });
    assert.equal(keysWritten(store), 200);
  } finally {
    await e.close();
  }
});

test('rocksdb9: a write that fails midway writes nothing, and leaves nothing for the next write', async (t) => {
  const { dir, cleanup } = await tmpDir();
  t.after(cleanup);
  const store = await RocksDB9Store.open(dir, ['raft'], small);
  const state = store.engine();
  const raft = store.engine('raft');
  try {
    const bad = [{ type: 'put', key: key('a'), value: key('1') }, { type: 'put', key: key('b'), value: 42 }] as unknown as BatchOp[];
    await assert.rejects(state.write(bad, { sync: false }));
    await raft.write([{ type: 'put', key: key('c'), value: key('3') }], { sync: true });
    assert.equal(await state.get(key('a')), undefined, 'the failed write\'s first put stays unwritten');
    assert.equal(await raft.get(key('a')), undefined);
    assert.deepEqual(Buffer.from((await raft.get(key('c')))!), key('3'));
    assert.equal(await state.get(key('c')), undefined, 'a family sees only its own ops');
    assert.equal(keysWritten(store), 1);
  } finally {
    await state.close();
    await raft.close();
  }
});
