import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, test } from 'node:test';
import { mergeReplicates } from '../../analysis/gate/merge.ts';
import { readResults } from '../../harness/results/read.ts';
import { saveResults } from '../../harness/results/write.ts';
import { mkdir } from 'node:fs/promises';
import type { GateResult } from '../../analysis/gate/model.ts';
import { NODE_ARGS } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

/**
 * Real runs end to end: `bench` of BatchCommit on the shared layout at 1 KiB, then `gate` on the results.
 * Each side is several single-replicate bench processes run alternately (A B B A ...), as A/B mode does:
 * on a shared machine, two back-to-back bench runs of a second each can land on either side of a burst of
 * someone else's disk traffic, and a gate would rightly call that a difference.
 *
 * The two tests share their baseline A. Each round runs A, A' (the same code again) and B (slowed), as
 * A A' B, then B A' A, and so on: A and A' alternate, and so do A and B, each pair as it would alone. The
 * A/A test gates A against A', the slowdown test A against B.
 */
const REPLICATES = 8;
const BENCH = ['bench', '--suite', 'smoke', '--scenario', 'BatchCommit', '--layout', 'shared', '--sizes', '1k', '--count', '1', '--ops', '60', '--no-calibrate', '--no-report', '--quiet'];
const SLOW = { RAFTBENCH_TEST_SLOW_SYNC_US: '2000' };

type Side = 'A' | 'A2' | 'B';
const ROUNDS: ReadonlyArray<readonly Side[]> = [['A', 'A2', 'B'], ['B', 'A2', 'A']];

function cli(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // The slowed side runs through the test entry that injects engines/testing/slow.ts.
  const entry = env.RAFTBENCH_TEST_SLOW_SYNC_US ? 'test/helpers/slow-sync-cli.ts' : 'cli/main.ts';
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...NODE_ARGS, entry, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface Sides {
  /** Each side's replicates merged into one results dir. */
  readonly merged: Record<Side, string>;
  /** Replicates whose bench failed, per side: each test checks the sides it gates. */
  readonly failed: Record<Side, string[]>;
}

/** Runs REPLICATES bench processes per side in rounds (see above) and merges each side into DIR/<side>. */
async function runSides(dir: string): Promise<Sides> {
  const parts: Record<Side, string[]> = { A: [], A2: [], B: [] };
  const failed: Record<Side, string[]> = { A: [], A2: [], B: [] };
  for (let i = 0; i < REPLICATES; i++) {
    for (const side of ROUNDS[i % 2]!) {
      const out = path.join(dir, `${side}-${i}`);
      const r = await cli([...BENCH, '--out', out, '--dir', path.join(dir, 'data')], side === 'B' ? SLOW : {});
      if (r.code === 0) parts[side].push(out);
      else failed[side].push(`${side} replicate ${i}: exit ${r.code}: ${r.stderr}`);
    }
  }
  const merged = { A: path.join(dir, 'a'), A2: path.join(dir, 'a2'), B: path.join(dir, 'b') };
  for (const side of ['A', 'A2', 'B'] as const) {
    if (parts[side].length === 0) continue;
    const files = await Promise.all(parts[side].map((p) => readResults(p)));
    await mkdir(merged[side], { recursive: true });
    saveResults(merged[side], mergeReplicates(files, side, ['test']));
  }
  return { merged, failed };
}

let work: { dir: string; cleanup: () => Promise<void> } | null = null;
let shared: Promise<Sides> | null = null;
/** The sides, run once by whichever test comes first. */
function sides(): Promise<Sides> {
  shared ??= tmpDir('gate-e2e-').then((t) => {
    work = t;
    return runSides(t.dir);
  });
  return shared;
}
after(() => work?.cleanup());

async function gate(a: string, b: string, extra: readonly string[] = []): Promise<{ code: number | null; result: GateResult; stderr: string }> {
  const r = await cli(['gate', '--baseline', a, '--current', b, '--format', 'json', ...extra]);
  return { code: r.code, result: JSON.parse(r.stdout || '{}') as GateResult, stderr: r.stderr };
}

test('real A/A: same code on both sides is no change or inconclusive, never a regression', async () => {
  const s = await sides();
  assert.deepEqual([...s.failed.A, ...s.failed.A2], []);
  // On a real disk an A/A gate is a false positive with probability alpha; at 0.01 this test is a
  // check of the pipeline that fails about once in a hundred runs, not once in twenty (it did).
  const g = await gate(s.merged.A, s.merged.A2, ['--alpha', '0.01']);
  assert.equal(g.code, 0, g.stderr);
  assert.equal(g.result.m, 2);
  for (const t of g.result.tests) {
    assert.equal(t.baseline.n, REPLICATES);
    // An A/A "improvement" would be a false positive too.
    assert.ok(t.verdict === 'no change' || t.verdict === 'inconclusive', `${t.name}: ${t.verdict}: ${t.reason}`);
  }
  assert.equal(g.result.environment.checked, true);
  assert.deepEqual(g.result.environment.mismatches, []);
});

test('real slowdown: 2 ms added to every synced write (RAFTBENCH_TEST_SLOW_SYNC_US) is a regression, exit 1', async () => {
  const s = await sides();
  assert.deepEqual([...s.failed.A, ...s.failed.B], []);
  const g = await gate(s.merged.A, s.merged.B);
  assert.equal(g.code, 1, g.stderr);
  for (const t of g.result.tests) {
    assert.equal(t.verdict, 'regression', `${t.name}: ${t.reason}`);
    assert.ok(t.current.median - t.baseline.median > 1.5e6, `${t.name}: ${t.baseline.median} -> ${t.current.median}`);
  }
});
