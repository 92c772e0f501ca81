/**
 * Vega-Lite chart builders for the report: pure functions from a results file to chart specs (data
 * inlined). Charts whose data is absent are left out, so every family and parameter set works:
 * size charts need `vs`, throughput charts need `clients`, delta bars need two layouts.
 */
import type { ResultsFile } from '../../analysis/results-schema.ts';
import type { ChartSpec } from './chart-spec.ts';
import { layoutDeltaBars } from './delta-bars.ts';
import { latencyPercentiles } from './latency-percentiles.ts';
import { latencyTimeline } from './latency-timeline.ts';
import { mbPerSecVsSize, timePerOpVsSize } from './size-charts.ts';
import { throughputVsClients } from './throughput-clients.ts';

export type { ChartSpec, VlSpec } from './chart-spec.ts';
export { runDeltaBars, layoutDeltaBars, deltaChart, type DeltaBar } from './delta-bars.ts';
export { timePerOpVsSize, mbPerSecVsSize } from './size-charts.ts';
export { latencyPercentiles, PERCENTILES } from './latency-percentiles.ts';
export { latencyTimeline } from './latency-timeline.ts';
export { throughputVsClients } from './throughput-clients.ts';

/** Every chart for one run, in reading order: the answer first (deltas), then how it scales, then the tails. */
export function runCharts(results: ResultsFile): ChartSpec[] {
  return [
    ...layoutDeltaBars(results),
    ...timePerOpVsSize(results),
    ...mbPerSecVsSize(results),
    ...throughputVsClients(results),
    ...latencyPercentiles(results),
    ...latencyTimeline(results),
  ];
}
