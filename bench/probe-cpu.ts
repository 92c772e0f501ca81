/**
 * CPU per op of BatchCommit wal's parts, by counter: the main thread's time on a CPU and runnable-waiting
 * (schedstat), the process's user/system time and minor faults (getrusage), for a raw write+fdatasync,
 * the WAL's synced put, the WAL put plus RocksDB 9's unsynced put, RocksDB's put alone, and raw plus the
 * put. Variants alternate in blocks of `ops`, three rounds. Then BatchCommit wal's op split by the
 * faults each op took. Pin it (`taskset -c <cpu>`) to the CPU taking the disk's interrupts.
 * Usage: node --import ./cli/loader/register.mjs bench/probe-cpu.ts <dir> [ops=1000]
 */
import { fdatasyncSync, mkdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { NodeFs } from '../engines/wal/fs.ts';
import { seqKey } from '../scenarios/value.ts';
import { openWalPair, prewrittenFile, PROBE_OP } from './raw-file.ts';
const root = path.join(path.resolve(process.argv[2] ?? '.'), `probe-cpu-${process.pid}`);
mkdirSync(root, { recursive: true });
const N = Number(process.argv[3] ?? 1000);
const { wal, state } = await openWalPair(root, new NodeFs('inline'));
const fd = prewrittenFile(path.join(root, 'raw'), 16);
let off = 0;
const { value: v, logPrefix, statePrefix } = PROBE_OP;
const now = () => Number(process.hrtime.bigint());
const sched = () => readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ').map(Number);
let k = 0;
let j = 0;
const raw = () => {
  writeSync(fd, v, 0, 1024, off);
  fdatasyncSync(fd);
  off = (off + 1024) % (16 << 20);
};
const walPut = () => wal.write([{ type: 'put', key: seqKey(logPrefix, k++), value: v }], { sync: true });
const statePut = () => state.write([{ type: 'put', key: seqKey(statePrefix, j++), value: v }], { sync: false });
const variants: Record<string, () => Promise<void> | void> = {
  'raw write+fdatasync': raw,
  'WAL synced put': walPut,
  'WAL put + RocksDB 9 put': async () => {
    await walPut();
    await statePut();
  },
  'RocksDB 9 unsynced put': statePut,
  'raw + RocksDB 9 put': async () => {
    raw();
    await statePut();
  },
};
const us = (ns: number) => (ns / 1000).toFixed(1);
const rows: Record<string, string[]> = {};
for (let round = 0; round < 3; round++) {
  for (const [name, f] of Object.entries(variants)) {
    for (let i = 0; i < 100; i++) await f();
    const s0 = sched();
    const r0 = process.resourceUsage();
    const t: number[] = [];
    for (let i = 0; i < N; i++) {
      const a = now();
      await f();
      t.push(now() - a);
    }
    const s1 = sched();
    const r1 = process.resourceUsage();
    t.sort((a, b) => a - b);
    const per = (x: number) => x / N;
    (rows[name] ??= []).push(
      `p50 ${us(t[N >> 1]!)} cpu ${us(per(s1[0]! - s0[0]!))} wait ${us(per(s1[1]! - s0[1]!))} usr ${per(r1.userCPUTime - r0.userCPUTime).toFixed(0)} sys ${per(r1.systemCPUTime - r0.systemCPUTime).toFixed(0)} faults ${per(r1.minorPageFault - r0.minorPageFault).toFixed(2)}`,
    );
  }
}
console.log(`µs per op, main thread (cpu, wait) and process (usr, sys, faults), ${N} ops a block, three rounds:`);
for (const [name, r] of Object.entries(rows)) console.log(`  ${name.padEnd(26)} ${r.join(' | ')}`);

// BatchCommit wal's op by the minor faults it took.
const byFaults: number[][] = [[], [], [], []];
for (let i = 0; i < 5 * N; i++) {
  const f0 = process.resourceUsage().minorPageFault;
  const a = now();
  await walPut();
  await statePut();
  const d = now() - a;
  byFaults[Math.min(3, process.resourceUsage().minorPageFault - f0)]!.push(d);
}
console.log(`BatchCommit wal's op (WAL put + RocksDB 9 put) by the faults it took, ${5 * N} ops:`);
byFaults.forEach((a, f) => {
  if (a.length === 0) return;
  a.sort((x, y) => x - y);
  console.log(`  ${f}${f === 3 ? '+' : ''} faults: ${((100 * a.length) / (5 * N)).toFixed(1)}% of ops, p50 ${us(a[a.length >> 1]!)} µs`);
});
await wal.close();
await state.close();
rmSync(root, { recursive: true, force: true });
