/**
 * Vega-Lite chart builders for the report: pure functions from the finished chart data of the report
 * model (`analysis/report`) to chart specs (data inlined). They format and lay out; they compute nothing.
 * Charts whose data is absent are not in the model, so every family and parameter set works.
 */
import type { RunCharts } from '../../analysis/report/index.ts';
import type { ChartSpec } from './chart-spec.ts';
import { deltaBars } from './delta-bars.ts';
import { percentilesChart } from './latency-percentiles.ts';
import { timelineChart } from './latency-timeline.ts';
import { sizeChart } from './size-charts.ts';
import { throughputChart } from './throughput-clients.ts';
import { capacityChart } from './capacity-curve.ts';

export type { ChartSpec, VlSpec } from './chart-spec.ts';
export { deltaBars, deltaChart } from './delta-bars.ts';
export { sizeChart } from './size-charts.ts';
export { percentilesChart } from './latency-percentiles.ts';
export { timelineChart } from './latency-timeline.ts';
export { throughputChart } from './throughput-clients.ts';
export { capacityChart } from './capacity-curve.ts';

/** Every chart for one run, in reading order: the answer first (deltas), then how it scales, then the tails. */
export function runCharts(c: RunCharts): ChartSpec[] {
  return [
    ...c.capacity.map(capacityChart),
    ...c.layoutDeltas.map(deltaBars),
    ...c.timePerOp.map(sizeChart),
    ...c.mbPerSec.map(sizeChart),
    ...c.throughput.map(throughputChart),
    ...c.percentiles.map(percentilesChart),
    ...c.timelines.map(timelineChart),
  ];
}
