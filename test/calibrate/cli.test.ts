import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import type { Calibration } from '../../analysis/results-schema.ts';
import { NODE_ARGS } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...NODE_ARGS, 'cli/main.ts', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('calibrate --json prints the Calibration object', async () => {
  const { dir, cleanup } = await tmpDir('cal-cli-');
  try {
    const r = cli('calibrate', '--dir', dir, '--sizes', '4k', '--ops', '20', '--json');
    assert.equal(r.code, 0, r.stderr);
    const cal = JSON.parse(r.stdout) as Calibration;
    assert.equal(cal.dir, dir);
    assert.equal(typeof cal.durable, 'boolean');
    assert.equal(cal.points.length, 1);
    const p = cal.points[0]!;
    assert.equal(p.size, 4096);
    assert.ok(p.ops > 0 && p.ops <= 20 && p.p50Ns <= p.p99Ns);
    assert.deepEqual(await readdir(dir), []);
  } finally {
    await cleanup();
  }
});

test('calibrate text output: table rows per size; a missing --dir is created', async () => {
  const { dir, cleanup } = await tmpDir('cal-cli-');
  try {
    const data = path.join(dir, 'a', 'data');
    const r = cli('calibrate', '--dir', data, '--sizes', '1k,16k', '--ops', '10');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', new RegExp(`^write\\+fdatasync latency of ${data} \\(`));
    assert.match(lines[1] ?? '', /^size\s+ops\s+p50\s+p99\s+mean\s+syncs\/s\s+append p50\s+append p99\s+append ops$/);
    assert.match(lines[2] ?? '', /^1KiB\s+10\s/);
    assert.match(lines[3] ?? '', /^16KiB\s+10\s/);
    assert.deepEqual(await readdir(data), []);
  } finally {
    await cleanup();
  }
});

test('calibrate: bad input is one line on stderr, exit 2', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--sizes', '4k,12q'], /--sizes "12q" is not a size; valid: .*1k,4k,16k,64k,256k,1m/],
    [['--sizes', '2g'], /--sizes "2g" is not a size/],
    [['--ops', '0'], /--ops "0" is not an integer >= 1/],
    [['--seconds', 'soon'], /--seconds "soon" is not a number/],
    [['--nope'], /unknown flag --nope/],
    [['extra'], /unexpected argument "extra"/],
  ];
  for (const [args, re] of cases) {
    const r = cli('calibrate', ...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0] ?? '', re);
  }
});
