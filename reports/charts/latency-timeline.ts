import type { TimelineChart } from '../../analysis/report/index.ts';
import type { ChartSpec } from './chart-spec.ts';
import { layoutColor, logY, NS_LABEL_EXPR, topLevel } from './theme.ts';

/** Latency over time within one run, two panels: the mean and the maximum per bucket of ops. */
export function timelineChart(c: TimelineChart): ChartSpec {
  const data = c.points.map((p) => ({ ...p }));
  const y = logY('ns', 'op latency (log)', data.map((d) => d.ns), NS_LABEL_EXPR);
  return {
    id: `latency-timeline-${c.family}`,
    title: `${c.family}: latency over time within a run`,
    caption:
      `Case ${c.caseKey} (the ${c.family} case with the most buckets per run); for each layout its median run by ns/op ` +
      `(${c.picks.join(', ')}). Left: mean op latency per bucket of ${c.bucketOps === 1 ? 'one op' : `${c.bucketOps} consecutive ops`}; ` +
      `right: the slowest op in each bucket. x is milliseconds since the run's timed part began; spikes are syncs, ` +
      `flushes, compactions or truncations.`,
    spec: topLevel(data, {
      facet: { column: { field: 'stat', type: 'nominal', title: null, sort: ['mean per bucket', 'max per bucket'], header: { labelAnchor: 'start' } } },
      spec: {
        width: 340,
        height: 180,
        mark: { type: 'line', strokeWidth: 1.2, interpolate: 'step-after', ...(data.length <= 16 * 60 ? { point: { size: 10, filled: true } } : {}) },
        encoding: {
          x: { field: 'ms', type: 'quantitative', title: 'time since run start (ms)' },
          y,
          color: layoutColor({ layouts: c.layouts }),
        },
      },
    }),
  };
}
