/**
 * One synced 1 KiB write two ways on this thread, interleaved op by op on pre-written files: `write` then
 * `fdatasync` (two syscalls, what the WAL's inline path does) against one `pwrite` on a descriptor opened
 * with O_DSYNC (one syscall; the kernel syncs the range written). Prints p50s and their ratio.
 * Usage: node --import tsx bench/probe-dsync.ts <dir> [ops]
 */
import { constants, fdatasyncSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { zeroFillSync } from '../engines/zero-fill.ts';

const root = path.join(path.resolve(process.argv[2] ?? '.'), `probe-dsync-${process.pid}`);
const ops = Number(process.argv[3] ?? 2000);
mkdirSync(root, { recursive: true });
const SPAN = 16 << 20;
function prewritten(name: string, flags: number): { fd: number; off: number } {
  const file = path.join(root, name);
  const init = openSync(file, 'w+');
  zeroFillSync(init, SPAN);
  fdatasyncSync(init);
  return { fd: openSync(file, flags), off: 0 };
}
const two = prewritten('two', constants.O_RDWR);
const one = prewritten('one', constants.O_RDWR | constants.O_DSYNC);
const buf = Buffer.alloc(1024, 7);
const now = () => Number(process.hrtime.bigint());
const variants: Record<string, () => void> = {
  'write + fdatasync': () => {
    writeSync(two.fd, buf, 0, buf.length, two.off);
    fdatasyncSync(two.fd);
    two.off = (two.off + 1024) % SPAN;
  },
  'pwrite on O_DSYNC': () => {
    writeSync(one.fd, buf, 0, buf.length, one.off);
    one.off = (one.off + 1024) % SPAN;
  },
};
const names = Object.keys(variants);
const t: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
console.log(`load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
for (let i = 0; i < ops; i++) {
  for (let j = 0; j < names.length; j++) {
    const n = names[(i + j) % names.length]!;
    const a = now();
    variants[n]!();
    if (i >= 50) t[n]!.push(now() - a);
  }
}
const p50 = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]! / 1000;
const base = p50(t[names[0]!]!);
for (const n of names) console.log(`${n.padEnd(20)} p50 ${p50(t[n]!).toFixed(1).padStart(7)} µs  ${(p50(t[n]!) / base).toFixed(3)}x`);
rmSync(root, { recursive: true, force: true });
