import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli, startCli } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import type { ResultsFile } from '../../analysis/results-schema.ts';

/** Every file under `dir` with its bytes and mtime. */
function snapshot(dir: string): Map<string, { bytes: Buffer; mtimeMs: number }> {
  const out = new Map<string, { bytes: Buffer; mtimeMs: number }>();
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const p = path.join(dir, name);
    const st = statSync(p);
    if (st.isFile()) out.set(name, { bytes: readFileSync(p), mtimeMs: st.mtimeMs });
  }
  return out;
}

for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  test(`${sig} mid-run: a valid results file marked incomplete, and an earlier results dir (and results/latest) untouched`, async () => {
    const { dir, cleanup } = await tmpDir(`sig-${sig}-`);
    try {
      // The earlier run, under <cwd>/results as a user's default layout would be.
      const base = path.join(dir, 'results', 'base');
      const data = path.join(dir, 'data');
      const first = runCli(['bench', '--suite', 'smoke', '--scenario', 'BatchCommit', '--layout', 'memory', '--sizes', '1k', '--out', base, '--dir', data, '--no-calibrate'], { cwd: dir });
      assert.equal(first.code, 0, first.stderr);
      assert.equal(readlinkSync(path.join(dir, 'results', 'latest')), 'base');
      const before = snapshot(base);
      assert.ok(before.has('results.json') && before.has('bench.txt') && before.has('report.html'));

      const out = path.join(dir, 'results', 'interrupted');
      const child = startCli(['bench', '--suite', 'quick', '--layout', 'shared,dedicated', '--sizes', '1k', '--ops', '40', '--count', '200', '--out', out, '--dir', data, '--no-calibrate', '--no-report'], { cwd: dir });
      const file = path.join(out, 'results.json');
      const deadline = Date.now() + 60_000;
      for (;;) {
        assert.ok(Date.now() < deadline, 'no run finished within 60 s');
        if (existsSync(file)) {
          const r = JSON.parse(readFileSync(file, 'utf8')) as ResultsFile;
          if (r.benchmarks.some((b) => b.runs.length >= 2)) break;
        }
        await sleep(100);
      }
      child.kill(sig);
      const code = await child.done;
      assert.equal(code, 130, child.output().stderr);
      assert.doesNotMatch(child.output().stderr, /\n\s+at /, 'no stack trace');

      const r = JSON.parse(readFileSync(file, 'utf8')) as ResultsFile;
      assert.equal(r.complete, false);
      assert.equal(r.incompleteReason, `interrupted by ${sig}`);
      const runs = r.benchmarks.reduce((n, b) => n + b.runs.length, 0);
      assert.ok(runs >= 2 && runs < 400, `${runs} runs kept`);
      const text = readFileSync(path.join(out, 'bench.txt'), 'utf8');
      assert.equal(text.split('\n').filter((l) => l.startsWith('Benchmark')).length, runs);
      assert.match(text, new RegExp(`^# raftbench-incomplete: interrupted by ${sig}$`, 'm'));
      assert.ok(!existsSync(path.join(data, '.raftbench.lock')), 'lock released');

      // Nothing of the earlier run changed: same files, same bytes, same mtimes.
      const after = snapshot(base);
      assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort());
      for (const [name, b] of before) {
        assert.ok(after.get(name)!.bytes.equals(b.bytes), `${name} bytes changed`);
        assert.equal(after.get(name)!.mtimeMs, b.mtimeMs, `${name} rewritten`);
      }
      assert.ok(existsSync(path.join(dir, 'results', 'latest', 'results.json')), 'results/latest still resolves');
      const latest = JSON.parse(readFileSync(path.join(dir, 'results', 'latest', 'results.json'), 'utf8')) as ResultsFile;
      assert.ok(latest.schema === 'raftbench/results');
    } finally {
      await cleanup();
    }
  });
}
