import type { Method } from '../../analysis/report/index.ts';

/**
 * The words captions use for how a number was computed, from the model's method: which benchstat, what
 * a center is, what an interval spans, and the significance test at the page's alpha.
 */

/** `p < 0.05` (old benchstat: significant when p < alpha) or `p ≤ 0.05` (current: `~` only when p > alpha). */
export function significanceTest(m: Method): string {
  return m.style === 'rfc' ? `p < ${m.alpha}` : `p ≤ ${m.alpha}`;
}

/** The test as a sentence fragment: `two-sided Mann-Whitney U on the Tukey-trimmed runs, p < 0.05`. */
export function testWords(m: Method): string {
  return m.style === 'rfc'
    ? `two-sided Mann-Whitney U on the Tukey-trimmed runs, ${significanceTest(m)}`
    : `two-sided Mann-Whitney U on all runs, ${significanceTest(m)}`;
}

/** What a point is: `benchstat centers (mean of the runs after Tukey outlier removal)` or the median. */
export function centerWords(m: Method): string {
  return m.style === 'rfc' ? 'benchstat centers (mean of the runs after Tukey outlier removal)' : 'benchstat centers (the median of the runs)';
}

/** What the vertical bars span. */
export function intervalWords(m: Method): string {
  return m.style === 'rfc'
    ? 'vertical bars span the kept runs, min to max'
    : `vertical bars are the ${m.confidence * 100}% confidence interval of the median (none where the runs are too few for one)`;
}
