/**
 * What a new binding batch per write costs against one batch reused (cleared after each write): an
 * unsynced 1 KiB RocksDB 9 put, in a loop and right after a raw write+fdatasync (cold). The two paths
 * alternate in blocks of `ops` so drift hits both; RocksDB9Engine.write (the path in use) runs as a third.
 * Usage: node --import tsx bench/probe-r9-batch.ts <dir> [ops=3000]
 */
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { RocksDB9Engine } from '../engines/rocksdb9.ts';
import { DEFAULT_BUDGET, splitBudget } from '../engines/memory-budget.ts';
const require = createRequire(import.meta.url);
const { RocksLevel } = require('@nxtedition/rocksdb');
const base = path.resolve(process.argv[2] ?? '.');
const N = Number(process.argv[3] ?? 3000);
const dir = path.join(base, 'r9b-' + process.pid);
const db = new RocksLevel(dir, { walCompression: false, createIfMissing: true, compression: false, columns: { default: {} } });
await db.open();
const at = { column: db.columns.default };
const engineDir = path.join(base, 'r9b-engine-' + process.pid);
const engine = await RocksDB9Engine.open(engineDir, splitBudget(DEFAULT_BUDGET, 2));
const rawPath = path.join(base, 'r9b-raw-' + process.pid);
const fd = fs.openSync(rawPath, 'w+');
fs.writeSync(fd, Buffer.alloc(4 << 20));
fs.fdatasyncSync(fd);
const v = Buffer.alloc(1024, 7);
let k = 0;
const key = () => Buffer.from(`k${String(k++).padStart(12, '0')}`);
const now = () => Number(process.hrtime.bigint());
const UNSYNCED = { sync: false };
const reused = db._chainedBatch();
const variants: Record<string, () => unknown> = {
  'new batch per write': () => { const b = db._chainedBatch(); b._put(key(), v, at); b._writeSync(UNSYNCED); b._closeSync(); },
  'one batch, cleared': () => { reused._put(key(), v, at); reused._writeSync(UNSYNCED); reused._clear(); },
  'RocksDB9Engine.write': () => engine.write([{ type: 'put', key: key(), value: v }], { sync: false }),
};
let off = 0;
const rawSync = () => { fs.writeSync(fd, v, 0, 1024, off); fs.fdatasyncSync(fd); off = (off + 1024) % (4 << 20); };
const t: Record<string, number[]> = {};
for (const cold of [false, true]) for (let round = 0; round < 2; round++) for (const [name, f] of Object.entries(variants)) {
  for (let i = 0; i < N; i++) {
    if (cold) rawSync();
    const a = now();
    await f();
    const d = now() - a;
    if (i >= N / 10) (t[`${name}${cold ? ', after fdatasync' : ', loop'}`] ??= []).push(d);
  }
}
const p50 = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]! / 1000;
for (const [n, a] of Object.entries(t)) console.log(n.padEnd(40), p50(a).toFixed(1), 'us');
reused._closeSync();
await db.close();
await engine.close();
fs.closeSync(fd);
for (const p of [dir, engineDir, rawPath]) fs.rmSync(p, { recursive: true, force: true });
