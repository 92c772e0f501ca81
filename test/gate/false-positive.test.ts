import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decide, type GateOptions } from '../../analysis/gate/decide.ts';
import { input, lognormal, rng } from './synthetic.ts';

/**
 * The gate's false-alarm rate, measured: many A/A gates (baseline and current drawn from the same lognormal
 * distribution, several benchmarks x metrics per gate, as in a real comparison). Holm controls the chance of
 * any false alarm per gate at alpha, so the fraction of gates with a regression must not exceed alpha
 * beyond binomial chance. Threshold 0% is the hardest case (every significant slowdown is a regression);
 * with the default 5% threshold false alarms are rarer still.
 */
const GATES = 2000;
const ALPHA = 0.05;
const BENCHES = ['BatchCommit/layout=shared/vs=1024', 'BatchCommit/layout=dedicated/vs=1024', 'BatchCommit/layout=shared/vs=16384'];
const METRICS = ['ns/op', 'p99-ns'];

function aaGates(threshold: number, n: number, sigma: number, seed: number): { regressions: number; anySignificant: number } {
  const r = rng(seed);
  const opts: GateOptions = { metrics: METRICS, alpha: ALPHA, thresholds: { rules: [], fallback: threshold }, allowEnvMismatch: false };
  let regressions = 0;
  let anySignificant = 0;
  for (let g = 0; g < GATES; g++) {
    const b: Record<string, Record<string, number[]>> = {};
    const c: Record<string, Record<string, number[]>> = {};
    BENCHES.forEach((name, i) => {
      const center = 400_000 * (i + 1);
      b[name] = { 'ns/op': lognormal(r, n, center, sigma), 'p99-ns': lognormal(r, n, 3 * center, 2 * sigma) };
      c[name] = { 'ns/op': lognormal(r, n, center, sigma), 'p99-ns': lognormal(r, n, 3 * center, 2 * sigma) };
    });
    const res = decide(input('a', b), input('b', c), opts);
    if (res.counts.regression > 0) regressions++;
    if (res.tests.some((t) => t.significant)) anySignificant++;
  }
  return { regressions, anySignificant };
}

// One-sided binomial margin: 3 standard deviations of the observed rate at the nominal alpha.
const margin = 3 * Math.sqrt((ALPHA * (1 - ALPHA)) / GATES);

test(`A/A false-positive rate over ${GATES} synthetic gates is at most alpha`, (t) => {
  const zero = aaGates(0, 10, 0.1, 42);
  const dflt = aaGates(0.05, 10, 0.1, 43);
  const rate0 = zero.regressions / GATES;
  const rateSig = zero.anySignificant / GATES;
  const rate5 = dflt.regressions / GATES;
  t.diagnostic(`threshold 0%: ${zero.regressions}/${GATES} gates with a regression (${(rate0 * 100).toFixed(2)}%), ${zero.anySignificant} with any significant change (${(rateSig * 100).toFixed(2)}%)`);
  t.diagnostic(`threshold 5%: ${dflt.regressions}/${GATES} gates with a regression (${(rate5 * 100).toFixed(2)}%)`);
  assert.ok(rateSig <= ALPHA + margin, `family-wise significant rate ${rateSig} > ${ALPHA} + ${margin.toFixed(4)}`);
  assert.ok(rate0 <= ALPHA + margin, `regression rate at 0% ${rate0}`);
  assert.ok(rate5 <= ALPHA + margin, `regression rate at 5% ${rate5}`);
  // And the test has power: it is not passing because nothing can ever be significant.
  assert.ok(zero.anySignificant > 0);
});
