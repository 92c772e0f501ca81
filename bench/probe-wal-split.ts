/**
 * Where BatchCommit wal's op (a synced 1 KiB WAL put, then an unsynced 1 KiB RocksDB 9 put) spends its
 * time beyond the device: the WAL's code before its write, the write and the fdatasync, the WAL's code
 * after them until its promise settles, and the RocksDB put; each op interleaved with a raw
 * write+fdatasync on a pre-written file in the same directory. The WAL's file is wrapped only to
 * timestamp its durable write (the queued path's `writeDurable`, or the synchronous path's
 * `now.writeDurable`). Pin it (`taskset -c <cpu>`) to the CPU taking the disk's interrupts to compare runs.
 * Usage: node --import tsx bench/probe-wal-split.ts <dir> [ops=3000]
 */
import { fdatasyncSync, writeSync, closeSync, rmSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { NodeFs, type WalFs, type WalFile } from '../engines/wal/fs.ts';
import { seqKey } from '../scenarios/value.ts';
import { openWalPair, prewrittenFile, PROBE_OP } from './raw-file.ts';
const root = path.join(path.resolve(process.argv[2] ?? '.'), `probe-wal-split-${process.pid}`);
mkdirSync(root, { recursive: true });
const N = Number(process.argv[3] ?? 3000);
const now = () => Number(process.hrtime.bigint());
const p50 = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]! / 1000;
let t1 = 0;
let t2 = 0;
let t3 = 0;
const real = new NodeFs('inline');
const fs: WalFs = Object.assign(Object.create(real) as WalFs, {
  async open(p: string, o: { create: boolean }): Promise<WalFile> {
    const f = await real.open(p, o);
    const timed = (d: Uint8Array, pos: number) => {
      t1 = now();
      f.now!.writeAppend(d, pos);
      t2 = now();
      f.now!.datasyncAppend();
      t3 = now();
    };
    return {
      write: (d, pos) => f.write(d, pos),
      datasync: () => f.datasync(),
      truncate: (n) => f.truncate(n),
      close: () => f.close(),
      writeDurable: async (d, pos) => timed(d, pos),
      now: f.now && { ...f.now, writeDurable: timed },
    };
  },
});
const { wal, state } = await openWalPair(root, fs);
const fd = prewrittenFile(path.join(root, 'raw'), 64);
let off = 0;
const { value: v, logPrefix: prefix, statePrefix } = PROBE_OP;
const T: Record<string, number[]> = {};
const rec = (n: string, d: number) => (T[n] ??= []).push(d);
for (let i = 0; i < N; i++) {
  const a = now();
  writeSync(fd, v, 0, 1024, off);
  const a2 = now();
  fdatasyncSync(fd);
  off = (off + 1024) % (64 << 20);
  const b = now();
  const t0 = now();
  await wal.write([{ type: 'put', key: seqKey(prefix, i), value: v }], { sync: true });
  const t4 = now();
  await state.write([{ type: 'put', key: seqKey(statePrefix, i), value: v }], { sync: false });
  const t5 = now();
  if (i < N / 10) continue;
  rec('raw: write', a2 - a);
  rec('raw: fdatasync', b - a2);
  rec('raw: write+fdatasync', b - a);
  rec('op: WAL code before the write', t1 - t0);
  rec('op: write', t2 - t1);
  rec('op: fdatasync', t3 - t2);
  rec('op: WAL code after the fdatasync', t4 - t3);
  rec('op: RocksDB 9 unsynced put', t5 - t4);
  rec('op: whole', t5 - t0);
  rec('op minus raw, per op', t5 - t0 - (b - a));
}
for (const [n, a] of Object.entries(T)) console.log(n.padEnd(34), p50(a).toFixed(1).padStart(7), 'us');
await wal.close();
await state.close();
closeSync(fd);
rmSync(root, { recursive: true, force: true });
