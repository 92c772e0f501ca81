/**
 * How long a case's code takes to warm up in a fresh process: p50 and minor faults per op of consecutive
 * blocks of ops, each block on fresh engines (`fresh`, as the anchors' rounds and bench's replicates run)
 * or all on one instance (`one`, e.g. a cluster whose node processes live on). Pin it to compare runs.
 * Usage: node --import ./cli/loader/register.mjs bench/probe-warmup.ts <dir> <Scenario> <layout> <case-name-suffix> [blocks=10] [ops=500] [fresh|one]
 * e.g. bench/probe-warmup.ts /tmp/x ReplicaWrite wal clients=1 10 500 fresh
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { makePlan } from '../harness/runner/plan.ts';
import { findLayout } from '../engines/layouts/index.ts';
import { DEFAULT_BUDGET } from '../engines/memory-budget.ts';
import type { CaseInstance } from '../scenarios/family.ts';

const [dir, scenario, layout, suffix, blocksArg = '10', opsArg = '500', mode = 'fresh'] = process.argv.slice(2);
if (!dir || !scenario || !layout || !suffix || !['fresh', 'one'].includes(mode)) {
  process.stderr.write('usage: probe-warmup.ts <dir> <Scenario> <layout> <case-name-suffix> [blocks=10] [ops=500] [fresh|one]\n');
  process.exit(2);
}
const root = path.join(path.resolve(dir), `probe-warmup-${process.pid}`);
const c = makePlan({ suite: 'quick', scenarios: [scenario], layouts: [layout], sizes: [1024], count: 1 }).groups.flat().find((x) => x.name.endsWith(suffix));
if (!c) {
  process.stderr.write(`no quick-suite case of ${scenario} on ${layout} ends with ${suffix}\n`);
  process.exit(2);
}
let last = 0;
const sink = { record: (ns: number) => void (last = ns), amend: (_i: number, ns: number) => void (last += ns) };
const open = (k: number): Promise<CaseInstance> =>
  c.family.open({ params: c.typed, layout: findLayout(layout), layoutOptions: { dir: path.join(root, `b${k}`), binding: 'rocksdb9', budget: DEFAULT_BUDGET }, seed: 1 });
mkdirSync(root, { recursive: true });
const out: string[] = [];
const one: CaseInstance | null = mode === 'one' ? await open(0) : null;
for (let b = 0; b < Number(blocksArg); b++) {
  const inst = one ?? (await open(b));
  if (!one) await inst.run(10, sink, () => false);
  const lat: number[] = [];
  const f0 = process.resourceUsage().minorPageFault;
  for (let i = 0; i < Number(opsArg); i++) {
    await inst.run(1, sink, () => false);
    lat.push(last);
  }
  const faults = (process.resourceUsage().minorPageFault - f0) / Number(opsArg);
  if (!one) await inst.close();
  lat.sort((x, y) => x - y);
  out.push(`${(lat[lat.length >> 1]! / 1000).toFixed(0)} µs (${faults.toFixed(1)} faults/op)`);
}
if (one) await one.close();
rmSync(root, { recursive: true, force: true });
console.log(`${c.name}, ${mode === 'one' ? 'one instance' : 'fresh engines per block'}: p50 per ${opsArg}-op block:\n  ${out.join('\n  ')}`);
console.log('(faults: this process only; a cluster\'s node processes are not counted)');
process.exit(0);
