import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli, startCli } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { LAYOUTS } from '../../engines/layouts/index.ts';
import { SUITES } from '../../scenarios/index.ts';
import { makePlan } from '../../harness/runner/plan.ts';
import { parseBenchText } from '../../analysis/benchfmt/index.ts';
import type { ResultsFile } from '../../analysis/results-schema.ts';

/** A line Go's benchmark parser accepts: name, iterations, then value/unit pairs. */
const GO_LINE = /^Benchmark\S+\t\d+(\t[-+]?\d+(\.\d+)?(e[-+]?\d+)? [^\s]+)+$/;

function readJson(file: string): ResultsFile {
  return JSON.parse(readFileSync(file, 'utf8')) as ResultsFile;
}

test('bench --suite smoke writes results.json and a Go-format bench.txt covering every case', async () => {
  const { dir, cleanup } = await tmpDir('bench-smoke-');
  try {
    const out = path.join(dir, 'out');
    const r = runCli(['bench', '--suite', 'smoke', '--scenario', 'BatchCommit', '--out', out, '--dir', path.join(dir, 'data'), '--no-report']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /results: .*results\.json/);
    const results = readJson(path.join(out, 'results.json'));
    assert.equal(results.schema, 'raftbench/results');
    assert.equal(results.complete, true);
    const plan = makePlan({ suite: 'smoke', scenarios: ['BatchCommit'] });
    const expected = plan.groups.flat().map((c) => c.name).sort();
    assert.deepEqual(results.benchmarks.map((b) => b.name).sort(), expected);
    assert.ok(expected.length >= LAYOUTS.length * 2, 'every layout, both orders');
    const smoke = SUITES.find((s) => s.name === 'smoke')!;
    for (const b of results.benchmarks) {
      assert.equal(b.runs.length, smoke.count, b.name);
      for (const run of b.runs) {
        assert.ok(run.ops >= smoke.minOps && run.nsPerOp > 0, b.name);
        assert.ok(run.latency.p50 <= run.latency.p99 && run.latency.p99 <= run.latency.max, b.name);
        assert.ok(run.latency.min > 0);
        assert.equal(run.timeline.meanNs.length, run.timeline.endMs.length);
        // one synced write per op on every layout (memory counts its syncs too)
        assert.equal(run.syncsPerOp, 1, b.name);
      }
    }
    assert.equal(results.environment.node, process.version);
    assert.match(results.environment.placement?.allowedCpus ?? '', /^\d/, 'where the run could go is recorded');
    assert.ok(results.environment.placement!.diskIrqCpus === null || results.environment.placement!.diskIrqCpus.every(Number.isInteger));
    assert.ok(results.calibration && results.calibration.points.length === results.config.sizes.length);

    const text = readFileSync(path.join(out, 'bench.txt'), 'utf8');
    const resultLines = text.split('\n').filter((l) => l.startsWith('Benchmark'));
    assert.equal(resultLines.length, expected.length * smoke.count);
    for (const l of resultLines) assert.match(l, GO_LINE);
    assert.match(text, /^goos: linux$/m);
    const parsed = parseBenchText(text, 'bench.txt');
    assert.equal(parsed.records.length, resultLines.length);
  } finally {
    await cleanup();
  }
});

test('bad input ends in one line naming the value and the valid ones, exit 2', () => {
  const cases: Array<[string[], RegExp]> = [
    [['bench', '--layout', 'bogus'], /unknown layout "bogus"; valid: shared, dedicated/],
    [['bench', '--scenario', 'Nope'], /unknown scenario "Nope"; valid: BatchCommit/],
    [['bench', '--suite', 'huge'], /unknown suite "huge"; valid: smoke, quick, rfc/],
    [['bench', '--sizes', '3x'], /--sizes "3x" is not a size/],
    [['bench', '--frobnicate'], /unknown flag --frobnicate; valid: --suite/],
    [['bench', '--count', 'zero'], /--count "zero" is not an integer/],
    [['bench', '--binding', 'leveldb'], /unknown binding "leveldb"; valid: rocksdb, rocksdb9/],
    [['frob'], /unknown command "frob"; valid: bench/],
  ];
  for (const [args, re] of cases) {
    const r = runCli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
  }
});

test('bench refuses an --out that already holds results and leaves it untouched', async () => {
  const { dir, cleanup } = await tmpDir('bench-out-');
  try {
    const out = path.join(dir, 'baseline-x');
    const data = path.join(dir, 'data');
    const args = ['bench', '--suite', 'smoke', '--layout', 'memory', '--sizes', '1k', '--out', out, '--dir', data, '--no-calibrate', '--no-report'];
    assert.equal(runCli(args).code, 0);
    const before = readFileSync(path.join(out, 'results.json'));
    const mtime = statSync(path.join(out, 'results.json')).mtimeMs;
    const again = runCli(args);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already holds results/);
    assert.deepEqual(readFileSync(path.join(out, 'results.json')), before);
    assert.equal(statSync(path.join(out, 'results.json')).mtimeMs, mtime);
  } finally {
    await cleanup();
  }
});

test('SIGINT stops cleanly: finished runs kept in a valid results file marked incomplete; a second bench on the same dir is refused meanwhile', async () => {
  const { dir, cleanup } = await tmpDir('bench-int-');
  try {
    const out = path.join(dir, 'out');
    const data = path.join(dir, 'data');
    const child = startCli(['bench', '--suite', 'quick', '--layout', 'shared,dedicated', '--sizes', '1k', '--ops', '40', '--count', '200', '--out', out, '--dir', data, '--no-calibrate', '--no-report']);
    const file = path.join(out, 'results.json');
    const deadline = Date.now() + 60_000;
    for (;;) {
      assert.ok(Date.now() < deadline, 'no run finished within 60 s');
      if (existsSync(file)) {
        const r = readJson(file);
        if (r.benchmarks.some((b) => b.runs.length >= 2)) break;
      }
      await sleep(100);
    }
    const second = runCli(['bench', '--suite', 'smoke', '--layout', 'memory', '--out', path.join(dir, 'out2'), '--dir', data, '--no-calibrate']);
    assert.equal(second.code, 2);
    assert.match(second.stderr, /in use by another raftbench \(pid \d+\)/);

    child.kill('SIGINT');
    const code = await child.done;
    assert.equal(code, 130, child.output().stderr);
    const r = readJson(file);
    assert.equal(r.complete, false);
    assert.equal(r.incompleteReason, 'interrupted by SIGINT');
    const runs = r.benchmarks.reduce((n, b) => n + b.runs.length, 0);
    assert.ok(runs >= 2 && runs < 400);
    const text = readFileSync(path.join(out, 'bench.txt'), 'utf8');
    assert.equal(text.split('\n').filter((l) => l.startsWith('Benchmark')).length, runs);
    assert.match(text, /^# raftbench-incomplete: interrupted by SIGINT$/m);
    assert.ok(!existsSync(path.join(data, '.raftbench.lock')), 'lock released');
  } finally {
    await cleanup();
  }
});
