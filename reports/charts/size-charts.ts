import type { SizeChart } from '../../analysis/report/index.ts';
import type { ChartSpec, VlSpec } from './chart-spec.ts';
import { centerWords, intervalWords } from './method-words.ts';
import { facetOf, layoutColor, logY, NS_LABEL_EXPR, PANEL, sizeAxisX, topLevel } from './theme.ts';

const WORDS: Record<SizeChart['metric'], { id: string; yTitle: string; yLabelExpr: string | null; better: string }> = {
  'time/op': { id: 'time-per-op', yTitle: 'time/op (log)', yLabelExpr: NS_LABEL_EXPR, better: 'lower is better' },
  'MB/s': { id: 'mb-per-sec', yTitle: 'MB/s (log)', yLabelExpr: null, better: 'higher is better' },
};

/** A metric against value size, one line per layout, one panel per combination of the other parameters. */
export function sizeChart(c: SizeChart): ChartSpec {
  const w = WORDS[c.metric];
  const data: object[] = [
    ...c.points.map((p) => ({ kind: 'measured', layout: p.layout, facet: p.facet, vs: p.x, center: p.center, lo: p.lo, hi: p.hi, n: p.n })),
    ...c.device.map((d) => ({ kind: 'device', layout: 'device limit', facet: d.facet, vs: d.vs, center: d.value })),
  ];
  const y = logY('center', w.yTitle, data.flatMap((d) => numbersOf(d, ['center', 'lo', 'hi'])), w.yLabelExpr);
  const measured = { filter: "datum.kind === 'measured'" };
  const x = sizeAxisX(c.sizes);
  const color = layoutColor({ layouts: c.layouts });
  const layer: VlSpec[] = [
    { transform: [measured], mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x, y, color } },
    {
      // An interval may be absent (a `ci` median with too few runs): no bar rather than an infinite one.
      transform: [measured, { filter: 'isValid(datum.lo) && isValid(datum.hi)' }],
      mark: { type: 'rule', strokeWidth: 1.5 },
      encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color },
    },
    {
      transform: [measured],
      mark: { type: 'point', filled: true, size: 36, opacity: 1 },
      encoding: { x, y, color, shape: { field: 'layout', type: 'nominal', title: 'layout', scale: { domain: [...c.layouts] } } },
    },
  ];
  if (c.device.length > 0) {
    layer.push({
      transform: [{ filter: "datum.kind === 'device'" }],
      mark: { type: 'line', color: '#111', strokeDash: [5, 3], strokeWidth: 1.2, point: { filled: false, size: 20, color: '#111' } },
      encoding: { x, y },
    });
  }
  const spec = topLevel(data, {
    facet: facetOf('facet', c.facets),
    columns: Math.min(c.facets.length, 3),
    spec: { width: PANEL.width, height: PANEL.height, layer },
    resolve: { scale: { y: 'shared' } },
  });
  const limitText = c.device.length > 0
    ? ` The dashed black line is the device limit: one write+fdatasync of that size (calibration p50${c.metric === 'MB/s' ? ', as MB/s' : ''}).`
    : ' No calibration in this run, so no device limit is drawn.';
  return {
    id: `${w.id}-${c.family}`,
    title: `${c.family}: ${c.metric} vs value size`,
    caption:
      `${c.metric} (${w.better}) of each ${c.family} case by value size, one color and shape per layout, one panel per ` +
      `combination of the other parameters; both axes logarithmic. Points are ${centerWords(c.method)}; ` +
      `${intervalWords(c.method)}.${limitText}`,
    spec,
  };
}

function numbersOf(d: object, keys: readonly string[]): number[] {
  const o = d as Record<string, unknown>;
  return keys.map((k) => o[k]).filter((v): v is number => typeof v === 'number');
}
