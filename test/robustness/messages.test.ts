import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { ProgressLine } from '../../harness/runner/progress.ts';
import type { ResultsFile } from '../../analysis/results-schema.ts';
import { isRoot, mountTmpfs, oneLineExit2 } from '../helpers/tmpfs.ts';

// Issue 16, items 10-18: each mistake ends in one line naming the flag and the value, exit 2 (or, for
// --help, the help and exit 0); never a stack trace, never Node's own wording.



test('flag values: --ops too large, a value starting with -, an empty --layout (items 10, 12, 15)', async () => {
  const { dir, cleanup } = await tmpDir('msg-');
  try {
    const common = ['--suite', 'smoke', '--no-calibrate', '--no-report', '--out', path.join(dir, 'out'), '--dir', path.join(dir, 'data')];
    const cases: Array<[string[], RegExp]> = [
      [['bench', '--ops', '99999999999999999999', ...common], /--ops "99999999999999999999" .*at most/],
      [['bench', '--count', '99999999999999999999', ...common], /--count "99999999999999999999" .*at most/],
      [['bench', '--sizes', '-1k', ...common], /--sizes "-1k".*--sizes=-1k/],
      [['bench', '--layout', '', ...common], /--layout "" /],
      [['bench', '--scenario', ',', ...common], /--scenario "," /],
    ];
    for (const [args, re] of cases) {
      const r = runCli(args, { timeoutMs: 60_000 });
      oneLineExit2(r, re);
      assert.doesNotMatch(r.stderr, /ambiguous|\(any\)/, args.join(' '));
    }
  } finally {
    await cleanup();
  }
});

test('list --help and list -h print the usage and exit 0; list --foo says list takes no flags (item 11)', () => {
  for (const h of ['--help', '-h']) {
    const r = runCli(['list', h]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /usage: raftbench list/);
  }
  oneLineExit2(runCli(['list', '--foo']), /list: unknown flag --foo; valid: --help$/);
});

test('a results.json that starts with a UTF-8 BOM reads; negative times are refused (items 16, 17)', async () => {
  const { dir, cleanup } = await tmpDir('msg-');
  try {
    const out = path.join(dir, 'r');
    const b = runCli(['bench', '--suite', 'smoke', '--scenario', 'BatchCommit', '--layout', 'memory', '--sizes', '1k', '--ops', '50', '--count', '2', '--out', out, '--dir', path.join(dir, 'data'), '--no-calibrate', '--no-report', '--quiet']);
    assert.equal(b.code, 0, b.stderr);
    const text = readFileSync(path.join(out, 'results.json'), 'utf8');
    const bom = path.join(dir, 'bom.json');
    writeFileSync(bom, '\uFEFF' + text);
    const c = runCli(['compare', bom, out]);
    assert.equal(c.code, 0, c.stderr);

    const r = JSON.parse(text) as ResultsFile;
    (r.benchmarks[0]!.runs[0] as { nsPerOp: number }).nsPerOp = -5;
    const neg = path.join(dir, 'neg.json');
    writeFileSync(neg, JSON.stringify(r));
    oneLineExit2(runCli(['compare', neg, out]), /neg\.json: .*nsPerOp -5\b.*negative/);
  } finally {
    await cleanup();
  }
});

test('the progress line keeps its ETA at 80 columns (item 18)', () => {
  let written = '';
  const out = { isTTY: true, columns: 80, write: (s: string) => ((written += s), true) } as unknown as NodeJS.WriteStream;
  const p = new ProgressLine(out);
  p.update({ done: 3, total: 120, name: 'ClusterWrite/layout=shared-cf/nodes=5/vs=1048576/clients=64/delay=10ms/loss=0.01', replicate: 1, count: 10, last: null });
  const line = written.replace(/\r\x1b\[2K/g, '');
  assert.ok(line.length <= 79, `${line.length} columns`);
  assert.match(line, /eta \S+$/);
});

test('not on a terminal, progress is a plain line at most once a minute, with elapsed time and ETA', () => {
  let written = '';
  // A getter: assert.equal narrows a variable to the literal it was compared with.
  const text = (): string => written;
  let t = 0;
  const out = { isTTY: false, write: (s: string) => ((written += s), true) } as unknown as NodeJS.WriteStream;
  const p = new ProgressLine(out, () => t);
  const at = (ms: number, done: number) => {
    t = ms;
    p.update({ done, total: 100, name: 'BatchCommit/layout=wal/order=interleaved/vs=1024', replicate: 2, count: 20, last: null });
  };
  at(1_000, 1);
  at(59_000, 10);
  assert.equal(text(), '', 'nothing in the first minute');
  at(60_000, 20);
  assert.equal(text(), '[20/100] BatchCommit/layout=wal/order=interleaved/vs=1024 run 2/20  elapsed 1m00s  eta 4m00s\n');
  at(100_000, 30);
  assert.equal(text().split('\n').length, 2, 'one line a minute');
  at(121_000, 40);
  assert.equal(text().split('\n').length, 3);
  assert.doesNotMatch(text(), /\r|\x1b/, 'no terminal control codes in a log file');
  at(200_000, 100);
  assert.equal(text().split('\n').length, 3, 'no line for the last run: the summary follows');
});

test('--out inside a read-only file system: one line naming --out and EROFS once (item 13)', { skip: isRoot ? false : 'needs root to mount a tmpfs' }, async (t) => {
  const { dir, cleanup } = await tmpDir('msg-ro-');
  const ro = path.join(dir, 'ro');
  const unmount = mountTmpfs(ro, 'size=1m,ro');
  if (!unmount) {
    t.skip('mount -t tmpfs is not allowed here');
    await cleanup();
    return;
  }
  try {
    const r = runCli(['bench', '--suite', 'smoke', '--scenario', 'BatchCommit', '--layout', 'memory', '--sizes', '1k', '--ops', '50', '--count', '1', '--out', path.join(ro, 'a', 'b'), '--dir', path.join(dir, 'data'), '--no-calibrate', '--no-report']);
    oneLineExit2(r, /--out .*ro\/a\/b.*EROFS/);
    assert.doesNotMatch(r.stderr, /ENOENT|EROFS: EROFS|finished runs kept/);
  } finally {
    unmount();
    await cleanup();
  }
});

test('bench whose report cannot be written (full disk) exits 2, keeping its results (item 14)', { skip: isRoot ? false : 'needs root to mount a tmpfs' }, async (t) => {
  const { dir, cleanup } = await tmpDir('msg-full-');
  const full = path.join(dir, 'full');
  const unmount = mountTmpfs(full, 'size=96k');
  if (!unmount) {
    t.skip('mount -t tmpfs is not allowed here');
    await cleanup();
    return;
  }
  try {
    const out = path.join(full, 'out');
    const r = runCli(['bench', '--suite', 'smoke', '--scenario', 'BatchCommit', '--layout', 'memory', '--sizes', '1k', '--ops', '50', '--count', '1', '--out', out, '--dir', path.join(dir, 'data'), '--no-calibrate', '--quiet']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /report.*ENOSPC/);
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as ResultsFile;
    assert.equal(results.complete, true);
  } finally {
    unmount();
    await cleanup();
  }
});
