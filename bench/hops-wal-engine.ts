/**
 * BatchCommit's op on the `wal` layout (one synced put to the WAL, one unsynced put to RocksDB 6) through
 * the WAL's old path (write then fdatasync, two pool hops) and its new ones (one O_DSYNC pwrite through
 * the pool; write+fdatasync on the op thread), interleaved op by op in one process and one directory so
 * machine load hits each alike. Prints p50 and the ratio to the old path.
 * Usage: node --import tsx bench/hops-wal-engine.ts <dir> [ops] [size]
 */
import { rmSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { NodeFs, type WalFile, type WalFs } from '../engines/wal/fs.ts';
import { WalEngine } from '../engines/wal/wal-engine.ts';
import { RocksDB6Engine } from '../engines/rocksdb6.ts';
import { DEFAULT_BUDGET } from '../engines/memory-budget.ts';
import type { Engine } from '../engines/engine.ts';

const dir = path.resolve(process.argv[2] ?? '.');
const ops = Number(process.argv[3] ?? 1500);
const size = Number(process.argv[4] ?? 1024);
const root = path.join(dir, `hops-engine-${process.pid}`);

/** NodeFs without the one-step write: the WAL's path before it (write, then fdatasync). */
function twoStep(): WalFs {
  const fs = new NodeFs('pool');
  return Object.assign(Object.create(fs) as WalFs, {
    async open(p: string, o: { create: boolean }): Promise<WalFile> {
      const f = await fs.open(p, o);
      return { write: (d, pos) => f.write(d, pos), datasync: () => f.datasync(), truncate: (n) => f.truncate(n), close: () => f.close() };
    },
  });
}

const variants: Array<[string, () => Promise<Engine>]> = [
  ['old: write then fdatasync (2 pool hops)', () => WalEngine.open(path.join(root, 'old'), { fs: twoStep() })],
  ['O_DSYNC pwrite (1 pool hop, replica)', () => WalEngine.open(path.join(root, 'dsync'), { io: 'pool' })],
  ['inline write+fdatasync (0 hops, BatchCommit)', () => WalEngine.open(path.join(root, 'inline'), { io: 'inline' })],
];
const wals = [];
for (const [name, open] of variants) wals.push({ name, wal: await open(), state: await RocksDB6Engine.open(path.join(root, `${name.slice(0, 3)}-state`), DEFAULT_BUDGET), t: [] as number[] });
const value = Buffer.alloc(size, 7);
const now = () => Number(process.hrtime.bigint());
for (let i = 0; i < ops; i++) {
  const key = Buffer.from(`k${String(i).padStart(10, '0')}`);
  for (let k = 0; k < wals.length; k++) {
    const w = wals[(i + k) % wals.length]!;
    const t0 = now();
    await w.wal.write([{ type: 'put', key, value }], { sync: true });
    await w.state.write([{ type: 'put', key, value }], { sync: false });
    if (i >= 50) w.t.push(now() - t0);
  }
}
const p50 = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const base = p50(wals[0]!.t);
console.log(`BatchCommit op on wal (+ RocksDB 6 state), ${size} B, ${ops} ops interleaved, ${dir}, load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
for (const w of wals) console.log(`${w.name.padEnd(46)} p50 ${(p50(w.t) / 1000).toFixed(1).padStart(7)} us  ${(p50(w.t) / base).toFixed(2)}x`);
for (const w of wals) {
  await w.wal.close();
  await w.state.close();
}
rmSync(root, { recursive: true, force: true });
