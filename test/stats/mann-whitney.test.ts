import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mannWhitneyU, minSamplesToDetect, sortSamples, minPossibleP } from '../../analysis/stats/index.ts';

const p = (a: number[], b: number[]) => {
  const r = mannWhitneyU(sortSamples(a), sortSamples(b));
  if (!r.ok) throw new Error(r.reason);
  return r;
};
const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) <= eps, `${a} != ${b}`);

// Expected p-values: scipy.stats.mannwhitneyu (exact / asymptotic with continuity), brute-force enumeration
// of all rank assignments for the small tie case, and hand computation 2/C(n1+n2, n1) for full separation.
test('exact distribution without ties', () => {
  close(p([1.1, 2.3, 3.5, 4.2, 5.9], [2.9, 6.1, 7.4, 8.8, 9.0, 10.5]).p, 0.030303030303030304);
  close(p([1, 2, 3], [4, 5, 6]).p, 2 / 20);
  assert.equal(p([1, 2, 3], [4, 5, 6]).method, 'exact');
  // U1 == U2: p is 1, not twice the central mass
  assert.equal(p([1, 4], [2, 3]).p, 1);
});

const A50 = Array.from({ length: 50 }, (_, i) => i * 2 + 0.5);
const B50 = Array.from({ length: 50 }, (_, i) => i * 2 + 11.25);

test('n = 50 vs 50 is exact, 50 vs 51 uses the normal approximation', () => {
  const r50 = p(A50, B50);
  assert.equal(r50.method, 'exact');
  close(r50.p, 0.0735352106256962, 1e-12);
  const r51 = p(A50, [...B50, 200]);
  assert.equal(r51.method, 'normal');
  close(r51.p, 0.05330703225689233, 1e-12);
});

test('exact distribution with ties (brute force over all 1716 rank subsets)', () => {
  const r = p([1, 2, 2, 3, 5, 5], [2, 3, 3, 4, 5, 6, 6]);
  assert.equal(r.method, 'exact-ties');
  assert.equal(r.u, 12);
  close(r.p, 0.21328671328671328, 1e-12);
});

const A25 = Array.from({ length: 25 }, (_, i) => 10 + i);
const B25 = Array.from({ length: 25 }, (_, i) => 12 + i);

test('n = 25 vs 25 with ties is exact, 25 vs 26 with ties is normal with tie correction', () => {
  const r25 = p(A25, B25);
  assert.equal(r25.method, 'exact-ties');
  close(r25.p, 0.3582877588208288, 1e-12); // exact big-integer count in Python
  const r26 = p(A25, [...B25, 40]);
  assert.equal(r26.method, 'normal');
  close(r26.p, 0.25800354638975764, 1e-12); // scipy asymptotic, tie + continuity corrections
});

test('all-equal samples and empty samples fail as data', () => {
  const eq = mannWhitneyU(sortSamples([5, 5, 5]), sortSamples([5, 5]));
  assert.deepEqual(eq.ok ? null : eq.reason, 'samples-equal');
  const big = mannWhitneyU(sortSamples(Array(60).fill(1)), sortSamples(Array(60).fill(1)));
  assert.deepEqual(big.ok ? null : big.reason, 'samples-equal');
  const empty = mannWhitneyU(sortSamples([]), sortSamples([1]));
  assert.deepEqual(empty.ok ? null : empty.reason, 'sample-size');
});

test('benchstat sample-size table', () => {
  assert.equal(minPossibleP(1), 1);
  close(minPossibleP(3), 0.1);
  close(minPossibleP(4), 0.02857142857142857);
  assert.deepEqual(minSamplesToDetect(0.05), { op: '>=', n: 4 });
  assert.deepEqual(minSamplesToDetect(0.01), { op: '>=', n: 5 });
});
