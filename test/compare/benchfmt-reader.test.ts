import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBenchText, parseBenchText } from '../../analysis/benchfmt/index.ts';

const GO_TEST_OUTPUT = `goos: linux
goarch: amd64
pkg: github.com/cockroachdb/cockroach/pkg/storage/engine
cpu: Intel(R) Xeon(R) CPU @ 2.20GHz
BenchmarkBatchCommit/vs=1024-4         	   20000	     75400 ns/op	  13.58 MB/s	     512 B/op	       7 allocs/op
BenchmarkBatchCommit/vs=4096-4         	   10000	    117000 ns/op	  35.01 MB/s
--- BENCH: BenchmarkBatchCommit/vs=4096-4
    bench_test.go:42: some log line
BenchmarkBroken-4   12   notanumber ns/op
BenchmarkOdd-4   12   34
PASS
ok  	github.com/cockroachdb/cockroach/pkg/storage/engine	12.345s
`;

test('reads go test -bench output: config, -N suffix, name parts, several units', () => {
  const set = parseBenchText(GO_TEST_OUTPUT, 'perf.txt');
  assert.equal(set.records.length, 2);
  const r = set.records[0];
  assert.ok(r);
  assert.equal(r.name, 'BatchCommit/vs=1024-4');
  assert.equal(r.family, 'BatchCommit');
  assert.deepEqual(r.parts, [{ key: 'vs', value: '1024' }]);
  assert.equal(r.procs, 4);
  assert.equal(r.iterations, 20000);
  assert.deepEqual(r.values, [
    { value: 75400, unit: 'ns/op' }, { value: 13.58, unit: 'MB/s' }, { value: 512, unit: 'B/op' }, { value: 7, unit: 'allocs/op' },
  ]);
  assert.equal(r.config['cpu'], 'Intel(R) Xeon(R) CPU @ 2.20GHz');
  assert.equal(r.source, 'perf.txt:5');
});

test('unparseable lines become warnings with file:line and are skipped', () => {
  const set = parseBenchText(GO_TEST_OUTPUT + 'random words here\n', 'perf.txt');
  assert.deepEqual(set.warnings.map((w) => w.source), ['perf.txt:9', 'perf.txt:10', 'perf.txt:13']);
  assert.deepEqual(new Set(set.warnings.map((w) => w.code)), new Set(['unreadable-line']));
  assert.match(set.warnings[0]!.text, /"notanumber" is not a number/);
  assert.match(set.warnings[1]!.text, /needs a name, an iteration count and at least one value and unit/);
});

test('an empty config value removes the key; writer round-trips', () => {
  const set = parseBenchText('note: a\nBenchmarkX 1 5 ns/op\nnote:\nBenchmarkX 1 6 ns/op\n', 'f');
  assert.equal(set.records[0]?.config['note'], 'a');
  assert.equal(set.records[1]?.config['note'], undefined);
  const again = parseBenchText(formatBenchText(set.records), 'g');
  assert.deepEqual(again.records.map((r) => [r.name, r.values, r.config]), set.records.map((r) => [r.name, r.values, r.config]));
});

test('names without a -N suffix and parts without =', () => {
  const set = parseBenchText('BenchmarkReplicaWrite/layout=wal/plain/vs=16384 3 1.5e6 ns/op\n', 'f');
  const r = set.records[0];
  assert.equal(r?.procs, null);
  assert.deepEqual(r?.parts, [{ key: 'layout', value: 'wal' }, { key: '', value: 'plain' }, { key: 'vs', value: '16384' }]);
  assert.equal(r?.values[0]?.value, 1.5e6);
});
