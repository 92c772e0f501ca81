import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

/** `results` with its first run's fields replaced by `patch`. */
function withRun(results: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(results)) as { benchmarks: Array<{ runs: Array<Record<string, unknown>> }> };
  Object.assign(copy.benchmarks[0]!.runs[0]!, patch);
  return copy;
}

/**
 * Every command that reads results (compare, report, gate --baseline / --current) given a broken results
 * file: exit 2, one line on stderr naming the file and what is wrong, nothing on stdout, no stack trace.
 */
test('compare, report and gate name what is wrong with a truncated, empty, binary or foreign results file in one line, exit 2', async () => {
  const { dir, cleanup } = await tmpDir('bad-results-');
  try {
    const good = path.join(dir, 'good');
    const made = runCli(['bench', '--suite', 'smoke', '--scenario', 'BatchCommit', '--layout', 'memory', '--sizes', '1k', '--out', good, '--dir', path.join(dir, 'data'), '--no-calibrate', '--no-report', '--quiet']);
    assert.equal(made.code, 0, made.stderr);
    const goodJson = readFileSync(path.join(good, 'results.json'));
    const goodObj = JSON.parse(goodJson.toString()) as Record<string, unknown>;

    const put = (name: string, content: string | Buffer): string => {
      const p = path.join(dir, name);
      writeFileSync(p, content);
      return p;
    };
    const truncatedDir = path.join(dir, 'truncated-run');
    mkdirSync(truncatedDir);
    writeFileSync(path.join(truncatedDir, 'results.json'), goodJson.subarray(0, Math.floor(goodJson.length / 2)));

    const bad: Array<[string, string, RegExp]> = [
      ['truncated', put('truncated.json', goodJson.subarray(0, Math.floor(goodJson.length * 0.7))), /truncated\.json: truncated or invalid JSON/],
      ['truncated, in a results dir', truncatedDir, /truncated-run\/results\.json: truncated or invalid JSON/],
      ['empty', put('empty.json', ''), /empty\.json: is empty/],
      ['blank', put('blank.json', '\n  \n'), /blank\.json: is empty/],
      // A gzipped results file reads as its content (a baseline kept small in git); other binaries do not.
      ['binary', put('results.bin', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]), goodJson])), /results\.bin: is a binary file/],
      ['broken gzip', put('results.json.gz', gzipSync(goodJson).subarray(0, 40)), /results\.json\.gz: is gzip but does not decompress/],
      ['foreign schema', put('package.json', JSON.stringify({ name: 'x', version: '1.0.0', benchmarks: [] })), /package\.json: not a raftbench results file \(schema null, expected "raftbench\/results"\)/],
      ['newer version', put('v9.json', JSON.stringify({ ...goodObj, version: 9 })), /v9\.json: results version 9 is not supported/],
      ['JSON array', put('array.json', '[1, 2, 3]'), /array\.json: (not a raftbench results file|no benchmark lines)/],
      ['null latency', put('latency-null.json', JSON.stringify(withRun(goodObj, { latency: null }))), /latency-null\.json: malformed run in benchmark .* \(no number for latency\.p50, latency\.p99, latency\.p999\)/],
      ['empty latency', put('latency-empty.json', JSON.stringify(withRun(goodObj, { latency: {} }))), /latency-empty\.json: malformed run in benchmark .* \(no number for latency\.p50/],
      ['malformed benchmarks', put('shape.json', JSON.stringify({ ...goodObj, benchmarks: [{ name: 'B', runs: [{}] }] })), /shape\.json: malformed run in benchmark B/],
    ];

    const failures: string[] = [];
    for (const [what, file, re] of bad) {
      const invocations: string[][] = [
        ['compare', file, good],
        ['compare', good, file],
        ['report', file, '-o', path.join(dir, 'r.html')],
        ['gate', '--baseline', file, '--current', good],
        ['gate', '--baseline', good, '--current', file],
      ];
      for (const args of invocations) {
        const r = runCli(args);
        const lines = r.stderr.trimEnd().split('\n');
        const ok = r.code === 2 && r.stdout === '' && lines.length === 1 && re.test(lines[0]!) && !/\n\s+at /.test(r.stderr);
        if (!ok) failures.push(`${what}: raftbench ${args.map((a) => path.basename(a)).join(' ')}: exit ${r.code}, stderr ${JSON.stringify(r.stderr.slice(0, 300))}, stdout ${JSON.stringify(r.stdout.slice(0, 100))}`);
      }
    }
    assert.deepEqual(failures, []);
  } finally {
    await cleanup();
  }
});
