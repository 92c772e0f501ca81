/**
 * Where does a synced 1 KiB write's time go? Each variant below is one "op"; ops of all variants are
 * interleaved one by one (rotating order) in one process and one directory, so the device's drifting
 * floor hits each alike. Prints each variant's p50 and its ratio to `raw` (write+fdatasync into a
 * pre-written file on this thread, as fio --overwrite=1 does), plus device flushes per op.
 * Usage: node --import tsx bench/probe-sync.ts <dir> [ops]
 */
import { closeSync, fdatasyncSync, openSync, writeSync, rmSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { WalEngine } from '../engines/wal/wal-engine.ts';
import { RocksDB6Engine } from '../engines/rocksdb6.ts';
import { RocksDB9Engine } from '../engines/rocksdb9.ts';
import { DEFAULT_BUDGET } from '../engines/memory-budget.ts';
import { findLayout } from '../engines/layouts/index.ts';
import { makePlan } from '../harness/runner/plan.ts';
import { zeroFillSync } from '../engines/zero-fill.ts';

const dir = path.resolve(process.argv[2] ?? '.');
const ops = Number(process.argv[3] ?? 1000);
const root = path.join(dir, `probe-${process.pid}`);
mkdirSync(root, { recursive: true });
const now = () => Number(process.hrtime.bigint());
const p50 = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]! / 1000;

function prewritten(name: string): { fd: number; off: number } {
  const fd = openSync(path.join(root, name), 'w+');
  zeroFillSync(fd, 16 << 20);
  fdatasyncSync(fd);
  return { fd, off: 0 };
}
const buf = Buffer.alloc(1024, 7);
const rnd = randomBytes(1024);
function rawWrite(f: { fd: number; off: number }, sync: boolean, data = buf): void {
  writeSync(f.fd, data, 0, data.length, f.off);
  if (sync) fdatasyncSync(f.fd);
  f.off = (f.off + 1024) % (16 << 20);
}
const pre = prewritten('raw');
const pre2 = prewritten('raw2');
const appendFd = openSync(path.join(root, 'append'), 'w');
const wal = await WalEngine.open(path.join(root, 'wal'), { io: 'inline' });
const wal2 = await WalEngine.open(path.join(root, 'wal2'), { io: 'inline' });
const r6 = await RocksDB6Engine.open(path.join(root, 'r6'), DEFAULT_BUDGET);
const r6b = await RocksDB6Engine.open(path.join(root, 'r6b'), DEFAULT_BUDGET);
const r9 = await RocksDB9Engine.open(path.join(root, 'r9'), DEFAULT_BUDGET);
const value = Buffer.alloc(1024, 7);
let k = 0;
const key = () => Buffer.from(`k${String(k++).padStart(10, '0')}`);
const put = (e: typeof r6, sync: boolean) => e.write([{ type: 'put', key: key(), value }], { sync });
const variants: Record<string, () => Promise<unknown> | unknown> = {
  raw: () => rawWrite(pre, true),
  'raw + append nosync': () => {
    rawWrite(pre, true);
    writeSync(appendFd, buf);
  },
  'raw + r6 nosync': async () => {
    rawWrite(pre, true);
    await put(r6b, false);
  },
  'wal sync': () => put(wal, true),
  'wal sync + r6 nosync': async () => {
    await put(wal, true);
    await put(r6b, false);
  },
  'r6 sync': () => put(r6, true),
  'r6 sync + r6 nosync': async () => {
    await put(r6, true);
    await put(r6, false);
  },
  'r9 sync': () => put(r9, true),
  'r9 sync + r9 nosync': async () => {
    await put(r9, true);
    await put(r9, false);
  },
};
// raftbench's own cases, one op per call, through the family's op loop (its sink's latency).
const CASES = ['BatchCommit/layout=shared/order=interleaved/vs=1024', 'BatchCommit/layout=wal/order=interleaved/vs=1024', 'ReplicaWrite/layout=shared/vs=1024/clients=1', 'ReplicaWrite/layout=wal/vs=1024/clients=1'];
const planned = makePlan({ suite: 'quick', scenarios: ['BatchCommit', 'ReplicaWrite'], layouts: ['shared', 'wal'], sizes: [1024], count: 1 }).groups.flat().filter((c) => CASES.includes(c.name));
const instances: Array<{ close(): Promise<void> }> = [];
for (const c of planned) {
  const inst = await c.family.open({ params: c.typed, layout: findLayout(c.params.layout!), layoutOptions: { dir: path.join(root, c.name.replace(/[/=]/g, '_')), binding: 'rocksdb', budget: DEFAULT_BUDGET }, seed: 1 });
  instances.push(inst);
  let last = 0;
  const sink = { record: (ns: number) => void (last = ns), amend: (_i: number, ns: number) => void (last += ns) };
  variants[c.name.replace('/vs=1024', '').replace('/order=interleaved', '')] = async () => {
    await inst.run(1, sink, () => false);
    return last;
  };
}
// The wal layout's engines, opened as BatchCommit opens them, driven with BatchCommit's keys and value.
import('../scenarios/value.ts');
const { randomValue, seqKey } = await import('../scenarios/value.ts');
const lay = await findLayout('wal').open({ dir: path.join(root, 'lay'), binding: 'rocksdb', budget: DEFAULT_BUDGET, inlineIo: true });
const bcValue = randomValue(1024);
let m = 0;
const tr: number[] = [], tsn: number[] = [];
variants['layout wal, bc keys'] = async () => {
  const a = now();
  await lay.raft.write([{ type: 'put', key: seqKey(Buffer.from('r/log/'), m), value: bcValue }], { sync: true });
  const b = now();
  await lay.state.write([{ type: 'put', key: seqKey(Buffer.from('s/kv/'), m++), value: bcValue }], { sync: false });
  tr.push(b - a); tsn.push(now() - b);
};
variants['wal sync + r6 nosync, bc keys'] = async () => {
  await wal.write([{ type: 'put', key: seqKey(Buffer.from('r/log/'), m), value: bcValue }], { sync: true });
  await r6b.write([{ type: 'put', key: seqKey(Buffer.from('s/kv/'), m++), value: bcValue }], { sync: false });
};
instances.push(lay);
const unpooled = Buffer.from(bcValue); // its own ArrayBuffer (Buffer.from copies into the pool only below 4 KiB?)
const own = new Uint8Array(1024); own.set(bcValue);
variants['wal+r6, bc keys, const value'] = async () => {
  await wal.write([{ type: 'put', key: seqKey(Buffer.from('r/log/'), m), value }], { sync: true });
  await r6b.write([{ type: 'put', key: seqKey(Buffer.from('s/kv/'), m++), value }], { sync: false });
};
variants['wal+r6, str keys, bc value'] = async () => {
  await wal.write([{ type: 'put', key: key(), value: bcValue }], { sync: true });
  await r6b.write([{ type: 'put', key: key(), value: bcValue }], { sync: false });
};
variants['wal+r6, str keys, own-buffer value'] = async () => {
  await wal.write([{ type: 'put', key: key(), value: Buffer.from(own.buffer) }], { sync: true });
  await r6b.write([{ type: 'put', key: key(), value: Buffer.from(own.buffer) }], { sync: false });
};
console.log('bcValue pooled:', bcValue.buffer.byteLength, bcValue.byteOffset);
for (const n of ['raw + append nosync', 'raw + r6 nosync', 'r9 sync', 'r9 sync + r9 nosync', 'r6 sync', 'r6 sync + r6 nosync', 'ReplicaWrite/layout=shared/clients=1', 'ReplicaWrite/layout=wal/clients=1', 'BatchCommit/layout=shared']) delete variants[n];
const names = Object.keys(variants);
const t: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
const flushes = () => Number(readFileSync('/sys/block/vda/stat', 'utf8').trim().split(/\s+/)[15]);
const f0 = flushes();
console.log(`load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}; ${ops} ops per variant, interleaved`);
for (let i = 0; i < ops; i++) {
  for (let j = 0; j < names.length; j++) {
    const n = names[(i + j) % names.length]!;
    const a = now();
    const own = await variants[n]!();
    const took = typeof own === 'number' ? own : now() - a;
    if (i >= 20) t[n]!.push(took);
  }
}
const fl = (flushes() - f0) / (ops * names.length);
const base = p50(t.raw!);
for (const n of names) console.log(`${n.padEnd(22)} p50 ${p50(t[n]!).toFixed(1).padStart(7)} us  ${(p50(t[n]!) / base).toFixed(2)}x raw`);
console.log(`layout wal: raft write p50 ${p50(tr).toFixed(1)} us, state write p50 ${p50(tsn).toFixed(1)} us`);
console.log(`device flushes per op (all variants): ${fl.toFixed(2)}`);
closeSync(pre.fd);
closeSync(appendFd);
for (const inst of instances) await inst.close();
await wal.close(); await r6.close(); await r6b.close(); await r9.close();
rmSync(root, { recursive: true, force: true });
