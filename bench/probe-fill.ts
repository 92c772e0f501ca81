/**
 * What the zero-fill's write size costs every later small append (engines/zero-fill.ts): files of 8 MiB
 * zero-filled in writes of 1 MiB, 64 KiB, 16 KiB and 4 KiB, then 1,100-byte write+fdatasync ops at
 * increasing offsets, alternating between the files op by op. Prints each file's write, fdatasync and
 * whole-op p50. Pin it (`taskset -c <cpu>`) to the CPU taking the disk's interrupts to compare runs.
 * Usage: node --import ./cli/loader/register.mjs bench/probe-fill.ts <dir> [ops=2000]
 */
import { closeSync, fdatasyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

const root = path.join(path.resolve(process.argv[2] ?? '.'), `probe-fill-${process.pid}`);
const N = Number(process.argv[3] ?? 2000);
const SIZE = 8 << 20;
const RECORD = 1100;
if (!(Number.isInteger(N) && N > 0 && N * RECORD <= SIZE)) {
  process.stderr.write(`ops ${process.argv[3]}: a whole number from 1 to ${Math.floor(SIZE / RECORD)}\n`);
  process.exit(2);
}
mkdirSync(root, { recursive: true });
const now = () => Number(process.hrtime.bigint());
const fills = [1 << 20, 64 << 10, 16 << 10, 4 << 10];
const fds = fills.map((chunk) => {
  const fd = openSync(path.join(root, `fill-${chunk}`), 'w+');
  const zeros = Buffer.alloc(chunk);
  for (let off = 0; off < SIZE; off += chunk) writeSync(fd, zeros, 0, chunk, off);
  fdatasyncSync(fd);
  return fd;
});
const rec = Buffer.alloc(RECORD, 7);
const w = fills.map(() => [] as number[]);
const s = fills.map(() => [] as number[]);
const both = fills.map(() => [] as number[]);
for (let i = 0; i < N; i++) {
  for (let k = 0; k < fills.length; k++) {
    const j = i & 1 ? fills.length - 1 - k : k; // alternate the order, so no file always goes first
    const t0 = now();
    writeSync(fds[j]!, rec, 0, RECORD, i * RECORD);
    const t1 = now();
    fdatasyncSync(fds[j]!);
    const t2 = now();
    w[j]!.push(t1 - t0);
    s[j]!.push(t2 - t1);
    both[j]!.push(t2 - t0);
  }
}
const p50 = (a: number[]) => ([...a].sort((x, y) => x - y)[a.length >> 1]! / 1000).toFixed(1);
fills.forEach((chunk, j) => {
  const label = chunk >= 1 << 20 ? `${chunk >> 20} MiB` : `${chunk >> 10} KiB`;
  console.log(`filled in ${label.padStart(6)} writes: write p50 ${p50(w[j]!)} µs, fdatasync p50 ${p50(s[j]!)} µs, both p50 ${p50(both[j]!)} µs`);
});
fds.forEach((fd) => closeSync(fd));
rmSync(root, { recursive: true, force: true });
