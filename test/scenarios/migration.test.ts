import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

interface Bench {
  name: string;
  runs: Array<{ syncsPerOp: number; extra: Record<string, number> }>;
}

test('Migration in smoke: offline migrations copy the log; the window writes twice; the switch happens and is timed', async () => {
  const { dir, cleanup } = await tmpDir('family-migration-');
  try {
    const out = path.join(dir, 'out');
    const r = runCli(['bench', '--suite', 'smoke', '--scenario', 'Migration', '--out', out, '--dir', path.join(dir, 'data'), '--no-report', '--no-calibrate', '--count', '1']);
    assert.equal(r.code, 0, r.stderr);
    const benches = (JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as { benchmarks: Bench[] }).benchmarks;
    const run = (phase: string) => {
      const b = benches.find((x) => x.name.includes(`/phase=${phase}/`));
      assert.ok(b, phase);
      return b.runs[0]!;
    };
    assert.ok(run('offline').extra.bytesCopiedPerOp! > 2 * 20 * 64, 'two groups of 20 entries copied per op');
    assert.equal(run('before').syncsPerOp, 1);
    assert.equal(run('dual').syncsPerOp, 2, 'every raft write synced in both engines');
    assert.equal(run('dual').extra.switched, 0);
    assert.equal(run('switch').extra.switched, 1);
    assert.ok(run('switch').extra.switchMs! > 0 && run('switch').extra.switchAtMs! >= 0);
    assert.equal(run('after').syncsPerOp, 1);
  } finally {
    await cleanup();
  }
});
