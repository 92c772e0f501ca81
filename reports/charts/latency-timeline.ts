import type { TimelineChart } from '../../analysis/report/index.ts';
import type { ChartSpec } from './chart-spec.ts';
import { layoutColor, logY, NS_LABEL_EXPR, topLevel } from './theme.ts';

/** Latency over time within one run, two panels: the mean and the maximum per bucket of ops. */
export function timelineChart(c: TimelineChart): ChartSpec {
  const lines = c.points.map((p) => ({ ...p, kind: 'latency' }));
  // A truncation mark is drawn in both panels: one row per panel.
  const rules = c.marks.flatMap((m) => (['mean per bucket', 'max per bucket'] as const).map((stat) => ({ layout: m.layout, stat, ms: m.ms, label: m.label, kind: 'mark' })));
  const data = [...lines, ...rules];
  const y = logY('ns', 'op latency (log)', lines.map((d) => d.ns), NS_LABEL_EXPR);
  const color = layoutColor({ layouts: c.layouts });
  const line = {
    transform: [{ filter: "datum.kind === 'latency'" }],
    mark: { type: 'line', strokeWidth: 1.2, interpolate: 'step-after', ...(lines.length <= 16 * 60 ? { point: { size: 10, filled: true } } : {}) },
    encoding: { x: { field: 'ms', type: 'quantitative', title: 'time since run start (ms)' }, y, color },
  };
  const marks = {
    transform: [{ filter: "datum.kind === 'mark'" }],
    mark: { type: 'rule', strokeDash: [3, 3], strokeWidth: 1, opacity: 0.7 },
    encoding: { x: { field: 'ms', type: 'quantitative' }, color, tooltip: [{ field: 'label' }, { field: 'layout' }, { field: 'ms' }] },
  };
  return {
    id: `latency-timeline-${c.family}`,
    title: `${c.family}: latency over time within a run`,
    caption:
      `Case ${c.caseKey} (the ${c.family} case with the most buckets per run); for each layout its median run by ns/op ` +
      `(${c.picks.join(', ')}). Left: mean op latency per bucket of ${c.bucketOps === 1 ? 'one op' : `${c.bucketOps} consecutive ops`}; ` +
      `right: the slowest op in each bucket. x is milliseconds since the run's timed part began; spikes are syncs, ` +
      `flushes, compactions or truncations` +
      (c.marks.length > 0 ? `; dashed rules mark the ${c.marks.length} log truncation${c.marks.length === 1 ? '' : 's'} of the runs shown, in each layout's color.` : '.'),
    spec: topLevel(data, {
      facet: { column: { field: 'stat', type: 'nominal', title: null, sort: ['mean per bucket', 'max per bucket'], header: { labelAnchor: 'start' } } },
      spec: { width: 340, height: 180, layer: c.marks.length > 0 ? [line, marks] : [line] },
    }),
  };
}
