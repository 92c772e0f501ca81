import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { GateResult } from '../../analysis/gate/model.ts';
import { readResults } from '../../harness/results/read.ts';
import { NODE_ARGS } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

/** A/B mode against HEAD (the committed version of this very code): small, but every step is real. */
const AB = ['gate', '--ab', 'HEAD', '--suite', 'smoke', '--scenario', 'BatchCommit', '--layout', 'shared', '--sizes', '1k', '--ops', '20'];

function worktrees(): string {
  return execFileSync('git', ['worktree', 'list', '--porcelain'], { encoding: 'utf8' });
}

function run(args: readonly string[], onStderr?: (all: string, child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...NODE_ARGS, 'cli/main.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      onStderr?.(stderr, child);
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('A/B against HEAD: worktree, install, alternating replicates, merged results, verdicts; worktree removed', async () => {
  const { dir, cleanup } = await tmpDir('gate-ab-');
  try {
    const out = path.join(dir, 'out');
    const r = await run([...AB, '--runs', '3', '--dir', path.join(dir, 'data'), '--out', out, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const g = JSON.parse(r.stdout) as GateResult;
    assert.equal(g.m, 2);
    for (const t of g.tests) {
      assert.equal(t.baseline.n, 3);
      assert.equal(t.current.n, 3);
      // n=3 per side can never be significant: the gate says so instead of guessing.
      assert.equal(t.verdict, 'inconclusive');
      assert.equal(t.cause, 'too-few-samples');
    }
    assert.equal(g.environment.enginesChecked, false);
    assert.deepEqual(g.environment.mismatches, []);
    const order = [...r.stderr.matchAll(/replicate (\d)\/3 (baseline|candidate)/g)].map((m) => (m[2] === 'baseline' ? 'A' : 'B')).join('');
    assert.equal(order, 'ABBAAB');
    const base = await readResults(path.join(out, 'baseline'));
    const cur = await readResults(path.join(out, 'current'));
    assert.equal(base.complete, true);
    assert.equal(base.benchmarks.length, 2);
    assert.ok(base.benchmarks.every((b) => b.runs.length === 3));
    assert.ok(cur.benchmarks.every((b) => b.runs.length === 3));
    const wt = /worktree at (\S+)/.exec(r.stderr)?.[1];
    assert.ok(wt, r.stderr);
    assert.ok(!existsSync(wt), `${wt} still exists`);
    assert.ok(!existsSync(path.dirname(wt)), `${path.dirname(wt)} still exists`);
    assert.ok(!worktrees().includes(wt));
  } finally {
    await cleanup();
  }
});

test('A/B: Ctrl-C stops the replicate, removes the worktree, exits 130', async () => {
  const { dir, cleanup } = await tmpDir('gate-ab-int-');
  try {
    let sent = false;
    const r = await run([...AB, '--runs', '20', '--dir', path.join(dir, 'data'), '--out', path.join(dir, 'out')], (all, child) => {
      if (!sent && /replicate 2\/20/.test(all)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    assert.ok(sent, r.stderr);
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /interrupted; worktree removed/);
    const wt = /worktree at (\S+)/.exec(r.stderr)?.[1];
    assert.ok(wt && !existsSync(path.dirname(wt)), `${wt} left behind`);
    assert.ok(!worktrees().includes(wt));
  } finally {
    await cleanup();
  }
});
