import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asSorted, mean, median, quantileR8, removeOutliers, sortSamples, tukeyFences, meanSpread, geomean } from '../../analysis/stats/index.ts';

const close = (a: number, b: number, eps = 1e-12) => assert.ok(Math.abs(a - b) <= eps * Math.max(1, Math.abs(b)), `${a} != ${b}`);

test('R8 quantiles match Hyndman-Fan type 8 (numpy median_unbiased)', () => {
  const s = sortSamples([15, 3, 9, 6, 3, 12, 9, 15]);
  close(quantileR8(s, 0.25), 4.25);
  close(quantileR8(s, 0.5), 9);
  close(quantileR8(s, 0.75), 13.75);
  const t = sortSamples([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  close(quantileR8(t, 0.1), 1.3666666666666667);
  close(quantileR8(t, 0.25), 2.9166666666666665);
  close(quantileR8(t, 0.75), 8.083333333333334);
  close(quantileR8(t, 0.9), 9.633333333333333);
  // clamped ends, single sample, empty
  assert.equal(quantileR8(t, 0), 1);
  assert.equal(quantileR8(t, 1), 10);
  assert.equal(quantileR8(sortSamples([7]), 0.25), 7);
  assert.ok(Number.isNaN(quantileR8(sortSamples([]), 0.5)));
});

test('median and mean', () => {
  assert.equal(median(sortSamples([4, 1, 3, 2])), 2.5);
  assert.equal(median(sortSamples([5, 1, 3])), 3);
  assert.equal(mean([1, 2, 3, 4]), 2.5);
  close(geomean([1, 10, 100]), 10);
  assert.ok(Number.isNaN(geomean([1, 0])));
});

test('Tukey fences with R8 quartiles keep the boundary and drop beyond it', () => {
  // q1 = 4.25, q3 = 13.75, IQR 9.5: fences [-10, 28] (hand computation)
  const inside = sortSamples([-10, 3, 6, 9, 9, 12, 15, 28]);
  const f = tukeyFences(inside);
  close(f.lo, -10);
  close(f.hi, 28);
  assert.deepEqual([...removeOutliers(inside)], [-10, 3, 6, 9, 9, 12, 15, 28]);
  const beyond = sortSamples([-10.1, 3, 6, 9, 9, 12, 15, 28.1]);
  assert.deepEqual([...removeOutliers(beyond)], [3, 6, 9, 9, 12, 15]);
  // all equal: IQR 0, nothing dropped
  assert.deepEqual([...removeOutliers(sortSamples([5, 5, 5]))], [5, 5, 5]);
});

test('old-style spread is the larger of 1-min/mean and max/mean-1', () => {
  close(meanSpread(90, 100, 105) as number, 0.1);
  close(meanSpread(98, 100, 112) as number, 0.12);
  assert.equal(meanSpread(0, 0, 0), null);
});

test('asSorted refuses unsorted input', () => {
  assert.throws(() => asSorted([2, 1]), RangeError);
  assert.throws(() => sortSamples([1, NaN]), RangeError);
});
