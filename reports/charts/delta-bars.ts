import type { DeltaBar, DeltaChart } from '../../analysis/report/index.ts';
import { formatDelta } from '../../analysis/units.ts';
import type { ChartSpec, VlSpec } from './chart-spec.ts';
import { significanceTest, testWords } from './method-words.ts';
import { layoutColor, topLevel } from './theme.ts';

const NOT_SIG = 'not significant (~)';

/** A finished delta chart of the model (layouts against a base layout, or a run against the baseline run). */
export function deltaBars(d: DeltaChart): ChartSpec {
  const sig = `significant (${significanceTest(d.method)})`;
  if (d.kind === 'layouts') {
    return deltaChart({
      id: `delta-${d.family}`,
      title: `${d.family}: time/op of each layout vs ${d.base}`,
      caption:
        `Change in time/op of each layout against ${d.base} in the same ${d.family} case, in percent (left of zero = faster ` +
        `than ${d.base}). Solid bars are significant (${testWords(d.method)}); ` +
        `pale bars marked ~ are not: benchstat would print ~ there, and with so few runs the bar length is noise.`,
      bars: d.bars,
      sig,
      series: d.series,
      colorDomain: d.colorDomain,
      xTitle: `time/op change vs ${d.base} (%)`,
    });
  }
  return deltaChart({
    id: `run-delta-${d.family}-${d.index}`,
    title: `${d.family}: time/op, ${d.against ?? ''} vs ${d.base}`,
    caption:
      `Change in time/op of each ${d.family} benchmark from the baseline run (${d.base}) to ${d.against ?? ''}, in percent ` +
      `(left of zero = faster now), one bar per layout. Solid bars are significant (${testWords(d.method)}); pale ` +
      `bars marked ~ are not.`,
    bars: d.bars,
    sig,
    series: d.series,
    colorDomain: d.colorDomain,
    xTitle: `time/op change vs baseline (%)`,
  });
}

interface DeltaChartInput {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly bars: readonly DeltaBar[];
  /** Legend text of a significant bar, naming the test's alpha. */
  readonly sig: string;
  readonly series: readonly string[];
  readonly colorDomain: readonly string[];
  readonly xTitle: string;
}

/** Horizontal grouped bars: a row per case, a bar per series, significance as opacity and a `~` label. */
export function deltaChart(input: DeltaChartInput): ChartSpec {
  const SIG = input.sig;
  const cases = [...new Set(input.bars.map((b) => b.case))];
  const data = input.bars.filter((b) => Number.isFinite(b.delta)).map((b) => ({
    case: b.case,
    layout: b.series,
    pct: b.delta * 100,
    sig: b.significant ? SIG : NOT_SIG,
    label: b.significant ? formatDelta(b.delta) : `~ ${formatDelta(b.delta)} (p=${b.p === null ? 'n/a' : b.p.toFixed(3)})`,
  }));
  const maxAbs = Math.max(5, ...data.map((d) => Math.abs(d.pct)));
  // Room for the labels on both sides of the longest bar.
  const domain = [-maxAbs * 1.6, maxAbs * 1.6];
  const x: VlSpec = { field: 'pct', type: 'quantitative', title: input.xTitle, scale: { domain, nice: false }, axis: { format: '+~r', tickCount: 7 } };
  const y: VlSpec = { field: 'case', type: 'nominal', title: null, sort: cases, axis: { labelLimit: 260, labelFontSize: 11 } };
  const yOffset: VlSpec = { field: 'layout', type: 'nominal', sort: [...input.series], scale: { domain: [...input.series], paddingInner: 0.15 } };
  const color = layoutColor({ layouts: input.colorDomain }, input.series);
  const text = (sign: 1 | -1): VlSpec => ({
    transform: [{ filter: sign > 0 ? 'datum.pct >= 0' : 'datum.pct < 0' }],
    mark: { type: 'text', align: sign > 0 ? 'left' : 'right', dx: sign * 3, fontSize: 9, color: '#333' },
    encoding: { x, y, yOffset, text: { field: 'label', type: 'nominal' } },
  });
  const spec = topLevel(data, {
    width: 560,
    height: { step: 13, for: 'offset' },
    layer: [
      {
        mark: { type: 'bar', stroke: '#555', strokeWidth: 0.5 },
        encoding: {
          x, y, yOffset, color,
          opacity: { field: 'sig', type: 'ordinal', sort: [SIG, NOT_SIG], title: 'difference', scale: { domain: [SIG, NOT_SIG], range: [1, 0.25] } },
          strokeDash: { field: 'sig', type: 'ordinal', sort: [SIG, NOT_SIG], title: 'difference', scale: { domain: [SIG, NOT_SIG], range: [[1, 0], [3, 2]] } },
        },
      },
      { mark: { type: 'rule', color: '#222' }, encoding: { x: { datum: 0, type: 'quantitative' } } },
      text(1),
      text(-1),
    ],
  });
  return { id: input.id, title: input.title, caption: input.caption, spec };
}
