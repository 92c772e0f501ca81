/**
 * The wal layout's BatchCommit op against the same two engine calls in other places, interleaved op by op
 * with a raw write+fdatasync: WAL and RocksDB 9 in directories of their own, the WAL inside the RocksDB
 * directory (as the layout places it), both in sibling directories `state/` and `raft/` opened last, the
 * layout's engines, and BatchCommit's op through its loop. Differences between placements stayed within
 * the spread between runs (docs/performance.md).
 * Usage: node --import tsx bench/probe-wal-layout.ts <dir>
 */
import { fdatasyncSync, openSync, writeSync, rmSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { WalEngine } from '../engines/wal/wal-engine.ts';
import { RocksDB9Engine } from '../engines/rocksdb9.ts';
import { DEFAULT_BUDGET, splitBudget } from '../engines/memory-budget.ts';
import { findLayout } from '../engines/layouts/index.ts';
import { makePlan } from '../harness/runner/plan.ts';
import { randomValue, seqKey } from '../scenarios/value.ts';
import { zeroFillSync } from '../engines/zero-fill.ts';
const root = path.join(path.resolve(process.argv[2] ?? '.'), `probe-wal-layout-${process.pid}`); mkdirSync(root, { recursive: true });
const now = () => Number(process.hrtime.bigint());
const p50 = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]! / 1000;
const fd = openSync(path.join(root, 'raw'), 'w+'); zeroFillSync(fd, 16 << 20); fdatasyncSync(fd);
let off = 0; const b1 = Buffer.alloc(1024, 3);
const walOwn = await WalEngine.open(path.join(root, 'own-wal'), { io: 'inline' });
const r9Own = await RocksDB9Engine.open(path.join(root, 'own-r9'), splitBudget(DEFAULT_BUDGET, 2));
const r9Host = await RocksDB9Engine.open(path.join(root, 'host-r9'), splitBudget(DEFAULT_BUDGET, 2));
const walIn = await WalEngine.open(path.join(root, 'host-r9', 'raft'), { io: 'inline' });
const r9Sib = await RocksDB9Engine.open(path.join(root, 'sib', 'state'), splitBudget(DEFAULT_BUDGET, 2));
const walSib = await WalEngine.open(path.join(root, 'sib', 'raft'), { io: 'inline' });
const lay = await findLayout('wal').open({ dir: path.join(root, 'lay'), binding: 'rocksdb9', budget: DEFAULT_BUDGET });
const c = makePlan({ suite: 'quick', scenarios: ['BatchCommit'], layouts: ['wal'], sizes: [1024], count: 1 }).groups.flat().find((x) => x.name.includes('interleaved'))!;
const inst = await c.family.open({ params: c.typed, layout: findLayout('wal'), layoutOptions: { dir: path.join(root, 'bc'), binding: 'rocksdb9', budget: DEFAULT_BUDGET }, seed: 1 });
let last = 0; const sink = { record: (ns: number) => void (last = ns), amend: () => undefined };
const v = randomValue(1024); const R = Buffer.from('r/log/'), S = Buffer.from('s/kv/');
let m = 0;
const pair = async (w: any, s: any) => { const t = now(); await w.write([{ type: 'put', key: seqKey(R, m), value: v }], { sync: true }); await s.write([{ type: 'put', key: seqKey(S, m++), value: v }], { sync: false }); return now() - t; };
const variants: Record<string, () => Promise<number> | number> = {
  raw: () => { const t = now(); writeSync(fd, b1, 0, 1024, off); fdatasyncSync(fd); off = (off + 1024) % (16 << 20); return now() - t; },
  'wal+r9, own dirs': () => pair(walOwn, r9Own),
  'wal inside r9 dir + r9': () => pair(walIn, r9Host),
  'sibling state/ raft/': () => pair(walSib, r9Sib),
  'layout wal engines': () => pair(lay.raft, lay.state),
  'BatchCommit wal op': async () => { await inst.run(1, sink, () => false); return last; },
};
const names = Object.keys(variants); const t: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
console.log(`load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
for (let i = 0; i < 1500; i++) for (let j = 0; j < names.length; j++) { const n = names[(i + j) % names.length]!; const d = await variants[n]!(); if (i >= 30) t[n]!.push(d); }
const base = p50(t.raw!);
for (const n of names) console.log(`${n.padEnd(26)} p50 ${p50(t[n]!).toFixed(1).padStart(7)} us ${(p50(t[n]!) / base).toFixed(2)}x raw`);
await inst.close(); await lay.close(); await walOwn.close(); await r9Own.close(); await walIn.close(); await r9Host.close(); await walSib.close(); await r9Sib.close();
rmSync(root, { recursive: true, force: true });
