/**
 * What a thread pays for having waited: one unsynced 1 KiB RocksDB 9 put (a synchronous call, no
 * handoff) timed right after a write+fdatasync, right after another put, after a 1 ms sleep and after a
 * 400 µs busy spin, interleaved. On a VM a blocked thread's CPU goes idle and its caches go cold.
 * Usage: node --import tsx bench/probe-cold.ts <dir> [rounds]
 */
import { fdatasyncSync, openSync, writeSync, rmSync, mkdirSync, closeSync } from 'node:fs';
import path from 'node:path';
import { RocksDB9Engine } from '../engines/rocksdb9.ts';
import { DEFAULT_BUDGET } from '../engines/memory-budget.ts';
import { zeroFillSync } from '../engines/zero-fill.ts';

const root = path.join(path.resolve(process.argv[2] ?? '.'), `probe-cold-${process.pid}`);
const rounds = Number(process.argv[3] ?? 1500);
mkdirSync(root, { recursive: true });
const fd = openSync(path.join(root, 'raw'), 'w+');
zeroFillSync(fd, 16 << 20);
fdatasyncSync(fd);
const r9 = await RocksDB9Engine.open(path.join(root, 'r9'), DEFAULT_BUDGET);
const now = () => Number(process.hrtime.bigint());
const p50 = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]! / 1000;
const value = Buffer.alloc(1024, 7);
let k = 0;
const put = async (into: number[]) => {
  const t = now();
  await r9.write([{ type: 'put', key: Buffer.from(`k${String(k++).padStart(10, '0')}`), value }], { sync: false });
  into.push(now() - t);
};
const buf = Buffer.alloc(1024, 1);
let off = 0;
const afterSync: number[] = [], hot: number[] = [], afterSleep: number[] = [], afterSpin: number[] = [];
for (let i = 0; i < rounds; i++) {
  writeSync(fd, buf, 0, 1024, off);
  fdatasyncSync(fd);
  off = (off + 1024) % (16 << 20);
  await put(afterSync);
  await put(hot);
  await new Promise((r) => setTimeout(r, 1));
  await put(afterSleep);
  const end = now() + 400_000;
  while (now() < end);
  await put(afterSpin);
}
console.log(`RocksDB 9 unsynced 1 KiB put, p50 over ${rounds}: right after write+fdatasync ${p50(afterSync).toFixed(1)} µs; right after another put ${p50(hot).toFixed(1)} µs; after a 1 ms sleep ${p50(afterSleep).toFixed(1)} µs; after a 400 µs busy spin ${p50(afterSpin).toFixed(1)} µs`);
await r9.close();
closeSync(fd);
rmSync(root, { recursive: true, force: true });
