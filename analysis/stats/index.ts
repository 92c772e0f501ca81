/**
 * Statistics that match golang.org/x/perf's benchstat, as pure functions over sorted samples. Nothing here
 * formats; renderers in `reports/` turn these numbers into text.
 *
 * Entry point for most callers: `compareSamples(old, new, { style })` gives center, spread and n of each
 * side, the Mann-Whitney p-value, the relative delta and whether it is significant.
 */
export { sortSamples, asSorted, type SortedSamples } from './sorted-samples.ts';
export { quantileR8 } from './quantile.ts';
export { mean, median, min, max, geomean } from './describe.ts';
export { tukeyFences, removeOutliers, type Fences } from './tukey.ts';
export { meanSpread, intervalSpread } from './spread.ts';
export { quantileInterval, medianInterval, minSamplesForInterval, type QuantileInterval, type MedianSummary } from './median-ci.ts';
export { mannWhitneyU, minPossibleP, minSamplesToDetect, EXACT_LIMIT, EXACT_TIES_LIMIT, type MannWhitneyResult } from './mann-whitney.ts';
export { uCdfNoTies, uCdfTies } from './u-distribution.ts';
export { normalCdf, normalInvCdf, erfc } from './normal.ts';
export { choose } from './binomial.ts';
export {
  compareSamples, compareSummaries, summarize,
  type Style, type StatOptions, type SampleSummary, type SampleComparison,
} from './compare-samples.ts';
