import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { lognormal, rng } from './synthetic.ts';
import type { ResultsFile } from '../../analysis/results-schema.ts';

// Issue 16, items 4 and 7.

test('item 4: gate refuses (exit 2, one line) an incomplete current or baseline run unless --allow-incomplete', async () => {
  const { dir, cleanup } = await tmpDir('gate-incomplete-');
  try {
    const full = path.join(dir, 'full');
    const b = runCli(['bench', '--suite', 'smoke', '--scenario', 'BatchCommit', '--layout', 'memory', '--sizes', '1k', '--ops', '50', '--count', '3', '--out', full, '--dir', path.join(dir, 'data'), '--no-calibrate', '--no-report', '--quiet']);
    assert.equal(b.code, 0, b.stderr);
    // The same run, as if killed part-way: results.json and bench.txt as bench writes them then.
    const r = JSON.parse(readFileSync(path.join(full, 'results.json'), 'utf8')) as ResultsFile;
    const cut = { ...r, complete: false, incompleteReason: 'interrupted by SIGTERM' };
    const partJson = path.join(dir, 'part.json');
    writeFileSync(partJson, JSON.stringify(cut));
    const { formatBenchTxt } = await import('../../harness/results/bench-txt.ts');
    const partTxt = path.join(dir, 'part.txt');
    writeFileSync(partTxt, formatBenchTxt(cut));

    assert.equal(runCli(['gate', '--baseline', full, '--current', full]).code, 0);
    for (const part of [partJson, partTxt]) {
      for (const [flag, args] of [['--current', ['--baseline', full, '--current', part]], ['--baseline', ['--baseline', part, '--current', full]]] as const) {
        const g = runCli(['gate', ...args]);
        assert.equal(g.code, 2, `${part} as ${flag}: ${g.stdout}${g.stderr}`);
        assert.doesNotMatch(g.stdout, /PASS/);
        const lines = g.stderr.trimEnd().split('\n');
        assert.equal(lines.length, 1, g.stderr);
        assert.match(lines[0]!, new RegExp(`${flag} .* is an incomplete run \\(interrupted by SIGTERM\\).*--allow-incomplete`));
        const allowed = runCli(['gate', ...args, '--allow-incomplete']);
        assert.equal(allowed.code, 0, allowed.stderr);
      }
    }
    assert.match(runCli(['gate', '--help']).stdout, /--allow-incomplete/);
  } finally {
    await cleanup();
  }
});

function twoPackages(a: readonly number[], b: readonly number[]): string {
  const lines = ['goos: linux', 'goarch: amd64'];
  for (const [pkg, xs] of [['example.com/a', a], ['example.com/b', b]] as const) {
    lines.push(`pkg: ${pkg}`);
    for (const x of xs) lines.push(`BenchmarkEncode-8\t1000\t${x} ns/op`);
  }
  return lines.join('\n') + '\n';
}

test('item 7: same-named benchmarks of two pkg: sections stay apart; a 2x regression of one package fails the gate', async () => {
  const { dir, cleanup } = await tmpDir('gate-pkg-');
  try {
    const r = rng(7);
    const old = path.join(dir, 'old.txt');
    const cur = path.join(dir, 'new.txt');
    writeFileSync(old, twoPackages(lognormal(r, 10, 1000, 0.02), lognormal(r, 10, 1000, 0.02)));
    writeFileSync(cur, twoPackages(lognormal(r, 10, 1000, 0.02), lognormal(r, 10, 2000, 0.02)));
    const g = runCli(['gate', '--baseline', old, '--current', cur, '--format', 'json']);
    assert.equal(g.code, 1, g.stdout + g.stderr);
    const tests = (JSON.parse(g.stdout) as { tests: Array<{ name: string; verdict: string }> }).tests;
    assert.deepEqual(tests.map((t) => [t.name, t.verdict]), [['Encode-8 (pkg example.com/a)', 'no change'], ['Encode-8 (pkg example.com/b)', 'regression']]);

    const c = runCli(['compare', old, cur]);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /Encode-8 \(pkg example\.com\/a\).*~/);
    assert.match(c.stdout, /Encode-8 \(pkg example\.com\/b\).*\+\d+\.\d+%/);
  } finally {
    await cleanup();
  }
});
