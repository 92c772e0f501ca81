import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { NODE_ARGS } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { goText, lognormal, rng } from './synthetic.ts';

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...NODE_ARGS, 'cli/main.ts', 'gate', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const NAME = 'BatchCommit/layout=shared/order=interleaved/vs=1024';

async function fixtures() {
  const { dir, cleanup } = await tmpDir('gate-cli-');
  const r = rng(99);
  const base = lognormal(r, 10, 500_000, 0.03);
  const files = {
    dir,
    base: path.join(dir, 'base.txt'),
    same: path.join(dir, 'same.txt'),
    slow: path.join(dir, 'slow.txt'),
    config: path.join(dir, 'gate.json'),
    junk: path.join(dir, 'junk.txt'),
  };
  await writeFile(files.junk, 'hello\nworld\n');
  // An --out that already holds A/B results must never be overwritten.
  await mkdir(path.join(dir, 'baseline'), { recursive: true });
  await writeFile(path.join(dir, 'baseline', 'results.json'), '{}');
  await writeFile(files.base, goText({ [NAME]: { 'ns/op': base, 'p99-ns': base.map((x) => x * 3) } }));
  await writeFile(files.same, goText({ [NAME]: { 'ns/op': [...base].reverse(), 'p99-ns': base.map((x) => x * 3) } }));
  await writeFile(files.slow, goText({ [NAME]: { 'ns/op': lognormal(r, 10, 600_000, 0.03), 'p99-ns': base.map((x) => x * 3) } }));
  await writeFile(files.config, JSON.stringify({ thresholds: [{ match: 'BatchCommit/*vs=1024', threshold: '50%' }], default: '5%' }));
  return { files, cleanup };
}

test('gate CLI: exit 1 on a regression, 0 on identical inputs; text, markdown and json', async () => {
  const { files, cleanup } = await fixtures();
  try {
    const slow = cli('--baseline', files.base, '--current', files.slow);
    assert.equal(slow.code, 1, slow.stderr);
    assert.match(slow.stdout, /^raftbench gate FAIL: 1 regression, 0 improvements, 0 no change, 0 inconclusive \(1 test,/);
    assert.match(slow.stdout, /\nname\s+metric\s+baseline\s+current\s+delta\s+p \(Holm\)\s+verdict\n/);
    assert.match(slow.stdout, new RegExp(`${NAME.replace(/[/=]/g, '.')}\\s+ns/op\\s+\\S+ ±\\d+% n=10\\s+\\S+ ±\\d+% n=10\\s+\\+\\d+\\.\\d+%\\s+\\S+\\s+regression\\n`));
    assert.match(slow.stdout, /no environment fingerprint/);

    const same = cli('--baseline', files.base, '--current', files.same, '--metric', 'ns/op,p99-ns', '--format', 'json');
    assert.equal(same.code, 0, same.stderr);
    const j = JSON.parse(same.stdout);
    assert.equal(j.schema, 'raftbench/gate');
    assert.equal(j.m, 2);
    assert.equal(j.pass, true);
    assert.deepEqual(j.tests.map((t: { verdict: string }) => t.verdict), ['no change', 'no change']);
    for (const k of ['p', 'pAdjusted', 'minPossibleP', 'delta', 'threshold']) assert.equal(typeof j.tests[0][k], 'number', k);
    assert.equal(j.tests[0].baseline.samples.length, 10);

    const md = cli('--baseline', files.base, '--current', files.slow, '--format', 'markdown');
    assert.equal(md.code, 1);
    assert.match(md.stdout, /^### raftbench gate: FAIL/);
    assert.match(md.stdout, /\n\| benchmark \| metric \| baseline \| current \| delta \| p \(Holm\) \| verdict \|\n\|---\|/);
    assert.match(md.stdout, /❌ regression/);

    // A per-benchmark threshold of 50% turns the +20% into no change / inconclusive: exit 0.
    const cfg = cli('--baseline', files.base, '--current', files.slow, '--config', files.config);
    assert.equal(cfg.code, 0, cfg.stdout);
    // --threshold replaces the config default but not its rules; without a config it is the threshold.
    assert.equal(cli('--baseline', files.base, '--current', files.slow, '--threshold', '40%').code, 0);
  } finally {
    await cleanup();
  }
});

test('gate CLI: bad input is one line on stderr, exit 2', async () => {
  const { files, cleanup } = await fixtures();
  const b = ['--baseline', files.base];
  const bc = [...b, '--current', files.slow];
  try {
    const cases: Array<[string[], RegExp]> = [
      [['--current', files.slow], /--baseline is required/],
      [b, /--current is required/],
      [['--baseline', path.join(files.dir, 'nope'), '--current', files.slow], /nope: no such file or directory/],
      [[...bc, '--metric', 'ns/op,bogus'], /unknown metric "bogus"; valid: ns\/op, p50-ns/],
      [[...bc, '--threshold', 'lots'], /--threshold "lots" is not a percentage like 5%/],
      [[...bc, '--threshold=-3%'], /--threshold "-3%" is not a percentage/],
      [[...bc, '--alpha', '1.5'], /--alpha "1.5" is not a number between 0 and 1/],
      [[...bc, '--format', 'html'], /unknown --format "html"; valid: text, markdown, json/],
      [[...bc, '--config', path.join(files.dir, 'missing.json')], /--config .*missing\.json: no such file/],
      [[...bc, '--runs', '3'], /--runs is for A\/B mode only/],
      [[...bc, '--ab', 'HEAD'], /--ab builds both sides itself/],
      [['--ab', 'no-such-ref-xyz', '--suite', 'smoke'], /--ab "no-such-ref-xyz" is not a commit/],
      [['--ab', 'HEAD', '--suite', 'nope'], /unknown suite "nope"/],
      [['--ab', 'HEAD', '--candidate-env', 'NOEQUALS'], /--candidate-env "NOEQUALS" is not KEY=VALUE/],
      [['--ab', 'HEAD', '--suite', 'smoke', '--out', files.dir], /already holds results; pass another --out/],
      [[...bc, '--nope'], /unknown flag --nope/],
      [[...bc, 'extra'], /unexpected argument "extra"/],
      [['--baseline', files.base, '--current', files.config], /gate\.json: not a raftbench results file/],
      [['--baseline', files.base, '--current', files.junk], /junk\.txt: no benchmark lines/],
      [[...bc, '--metric', 'MB/s'], /nothing to compare: no benchmark with metric MB\/s is in both/],
    ];
    for (const [args, re] of cases) {
      const r = cli(...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, /^raftbench: /);
      assert.match(lines[0]!, re);
    }
  } finally {
    await cleanup();
  }
});
