/**
 * What an unsynced 1 KiB RocksDB 9 put costs through each path into @nxtedition/rocksdb: abstract-level's
 * db.batch(), the binding's chained batch (`_writeSync`, what RocksDB9Engine.write calls), and the engine
 * itself; in a loop, and right after a raw write+fdatasync (cold). Interleaved op by op.
 * Usage: node --import tsx bench/probe-r9-path.ts <dir>
 */
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { RocksDB9Engine } from '../engines/rocksdb9.ts';
import { DEFAULT_BUDGET, splitBudget } from '../engines/memory-budget.ts';
const require = createRequire(import.meta.url);
const { RocksLevel } = require('@nxtedition/rocksdb');
const base = path.resolve(process.argv[2] ?? '.'); const dir = path.join(base, 'r9p-' + process.pid); fs.rmSync(dir, { recursive: true, force: true });
const db = new RocksLevel(dir, { walCompression: false, createIfMissing: true, compression: false, columns: { default: {} } });
await db.open();
const col = db.columns.default;
const engine = await RocksDB9Engine.open(path.join(base, 'r9p-engine-' + process.pid), splitBudget(DEFAULT_BUDGET, 2));
const fd = fs.openSync(path.join(base, 'r9p-raw-' + process.pid), 'w+'); fs.writeSync(fd, Buffer.alloc(4 << 20)); fs.fdatasyncSync(fd);
const v = Buffer.alloc(1024, 7); let k = 0; const key = () => Buffer.from(`k${String(k++).padStart(12, '0')}`);
const now = () => Number(process.hrtime.bigint());
const ENC = { keyEncoding: 'buffer', valueEncoding: 'buffer' };
const variants: Record<string, () => Promise<void> | void> = {
  'db.batch': async () => { await db.batch([{ type: 'put', key: key(), value: v, column: col }], { sync: false, ...ENC }); },
  'RocksDB9Engine.write': () => engine.write([{ type: 'put', key: key(), value: v }], { sync: false }),
  'chained _writeSync': () => { const b = db._chainedBatch(); b._put(key(), v, { column: col }); b._writeSync({ sync: false }); b._closeSync(); },
};
let off = 0;
const sync = () => { fs.writeSync(fd, v, 0, 1024, off); fs.fdatasyncSync(fd); off = (off + 1024) % (4 << 20); };
const t: Record<string, number[]> = {};
for (const cold of [false, true]) for (let i = 0; i < 3000; i++) for (const [n, f] of Object.entries(variants)) {
  if (cold) sync();
  const a = now(); await f(); const d = now() - a;
  if (i >= 100) (t[`${n}${cold ? ' after fdatasync' : ' loop'}`] ??= []).push(d);
}
const p50 = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]! / 1000;
for (const [n, a] of Object.entries(t)) console.log(n.padEnd(36), p50(a).toFixed(1), 'us');
await db.close(); await engine.close(); fs.rmSync(path.join(base, 'r9p-engine-' + process.pid), { recursive: true, force: true }); fs.rmSync(dir, { recursive: true, force: true }); fs.rmSync(path.join(base, 'r9p-raw-' + process.pid));
