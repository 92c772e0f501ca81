import type { CapacityChart } from '../../analysis/report/index.ts';
import type { ChartSpec } from './chart-spec.ts';
import { layoutColor, logY, NS_LABEL_EXPR, topLevel } from './theme.ts';

/**
 * The hockey stick of one capacity case: every probe's SLO percentile (from intended start) against the
 * rate it offered, one line per layout, the bound as a dashed rule; hollow points missed it.
 */
export function capacityChart(c: CapacityChart): ChartSpec {
  const data = c.points.map((p) => ({ ...p, verdict: p.pass ? 'under the bound' : 'over the bound or behind' }));
  const y = logY('ns', `${c.slo.label} latency from intended start (log)`, [...data.map((d) => d.ns), c.slo.boundNs], NS_LABEL_EXPR);
  const x = { field: 'rate', type: 'quantitative', title: 'offered load (ops/s, log)', scale: { type: 'log', base: 2, nice: false, padding: 12 }, axis: { format: '~s', labelAngle: 0 } };
  const color = layoutColor({ layouts: c.layouts });
  return {
    id: `capacity-${c.caseKey}`,
    title: `${c.caseKey}: ${c.slo.label} latency against offered load`,
    caption:
      `Every probe of the capacity search (open loop, each a fresh run): its ${c.slo.label} measured from each op's intended ` +
      `start, so stalls count for every op that should have gone meanwhile, against the rate it offered. Filled points stayed ` +
      `under the bound (dashed) and kept up with their schedule; hollow ones did not. Capacity (median over replicates): ` +
      `${c.capacities.map((k) => `${k.layout} ${k.rate} ops/s`).join(', ')}.`,
    spec: topLevel(data, {
      width: 460,
      height: 260,
      layer: [
        { mark: { type: 'line', strokeWidth: 1.2, opacity: 0.6 }, encoding: { x, y, color, detail: { field: 'replicate' }, order: { field: 'rate' } } },
        {
          mark: { type: 'point', size: 40, strokeWidth: 1.5 },
          encoding: {
            x, y, color,
            fill: { condition: { test: 'datum.pass', field: 'layout', type: 'nominal', scale: { domain: [...c.layouts] } }, value: 'transparent' },
            shape: { field: 'verdict', type: 'nominal', title: 'probe', scale: { domain: ['under the bound', 'over the bound or behind'], range: ['circle', 'circle'] } },
            tooltip: [{ field: 'layout' }, { field: 'rate' }, { field: 'ns' }, { field: 'phase' }, { field: 'replicate' }],
          },
        },
        { data: { values: [{ bound: c.slo.boundNs }] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#555' }, encoding: { y: { field: 'bound', type: 'quantitative' } } },
      ],
    }),
  };
}
