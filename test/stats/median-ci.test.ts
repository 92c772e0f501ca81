import { test } from 'node:test';
import assert from 'node:assert/strict';
import { medianInterval, minSamplesForInterval, quantileInterval, sortSamples } from '../../analysis/stats/index.ts';

// Order statistics for a 95% median interval: published tables (e.g. Conover, Practical Nonparametric
// Statistics, table A3) give (x2, x9) for n = 10 and (x6, x15) for n = 20; coverage 1 - 2 P(B <= k-1).
test('binomial order statistics for n <= 30', () => {
  const ci10 = quantileInterval(10, 0.5, 0.95);
  assert.deepEqual([ci10.loOrder, ci10.hiOrder], [2, 9]);
  assert.equal(ci10.confidence, 1 - 2 * (1 + 10) / 1024);
  const ci20 = quantileInterval(20, 0.5, 0.95);
  assert.deepEqual([ci20.loOrder, ci20.hiOrder], [6, 15]);
  assert.ok(Math.abs(ci20.confidence - 0.9586105346679688) < 1e-12);
  // n = 6 is the first with a finite interval: (x1, x6), 1 - 2/64
  const ci6 = quantileInterval(6, 0.5, 0.95);
  assert.deepEqual([ci6.loOrder, ci6.hiOrder], [1, 6]);
  assert.equal(ci6.confidence, 1 - 2 / 64);
  const ci5 = quantileInterval(5, 0.5, 0.95);
  assert.equal(ci5.loOrder, 0);
});

test('normal approximation above 30 stays close to the exact binomial band', () => {
  // n = 50: exact binomial gives (x18, x33) with 0.9672; the continuity-corrected normal band, left-biased,
  // gives (x18, x32): P(18 <= B < 32) ~ Phi((31.5-25)/3.5355) - Phi((17.5-25)/3.5355) = 0.9500...
  const ci = quantileInterval(50, 0.5, 0.95);
  assert.deepEqual([ci.loOrder, ci.hiOrder], [18, 32]);
  assert.ok(Math.abs(ci.confidence - 0.95006) < 1e-4);
  const ci31 = quantileInterval(31, 0.5, 0.95);
  assert.ok(ci31.loOrder >= 1 && ci31.hiOrder <= 31 && ci31.confidence >= 0.95);
});

test('median interval from a sample; infinite bounds when too small', () => {
  const s = sortSamples([10, 1, 9, 2, 8, 3, 7, 4, 6, 5]);
  const m = medianInterval(s, 0.95);
  assert.deepEqual([m.center, m.lo, m.hi], [5.5, 2, 9]);
  const small = medianInterval(sortSamples([1, 2, 3]), 0.95);
  assert.equal(small.lo, -Infinity);
  assert.equal(small.hi, Infinity);
  assert.deepEqual(minSamplesForInterval(0.95), { op: '>=', n: 6 });
});
