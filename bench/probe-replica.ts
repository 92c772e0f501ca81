/**
 * Where a ReplicaWrite op's time goes: the op (client put to ack) against the engine calls inside it.
 * Wraps the raft and state engines' `write` with timers, runs the real ReplicaWrite case op by op
 * interleaved with a raw write+fdatasync (the floor), and prints p50s: op, raft write, state write, and
 * the rest (raft library, event loop turns, client).
 * Usage: node --import tsx bench/probe-replica.ts <dir> [ops] [layout]
 */
import { closeSync, fdatasyncSync, writeSync, rmSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_BUDGET } from '../engines/memory-budget.ts';
import { findLayout } from '../engines/layouts/index.ts';
import { makePlan } from '../harness/runner/plan.ts';
import { WalEngine } from '../engines/wal/wal-engine.ts';
import { RocksDB6Engine } from '../engines/rocksdb6.ts';
import { RocksDB9Engine } from '../engines/rocksdb9.ts';
import { prewrittenFile } from './raw-file.ts';

const dir = path.resolve(process.argv[2] ?? '.');
const ops = Number(process.argv[3] ?? 1000);
const layoutName = process.argv[4] ?? 'wal';
const binding = (process.argv[5] ?? 'rocksdb') as 'rocksdb' | 'rocksdb9';
const inlineIo = process.argv[6] === 'inline';
const root = path.join(dir, `probe-replica-${process.pid}`);
mkdirSync(root, { recursive: true });
const now = () => Number(process.hrtime.bigint());
const p50 = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]! / 1000;

const timed: Record<string, number[]> = { 'raft write (sync)': [], 'raft write (nosync)': [], 'state write': [] };
let cur: Record<string, number> = {};
function wrap(proto: { write: (...a: any[]) => Promise<void> }, role: (e: any, sync: boolean) => string): void {
  const orig = proto.write;
  proto.write = async function (this: any, o: any, opts: { sync: boolean }) {
    const a = now();
    await orig.call(this, o, opts);
    const k = role(this, opts.sync);
    cur[k] = (cur[k] ?? 0) + now() - a;
  };
}
let raftEngine: unknown = null;
wrap(WalEngine.prototype as any, (_e, sync) => `raft write (${sync ? 'sync' : 'nosync'})`);
for (const P of [RocksDB6Engine, RocksDB9Engine]) wrap(P.prototype as any, (e, sync) => (e === raftEngine ? `raft write (${sync ? 'sync' : 'nosync'})` : 'state write'));

const fd = prewrittenFile(path.join(root, 'raw'), 16);
let off = 0;
const buf = Buffer.alloc(1024, 7);

const c = makePlan({ suite: 'quick', scenarios: ['ReplicaWrite'], layouts: [layoutName], sizes: [1024], count: 1 }).groups.flat().find((x) => x.name.endsWith('clients=1'))!;
const inst = await c.family.open({ params: c.typed, layout: findLayout(layoutName), layoutOptions: { dir: path.join(root, 'rw'), binding, budget: DEFAULT_BUDGET, inlineIo }, seed: 1 });
const engines = inst.engines();
if (layoutName !== 'shared' && engines.length > 1) raftEngine = engines[0];
let last = 0;
const sink = { record: (ns: number) => void (last = ns), amend: () => undefined };
const raw: number[] = [], op: number[] = [], rest: number[] = [];
console.log(`load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}; ReplicaWrite ${layoutName} ${binding}${inlineIo ? ' inline' : ''} 1 KiB clients=1, ${ops} ops interleaved with raw`);
for (let i = 0; i < ops; i++) {
  const a = now();
  writeSync(fd, buf, 0, buf.length, off);
  fdatasyncSync(fd);
  off = (off + 1024) % (16 << 20);
  const r = now() - a;
  cur = {};
  await inst.run(1, sink, () => false);
  if (i < 20) continue;
  raw.push(r);
  op.push(last);
  let inside = 0;
  for (const [k, v] of Object.entries(cur)) {
    timed[k]!.push(v);
    inside += v;
  }
  rest.push(last - inside);
}
console.log(`raw write+fdatasync     p50 ${p50(raw).toFixed(1).padStart(7)} us`);
console.log(`ReplicaWrite op         p50 ${p50(op).toFixed(1).padStart(7)} us  ${(p50(op) / p50(raw)).toFixed(2)}x raw`);
for (const [k, v] of Object.entries(timed)) if (v.length) console.log(`  ${k.padEnd(21)} p50 ${p50(v).toFixed(1).padStart(7)} us  (${v.length} calls)`);
console.log(`  rest of the op        p50 ${p50(rest).toFixed(1).padStart(7)} us`);
await inst.close();
closeSync(fd);
rmSync(root, { recursive: true, force: true });
