/**
 * The first time a process runs a family on a layout (and binding), the runner runs it untimed on engines
 * of its own (`Suite.firstUseWarmupMs`, harness/runner/run-plan.ts `warmCode`), so timed replicates
 * measure code V8 has compiled. Checked with a family on the real memory layout that logs every instance it opens.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { makePlan, type Catalog } from '../../harness/runner/plan.ts';
import { runPlan } from '../../harness/runner/run-plan.ts';
import { DEFAULT_BUDGET } from '../../engines/memory-budget.ts';
import { FAMILIES, SUITES, type Suite } from '../../scenarios/index.ts';
import { defineFamily, openOnLayout } from '../../scenarios/family.ts';
import { enumParam, VALUE_SIZE } from '../../scenarios/params.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

interface Opened {
  readonly dir: string;
  readonly transport: string;
  ops: number;
  /** Ops whose latency reached the runner's recorder. */
  recorded: number;
}

/** Puts on the real memory layout; every instance it opens is logged with the ops it ran. */
function loggingFamily(log: Opened[]) {
  return defineFamily({
    name: 'Logged',
    summary: 'one put per op, logged',
    nameOrder: ['layout', 'mode', 'transport', 'vs'],
    params: { mode: enumParam(['a', 'b']), transport: enumParam(['etcd', 'local'], 'local'), vs: VALUE_SIZE },
    bytesPerOp: (p) => p.vs,
    open: (ctx) =>
      openOnLayout(ctx, async (layout) => {
        const me: Opened = { dir: ctx.layoutOptions.dir, transport: ctx.params.transport, ops: 0, recorded: 0 };
        log.push(me);
        const value = Buffer.alloc(ctx.params.vs, 1);
        return {
          async run(ops, sink, stop) {
            for (let i = 0; i < ops; i++) {
              if (stop()) return i;
              await layout.raft.write([{ type: 'put', key: Buffer.from(`k${me.ops++}`), value }], { sync: false });
              const before = me.recorded;
              sink.record(1000);
              // The warm-up's sink records nothing anywhere; a recorder's does.
              me.recorded = before + 1;
            }
            return ops;
          },
          engines: () => [layout.raft],
          close: () => layout.close(),
        };
      }),
  });
}

function catalog(log: Opened[], firstUseWarmupMs: number, transports: string[]): Catalog {
  const suite: Suite = {
    name: 'warm-test',
    summary: 'two cases of one family on one layout',
    count: 3,
    targetRunMs: 5,
    minOps: 5,
    maxOps: 20,
    warmupOps: 2,
    firstUseWarmupMs,
    entries: [{ family: 'Logged', sizes: [64], axes: { mode: ['a', 'b'], transport: transports }, layouts: ['memory'] }],
  };
  return { suites: [...SUITES, suite], families: [...FAMILIES, loggingFamily(log)] };
}

async function run(log: Opened[], firstUseWarmupMs: number, transports: string[], cat = catalog(log, firstUseWarmupMs, transports)) {
  const { dir, cleanup } = await tmpDir('rb-warm-');
  try {
    const plan = makePlan({ suite: 'warm-test' }, cat);
    const r = await runPlan({ plan, dataDir: path.join(dir, 'data'), raftDir: null, binding: 'rocksdb9', budget: DEFAULT_BUDGET, shouldStop: () => false });
    return r.benchmarks;
  } finally {
    await cleanup();
  }
}

test('the first use of a family on a layout is warmed up once, untimed, on its own engines', async () => {
  const log: Opened[] = [];
  const cat = catalog(log, 150, ['local']);
  const benchmarks = await run(log, 150, ['local'], cat);
  // One warm-up instance, then 2 cases x 3 replicates.
  assert.equal(log.length, 1 + 2 * 3, log.map((o) => path.basename(o.dir)).join(' '));
  const [warm, ...timed] = log;
  assert.match(path.basename(warm!.dir), /-warm$/);
  assert.ok(timed.every((o) => !o.dir.endsWith('-warm')));
  // It ran for its time (or to its cap), far more than a replicate's warm-up and timed ops.
  assert.ok(warm!.ops > 20, `warm-up ran ${warm!.ops} ops`);
  // Nothing of it reached the results: each replicate's ops are its own timed ops.
  for (const b of benchmarks) for (const r of b.runs) assert.ok(r.ops <= 20, `${b.name}: ${r.ops} ops`);
  assert.equal(benchmarks.reduce((n, b) => n + b.runs.length, 0), 6);
  // Once per process: a second run of the same family (as the anchors make, one per round) is not warmed.
  await run(log, 150, ['local'], cat);
  assert.equal(log.length, 1 + 2 * 3 + 2 * 3);
  assert.equal(log.filter((o) => o.dir.endsWith('-warm')).length, 1);
});

test('no warm-up when the suite sets none, nor for cases run by etcd', async () => {
  const none: Opened[] = [];
  await run(none, 0, ['local']);
  assert.equal(none.length, 6);
  assert.ok(none.every((o) => !o.dir.endsWith('-warm')));

  const etcd: Opened[] = [];
  await run(etcd, 150, ['etcd', 'local']);
  const warms = etcd.filter((o) => o.dir.endsWith('-warm'));
  // The family/layout pair is warmed once, by its first case that runs in this process.
  assert.equal(warms.length, 1);
  assert.equal(warms[0]!.transport, 'local');
});
