import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCompare } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'raftbench-compare-'));
after(() => rmSync(dir, { recursive: true, force: true })); // one was left in /tmp by every run
const put = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

/** Exit 2 with exactly one line on stderr that contains `pattern`, nothing on stdout. */
function badInput(args: string[], pattern: RegExp) {
  const r = runCompare(args, dir);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0] as string, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /); // no stack trace
}

const good = put('good.txt', 'BenchmarkX-4 10 100 ns/op\nBenchmarkX-4 10 110 ns/op\n');

test('missing file', () => badInput(['nope.txt', good], /nope\.txt: no such file or directory/));

test('results file of another schema version', () => {
  const p = put('v3.json', JSON.stringify({ schema: 'raftbench/results', version: 3, benchmarks: [] }));
  badInput([p, good], /v3\.json: results version 3 is not supported; this raftbench reads versions 1 to 2/);
  const q = put('other.json', JSON.stringify({ schema: 'something/else', version: 1 }));
  badInput([q, good], /other\.json: not a raftbench results file/);
});

test('file with no benchmark lines', () => {
  const p = put('empty-bench.txt', 'goos: linux\nPASS\nok  \tpkg\t0.01s\n');
  badInput([good, p], /empty-bench\.txt: no benchmark lines/);
});

test('empty, truncated, binary inputs and a dir without results.json', () => {
  badInput([put('empty.txt', ''), good], /empty\.txt: is empty/);
  badInput([put('trunc.json', '{"schema": "raftbench/results", "version": 1, "bench'), good], /trunc\.json: truncated or invalid JSON/);
  badInput([put('bin.dat', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2])), good], /bin\.dat: is a binary file/);
  mkdirSync(join(dir, 'run0'), { recursive: true });
  badInput([join(dir, 'run0'), good], /run0: is a directory without results\.json/);
});

test('bad flags and arity', () => {
  badInput([good], /needs OLD and NEW/);
  badInput([good, good, '--style', 'fancy'], /unknown style "fancy"; valid: rfc, ci/);
  badInput([good, good, '--format', 'html'], /unknown format "html"; valid: text, markdown, json/);
  badInput([good, good, '--alpha', '2'], /--alpha "2" must be between 0 and 1/);
  badInput([good, '--col', 'layout'], /--col layout: found no value of "layout"/);
});

test('a gzipped bench.txt (how a large baseline is kept in git) compares as its text; a broken gzip is one line', () => {
  const gz = put('base.txt.gz', gzipSync(Buffer.from('BenchmarkX-4 10 200 ns/op\nBenchmarkX-4 10 210 ns/op\n')));
  const r = runCompare([gz, good], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /X-4\s+205ns/);
  const broken = put('broken.txt.gz', Buffer.concat([gzipSync(Buffer.from('BenchmarkX-4 10 200 ns/op\n')).subarray(0, 12)]));
  badInput([broken, good], /broken\.txt\.gz: is gzip but does not decompress/);
});
