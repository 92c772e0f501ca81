import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import type { ResultsFile } from '../../analysis/results-schema.ts';
import { isRoot, mountTmpfs, oneLineExit2 } from '../helpers/tmpfs.ts';




test('ENOSPC on the data dir (a real 3 MiB tmpfs): one line, exit 2, valid partial results marked incomplete', { skip: isRoot ? false : 'needs root to mount a tmpfs' }, async (t) => {
  const { dir, cleanup } = await tmpDir('enospc-');
  const data = path.join(dir, 'full');
  const unmount = mountTmpfs(data, 'size=3m');
  if (!unmount) {
    t.skip('mount -t tmpfs is not allowed here');
    await cleanup();
    return;
  }
  try {
    const out = path.join(dir, 'out');
    // The 1 KiB runs fit in 3 MiB (each run's directory is removed after it); the first 1 MiB run does not.
    const r = runCli(['bench', '--suite', 'smoke', '--scenario', 'BatchCommit', '--layout', 'shared', '--sizes', '1k,1m', '--count', '3', '--ops', '24', '--out', out, '--dir', data, '--no-calibrate', '--no-report', '--quiet']);
    oneLineExit2(r, /^raftbench: bench stopped: ENOSPC: .*[Nn]o space left on device.*; finished runs kept in .*\(marked incomplete\)$/);
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as ResultsFile;
    assert.equal(results.complete, false);
    assert.match(results.incompleteReason ?? '', /[Nn]o space left on device/);
    const runs = results.benchmarks.reduce((n, b) => n + b.runs.length, 0);
    assert.equal(runs, 2 * 3, 'the 1 KiB runs that finished are kept');
    assert.ok(results.benchmarks.every((b) => b.bytesPerOp < 1 << 20 || b.runs.length === 0));
    const text = readFileSync(path.join(out, 'bench.txt'), 'utf8');
    assert.equal(text.split('\n').filter((l) => l.startsWith('Benchmark')).length, runs);
    assert.ok(!existsSync(path.join(data, '.raftbench.lock')), 'lock released');
    // The results still feed the other commands.
    assert.equal(runCli(['compare', out, out]).code, 0);
  } finally {
    unmount();
    await cleanup();
  }
});

test('a read-only data dir (tmpfs remounted ro): one line, exit 2', { skip: isRoot ? false : 'needs root to mount a tmpfs' }, async (t) => {
  const { dir, cleanup } = await tmpDir('erofs-');
  const data = path.join(dir, 'ro');
  const unmount = mountTmpfs(data, 'size=1m');
  if (!unmount) {
    t.skip('mount -t tmpfs is not allowed here');
    await cleanup();
    return;
  }
  try {
    execFileSync('mount', ['-o', 'remount,ro', data], { stdio: 'ignore' });
    const r = runCli(['bench', '--suite', 'smoke', '--scenario', 'BatchCommit', '--layout', 'shared', '--sizes', '1k', '--out', path.join(dir, 'out'), '--dir', data, '--no-calibrate', '--no-report', '--quiet']);
    oneLineExit2(r, /EROFS.*read-only file system/);
    const c = runCli(['calibrate', '--dir', data, '--sizes', '1k', '--ops', '5']);
    oneLineExit2(c, /EROFS|read-only/);
  } finally {
    unmount();
    await cleanup();
  }
});

test('a file where the data dir should be (EEXIST / ENOTDIR): one line naming the path, exit 2, for bench, calibrate and crash-check', async () => {
  const { dir, cleanup } = await tmpDir('enotdir-');
  try {
    const file = path.join(dir, 'not-a-dir');
    writeFileSync(file, 'x');
    for (const d of [file, path.join(file, 'sub')]) {
      const b = runCli(['bench', '--suite', 'smoke', '--layout', 'memory', '--sizes', '1k', '--out', path.join(dir, 'out'), '--dir', d, '--no-calibrate', '--no-report', '--quiet']);
      oneLineExit2(b, new RegExp(`--dir ${d.replace(/[/.]/g, '\\$&')}: (EEXIST|ENOTDIR)`));
      oneLineExit2(runCli(['calibrate', '--dir', d, '--sizes', '1k']), /cannot create --dir .*(EEXIST|ENOTDIR)/);
      oneLineExit2(runCli(['crash-check', '--layout', 'shared', '--kills', '1', '--dir', d]), /--dir .*(EEXIST|ENOTDIR)/);
    }
    assert.ok(!existsSync(path.join(dir, 'out', 'results.json')), 'no results for a run that never started');
  } finally {
    await cleanup();
  }
});

test('ENOSPC on the results dir (a 128 KiB tmpfs): one line, exit 2, and results.json stays a whole, valid file (no short write, no temp file)', { skip: isRoot ? false : 'needs root to mount a tmpfs' }, async (t) => {
  const { dir, cleanup } = await tmpDir('outfull-');
  const outRoot = path.join(dir, 'small');
  const unmount = mountTmpfs(outRoot, 'size=128k');
  if (!unmount) {
    t.skip('mount -t tmpfs is not allowed here');
    await cleanup();
    return;
  }
  try {
    const out = path.join(outRoot, 'out');
    // 300 memory runs: results.json outgrows 128 KiB part way.
    const r = runCli(['bench', '--suite', 'smoke', '--scenario', 'BatchCommit', '--layout', 'memory', '--sizes', '1k', '--count', '300', '--ops', '8', '--out', out, '--dir', path.join(dir, 'data'), '--no-calibrate', '--no-report', '--quiet']);
    oneLineExit2(r, /^raftbench: bench stopped: ENOSPC: .*no space left on device/);
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as ResultsFile;
    assert.equal(results.complete, false);
    const runs = results.benchmarks.reduce((n, b) => n + b.runs.length, 0);
    assert.ok(runs > 0 && runs < 600, `${runs} runs kept`);
    assert.deepEqual(readdirSync(out).filter((n) => n.includes('.tmp')), []);
  } finally {
    unmount();
    await cleanup();
  }
});
