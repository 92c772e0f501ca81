import { max, mean, min } from './describe.ts';
import { mannWhitneyU, minSamplesToDetect } from './mann-whitney.ts';
import { minSamplesForInterval, medianInterval } from './median-ci.ts';
import { sortSamples, type SortedSamples } from './sorted-samples.ts';
import { intervalSpread, meanSpread } from './spread.ts';
import { removeOutliers } from './tukey.ts';

/**
 * `rfc`: the pre-2023 benchstat the RFC used (Tukey-trimmed mean, `±` from min/max, U test on the trimmed
 * samples, significant when p < alpha). `ci`: current benchstat (median with an order-statistic confidence
 * interval, U test on all samples, `~` when p > alpha).
 */
export type Style = 'rfc' | 'ci';

export interface StatOptions {
  readonly style: Style;
  /** Significance level, default 0.05. */
  readonly alpha?: number;
  /** Confidence level of the `ci` interval, default 0.95. */
  readonly confidence?: number;
}

/** One side of a comparison. */
export interface SampleSummary {
  /** Samples the statistics used (after outlier removal in `rfc`). */
  readonly n: number;
  /** Samples given. */
  readonly total: number;
  /** Mean of the kept samples (`rfc`) or median (`ci`). */
  readonly center: number;
  /**
   * Relative half-width shown as `± x%`, a fraction: `rfc` max(1-min/mean, max/mean-1) (null when benchstat
   * prints none); `ci` from the interval (Infinity for `∞`, NaN for `?`).
   */
  readonly spread: number | null;
  /** Interval bounds: the kept min and max (`rfc`) or the confidence interval (`ci`, may be infinite). */
  readonly lo: number;
  readonly hi: number;
  /** Actual confidence of the interval (`ci`); null for `rfc`. */
  readonly confidence: number | null;
  readonly kept: SortedSamples;
  readonly warnings: readonly string[];
}

export interface SampleComparison {
  readonly style: Style;
  readonly alpha: number;
  readonly old: SampleSummary;
  readonly new: SampleSummary;
  /** Two-sided Mann-Whitney p-value; null when the test could not run (`rfc` prints the reason instead). */
  readonly p: number | null;
  /** Why the test did not run. */
  readonly testFailure: 'all-equal' | 'too-few-samples' | null;
  /** new.center / old.center - 1 (NaN when old.center is 0), whatever the significance. */
  readonly delta: number;
  /** `rfc`: p < alpha; `ci`: p <= alpha. A failed test is never significant. */
  readonly significant: boolean;
  /** Warnings about the comparison (current benchstat's footnotes), not about either side. */
  readonly warnings: readonly string[];
}

/** Summary of one sample under `style`. */
export function summarize(values: Iterable<number>, opts: StatOptions): SampleSummary {
  const all = sortSamples(values);
  if (opts.style === 'rfc') {
    const kept = removeOutliers(all);
    const c = mean(kept);
    return {
      n: kept.length, total: all.length, center: c, spread: meanSpread(min(kept), c, max(kept)),
      lo: min(kept), hi: max(kept), confidence: null, kept, warnings: [],
    };
  }
  const confidence = opts.confidence ?? 0.95;
  const m = medianInterval(all, confidence);
  const warnings: string[] = [];
  if (!Number.isFinite(m.lo) || !Number.isFinite(m.hi)) {
    const need = minSamplesForInterval(confidence);
    warnings.push(`need ${need.op} ${need.n} samples for confidence interval at level ${confidence}`);
  }
  return {
    n: all.length, total: all.length, center: m.center, spread: intervalSpread(m.center, m.lo, m.hi),
    lo: m.lo, hi: m.hi, confidence: m.confidence, kept: all, warnings,
  };
}

/**
 * Compares two sets of samples the way benchstat of `opts.style` does: a summary of each, the
 * Mann-Whitney p-value, the relative change of the centers and whether it is significant.
 */
export function compareSamples(oldValues: Iterable<number>, newValues: Iterable<number>, opts: StatOptions): SampleComparison {
  const alpha = opts.alpha ?? 0.05;
  const o = summarize(oldValues, opts);
  const n = summarize(newValues, opts);
  return compareSummaries(o, n, opts.style, alpha);
}

/** As compareSamples, for summaries already computed (the U test runs on their kept samples). */
export function compareSummaries(o: SampleSummary, n: SampleSummary, style: Style, alpha: number): SampleComparison {
  const test = mannWhitneyU(o.kept, n.kept);
  const delta = o.center === 0 ? (n.center === 0 ? 0 : NaN) : n.center / o.center - 1;
  const warnings: string[] = [];
  let p: number | null;
  let testFailure: SampleComparison['testFailure'] = null;
  if (test.ok) p = test.p;
  else {
    testFailure = test.reason === 'samples-equal' ? 'all-equal' : 'too-few-samples';
    // Current benchstat reports a failed test as p = 1 with the reason as a warning.
    p = style === 'ci' ? 1 : null;
    if (style === 'ci') warnings.push(test.reason === 'samples-equal' ? 'all samples are equal' : 'sample is too small');
  }
  let significant: boolean;
  if (style === 'rfc') significant = p !== null && p < alpha;
  else {
    significant = testFailure === null && p !== null && p <= alpha;
    if (test.ok && p !== null && p > alpha) {
      const need = minSamplesToDetect(alpha);
      if (o.n < need.n && n.n < need.n) warnings.push(`need ${need.op} ${need.n} samples to detect a difference at alpha level ${alpha}`);
    }
  }
  return { style, alpha, old: o, new: n, p, testFailure, delta, significant, warnings };
}
