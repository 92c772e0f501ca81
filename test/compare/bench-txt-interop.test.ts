import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { parseBenchText } from '../../analysis/benchfmt/reader.ts';

// Issue 16, item 8: benchstat puts results whose configuration lines differ into separate tables and
// compares nothing, so no configuration line may differ between two runs of the same set-up.

const configLines = (text: string) => text.split('\n').filter((l) => /^[a-z][^\s:]*:/.test(l));

function benchstatPath(): string | null {
  for (const p of [process.env.BENCHSTAT, 'benchstat', path.join(process.env.HOME ?? '', 'go', 'bin', 'benchstat')]) {
    if (!p) continue;
    if (spawnSync(p, ['-h'], { stdio: 'ignore' }).error === undefined) return p;
  }
  return null;
}

test('two bench.txt files of the same set-up carry the same configuration lines; an incomplete run is marked outside them', async () => {
  const { dir, cleanup } = await tmpDir('benchtxt-');
  try {
    const texts: string[] = [];
    for (const name of ['old', 'new']) {
      const out = path.join(dir, name);
      const r = runCli(['bench', '--suite', 'smoke', '--scenario', 'BatchCommit', '--layout', 'memory', '--sizes', '1k', '--ops', '50', '--count', '2', '--out', out, '--dir', path.join(dir, 'data'), '--no-calibrate', '--no-report', '--quiet']);
      assert.equal(r.code, 0, r.stderr);
      texts.push(readFileSync(path.join(out, 'bench.txt'), 'utf8'));
    }
    assert.deepEqual(configLines(texts[0]!), configLines(texts[1]!));
    assert.match(texts[0]!, /^pkg: raftbench$/m);

    const { formatBenchTxt } = await import('../../harness/results/bench-txt.ts');
    const results = JSON.parse(readFileSync(path.join(dir, 'old', 'results.json'), 'utf8'));
    const cut = formatBenchTxt({ ...results, complete: false, incompleteReason: 'interrupted by SIGINT' });
    assert.deepEqual(configLines(cut), configLines(texts[0]!), 'incompleteness is no configuration line');
    const set = parseBenchText(cut, 'cut');
    assert.equal(set.incomplete, 'interrupted by SIGINT');
    assert.deepEqual(set.warnings, []);

    const bs = benchstatPath();
    if (bs !== null) {
      // Real benchstat: one table with both files as columns, not one table per file.
      const text = execFileSync(bs, [path.join(dir, 'old', 'bench.txt'), path.join(dir, 'new', 'bench.txt')], { encoding: 'utf8' });
      const header = text.split('\n').find((l) => /old\/bench\.txt/.test(l)) ?? '';
      assert.match(header, /new\/bench\.txt/, text);
    }
  } finally {
    await cleanup();
  }
});
