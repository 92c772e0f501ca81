import type { ResultsFile, RunResult } from '../../analysis/results-schema.ts';
import { compareSamples } from '../../analysis/stats/index.ts';
import { formatDelta } from '../../analysis/units.ts';
import { caseRows, families, layoutOrder, paramText, type CaseRow } from './case-data.ts';
import type { ChartSpec, VlSpec } from './chart-spec.ts';
import { layoutColor, topLevel } from './theme.ts';

/** One bar: the change of `series` against its baseline in one case. */
export interface DeltaBar {
  /** Row label: the case (`order=interleaved vs=1024`). */
  readonly case: string;
  /** Bar color: the layout. */
  readonly series: string;
  /** new/old - 1, a fraction. */
  readonly delta: number;
  readonly significant: boolean;
  readonly p: number | null;
  readonly n: string;
}

const SIG = 'significant (p < α)';
const NOT_SIG = 'not significant (~)';

/**
 * time/op of every layout against `shared` (or the first layout when there is no `shared`), per case:
 * benchstat's rfc comparison (Mann-Whitney U on Tukey-trimmed runs).
 */
export function layoutDeltaBars(results: ResultsFile, alpha = 0.05): ChartSpec[] {
  const all = caseRows(results);
  const layouts = layoutOrder(results, all);
  const base = layouts.includes('shared') ? 'shared' : layouts[0];
  if (base === undefined || layouts.length < 2) return [];
  const out: ChartSpec[] = [];
  for (const family of families(all)) {
    const rows = all.filter((r) => r.family === family);
    const bars: DeltaBar[] = [];
    for (const key of new Set(rows.map((r) => r.caseKey))) {
      const inCase = rows.filter((r) => r.caseKey === key);
      const b = inCase.find((r) => r.layout === base);
      if (!b) continue;
      for (const r of inCase) if (r.layout !== base) bars.push(bar(caseLabel(r, family), r.layout, b.runs, r.runs, alpha));
    }
    if (bars.length === 0) continue;
    out.push(deltaChart({
      id: `delta-${family}`,
      title: `${family}: time/op of each layout vs ${base}`,
      caption:
        `Change in time/op of each layout against ${base} in the same ${family} case, in percent (left of zero = faster ` +
        `than ${base}). Solid bars are significant (two-sided Mann-Whitney U on the Tukey-trimmed runs, p < ${alpha}); ` +
        `pale bars marked ~ are not: benchstat would print ~ there, and with so few runs the bar length is noise.`,
      bars,
      series: layouts.filter((l) => l !== base && bars.some((b) => b.series === l)),
      colorDomain: layouts,
      xTitle: `time/op change vs ${base} (%)`,
    }));
  }
  return out;
}

/**
 * time/op of each benchmark in `next` against the same benchmark in `baseline` (two runs of the harness),
 * one chart per family, bars colored by layout.
 */
export function runDeltaBars(baseline: ResultsFile, next: ResultsFile, baseLabel: string, nextLabel: string, idSuffix: string, alpha = 0.05): ChartSpec[] {
  const oldRows = caseRows(baseline);
  const newRows = caseRows(next);
  const layouts = layoutOrder(next, [...oldRows, ...newRows].filter((r, i, a) => a.findIndex((x) => x.layout === r.layout) === i));
  const out: ChartSpec[] = [];
  for (const family of families(newRows)) {
    const bars: DeltaBar[] = [];
    for (const r of newRows.filter((x) => x.family === family)) {
      const o = oldRows.find((x) => x.name === r.name);
      if (o) bars.push(bar(caseLabel(r, family), r.layout, o.runs, r.runs, alpha));
    }
    if (bars.length === 0) continue;
    out.push(deltaChart({
      id: `run-delta-${family}-${idSuffix}`,
      title: `${family}: time/op, ${nextLabel} vs ${baseLabel}`,
      caption:
        `Change in time/op of each ${family} benchmark from the baseline run (${baseLabel}) to ${nextLabel}, in percent ` +
        `(left of zero = faster now), one bar per layout. Solid bars are significant (Mann-Whitney U, p < ${alpha}); pale ` +
        `bars marked ~ are not.`,
      bars,
      series: layouts.filter((l) => bars.some((b) => b.series === l)),
      colorDomain: layouts,
      xTitle: `time/op change vs baseline (%)`,
    }));
  }
  return out;
}

function caseLabel(r: CaseRow, family: string): string {
  return paramText(r.params, ['layout']) || family;
}

function bar(caseName: string, series: string, oldRuns: readonly RunResult[], newRuns: readonly RunResult[], alpha: number): DeltaBar {
  const c = compareSamples(oldRuns.map((x) => x.nsPerOp), newRuns.map((x) => x.nsPerOp), { style: 'rfc', alpha });
  return { case: caseName, series, delta: c.delta, significant: c.significant, p: c.p, n: `${c.old.n}+${c.new.n}` };
}

interface DeltaChartInput {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly bars: readonly DeltaBar[];
  readonly series: readonly string[];
  readonly colorDomain: readonly string[];
  readonly xTitle: string;
}

/** Horizontal grouped bars: a row per case, a bar per series, significance as opacity and a `~` label. */
export function deltaChart(input: DeltaChartInput): ChartSpec {
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
