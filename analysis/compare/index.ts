/**
 * The comparison model behind `compare`, the HTML report and the gate.
 *
 * - `buildComparison(sets, opts)`: OLD NEW (or more inputs), each input a column, column 0 the baseline.
 * - `buildComparisonAlong(sets, key, opts)`: one result set compared along a name part (`layout`), like
 *   benchstat's `-col`.
 * Load inputs with `loadBenchInput` from `harness/results/read.ts`; render with `reports/benchstat-*.ts`.
 */
export { buildComparison, buildComparisonAlong, type CompareOptions } from './build.ts';
export { metricOf, higherIsBetter } from './metric.ts';
export type { Comparison, ComparisonTable, ComparisonRow, CellComparison, GeomeanRow, MissingBenchmark } from './model.ts';
export { compareSamples, type SampleComparison, type SampleSummary, type Style } from '../stats/index.ts';
