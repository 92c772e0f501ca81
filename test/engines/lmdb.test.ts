import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from './conformance.ts';
import { LmdbEngine } from '../../engines/lmdb.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

engineConformance('lmdb', (dir) => LmdbEngine.open(dir), { persistent: true });

const b = (s: string) => Buffer.from(s);
const keys = (rows: Array<[Uint8Array, Uint8Array]>) => rows.map(([k]) => Buffer.from(k).toString());

test('lmdb: reverse scans honour [gte, lt) exactly, with limits', async () => {
  const { dir, cleanup } = await tmpDir('lmdb-rev-');
  const e = await LmdbEngine.open(dir);
  try {
    await e.write(['a', 'b', 'c', 'd', 'e'].map((k) => ({ type: 'put' as const, key: b(k), value: b(k) })), { sync: true });
    assert.deepEqual(keys(await e.scan({ gte: b('b'), lt: b('d'), reverse: true })), ['c', 'b']);
    assert.deepEqual(keys(await e.scan({ gte: b('b'), lt: b('dd'), reverse: true })), ['d', 'c', 'b']);
    assert.deepEqual(keys(await e.scan({ gte: b('bb'), reverse: true, limit: 2 })), ['e', 'd']);
    assert.deepEqual(keys(await e.scan({ lt: b('c'), reverse: true })), ['b', 'a']);
    assert.deepEqual(keys(await e.scan({ gte: b(''), lt: b('c') })), ['a', 'b']);
    assert.deepEqual(keys(await e.scan({ limit: 0 })), []);
  } finally {
    await e.close();
    await cleanup();
  }
});

test('lmdb: an invalid key (empty, or over the LMDB limit) rejects the batch before anything is written', async () => {
  const { dir, cleanup } = await tmpDir('lmdb-bad-');
  const e = await LmdbEngine.open(dir);
  try {
    await assert.rejects(e.write([{ type: 'put', key: b('ok'), value: b('1') }, { type: 'put', key: b(''), value: b('2') }], { sync: true }), /1\.\.1978 bytes/);
    await assert.rejects(e.write([{ type: 'put', key: b('ok'), value: b('1') }, { type: 'put', key: Buffer.alloc(5000, 1), value: b('2') }], { sync: false }));
    assert.equal(await e.get(b('ok')), undefined);
  } finally {
    await e.close();
    await cleanup();
  }
});

test('lmdb: concurrent writes each land whole; synced writes count syncs', async () => {
  const { dir, cleanup } = await tmpDir('lmdb-conc-');
  const e = await LmdbEngine.open(dir);
  try {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        e.write([{ type: 'put', key: b(`k${i}/a`), value: b(String(i)) }, { type: 'put', key: b(`k${i}/b`), value: b(String(i)) }], { sync: i % 2 === 0 }),
      ),
    );
    assert.equal((await e.scan({})).length, 40);
    assert.equal(e.counters().syncs, 10);
    assert.ok(typeof e.stats().pageSize === 'number');
  } finally {
    await e.close();
    await cleanup();
  }
});
