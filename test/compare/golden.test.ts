import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCompare, TESTDATA } from './helpers.ts';

const golden = (name: string) => readFileSync(join(TESTDATA, name), 'utf8');

// Goldens published by golang.org/x/perf: cmd/benchstat's documentation (old.txt vs new.txt) and its
// testdata smallSample.stdout and issue19565.stdout. Our output must be byte-identical.
test('ci style reproduces benchstat on old.txt new.txt', () => {
  const r = runCompare(['old.txt', 'new.txt', '--style', 'ci']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, golden('oldnew-ci.golden'));
  // new.txt opens with prose: skipped with file:line warnings, not fatal
  assert.match(r.stderr, /new\.txt:1: not a benchmark result/);
});

test('ci style, n = 1: infinite intervals and both sample-size footnotes', () => {
  const r = runCompare(['before', 'after', '--style', 'ci'], join(TESTDATA, 'small'));
  assert.equal(r.code, 0);
  assert.equal(r.stdout, golden('small-ci.golden'));
});

test('ci style, missing counterparts and all-equal samples', () => {
  const r = runCompare(['before', 'after', '--style', 'ci'], join(TESTDATA, 'missing'));
  assert.equal(r.code, 0);
  assert.equal(r.stdout, golden('missing-ci.golden'));
});

// rfc goldens were produced by this code and checked by hand:
//  json old: R8 q1 = 1707, q3 = 1729.583, upper fence 1763.46 drops 1774 -> n = 9, mean 15453/9 = 1717 -> 1.72µs,
//            ± = max(1 - 1705/1717, 1736/1717 - 1) = 1.1% -> 1%
//  json new: upper fence 1443.33 drops 1447 -> n = 9, mean 12772/9 = 1419.11; delta 1419.11/1717 - 1 = -17.35%;
//            complete separation with ties -> p = 2/C(18,9) = 0.00004 -> 0.000
//  gob: 3207 dropped (old), 3135 and 3186 dropped (new) -> n = 9+8; means 3065.2 and 3069.25;
//       p = 0.558 by enumerating all C(17,9) rank subsets (scipy rankdata, Python)
test('rfc style (old benchstat) on old.txt new.txt', () => {
  const r = runCompare(['old.txt', 'new.txt']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, golden('oldnew-rfc.golden'));
  const g = runCompare(['old.txt', 'new.txt', '--geomean']);
  assert.equal(g.stdout, golden('oldnew-rfc-geomean.golden'));
});

test('rfc style drops rows without a counterpart (as benchstat) and says so on stderr', () => {
  const r = runCompare(['before', 'after'], join(TESTDATA, 'missing'));
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'name  old time/op  new time/op  delta\nA      100ns ± 0%   100ns ± 0%   ~     (all equal)\n');
  assert.match(r.stderr, /2 benchmarks without a counterpart: B \(only in before\); C \(only in after\)/);
});

test('markdown and json formats', () => {
  const md = runCompare(['old.txt', 'new.txt', '--format', 'markdown']);
  assert.equal(md.code, 0);
  assert.match(md.stdout, /\| Encode\/format=json-48 \| 1\.72µs ± 1% \| 1\.42µs ± 1% \| -17\.35% \| \(p=0\.000 n=9\+9\) \|/);
  const js = runCompare(['old.txt', 'new.txt', '--format', 'json', '--style', 'ci']);
  assert.equal(js.code, 0);
  const doc = JSON.parse(js.stdout);
  const row = doc.tables[0].rows[1];
  assert.equal(row.name, 'Encode/format=gob-48');
  assert.equal(row.cells[0].center, 3065.5);
  assert.ok(Math.abs(row.vsBase[1].p - 0.4461018857303687) < 1e-12);
  assert.equal(row.vsBase[1].significant, false);
  assert.deepEqual(row.vsBase[1].n, [10, 10]);
});
