import type { Calibration, ResultsFile, RunResult } from '../../analysis/results-schema.ts';
import { summarize } from '../../analysis/stats/index.ts';
import { caseRows, families, layoutOrder, paramText, type CaseRow } from './case-data.ts';
import type { ChartSpec, VlSpec } from './chart-spec.ts';
import { facetOf, layoutColor, logY, NS_LABEL_EXPR, PANEL, sizeAxisX, topLevel } from './theme.ts';

interface Metric {
  readonly id: string;
  readonly name: string;
  /** Per-run value. */
  readonly value: (run: RunResult) => number;
  readonly yTitle: string;
  readonly yLabelExpr: string | null;
  /** The device's limit at `size`, from calibration, in the metric's unit. */
  readonly limit: (p50Ns: number, size: number) => number;
  readonly better: string;
  readonly applies: (row: CaseRow) => boolean;
}

const TIME: Metric = {
  id: 'time-per-op',
  name: 'time/op',
  value: (r) => r.nsPerOp,
  yTitle: 'time/op (log)',
  yLabelExpr: NS_LABEL_EXPR,
  limit: (p50) => p50,
  better: 'lower is better',
  applies: () => true,
};

const SPEED: Metric = {
  id: 'mb-per-sec',
  name: 'MB/s',
  value: (r) => r.mbPerSec,
  yTitle: 'MB/s (log)',
  yLabelExpr: null,
  limit: (p50, size) => (size * 1e3) / p50,
  better: 'higher is better',
  applies: (row) => row.bytesPerOp > 0 && row.runs.every((r) => r.mbPerSec > 0),
};

/** time/op against value size, one line per layout, one panel per combination of the other parameters. */
export function timePerOpVsSize(results: ResultsFile): ChartSpec[] {
  return metricVsSize(results, TIME);
}

/** Payload MB/s against value size, one line per layout. */
export function mbPerSecVsSize(results: ResultsFile): ChartSpec[] {
  return metricVsSize(results, SPEED);
}

function metricVsSize(results: ResultsFile, m: Metric): ChartSpec[] {
  const all = caseRows(results).filter((r) => r.vs !== null && m.applies(r));
  const layouts = layoutOrder(results, caseRows(results));
  const out: ChartSpec[] = [];
  for (const family of families(all)) {
    const rows = all.filter((r) => r.family === family);
    const sizes = [...new Set(rows.map((r) => r.vs as number))].sort((a, b) => a - b);
    if (sizes.length < 2) continue; // one size is a dot per layout, the tables say that better
    const facetFor = (r: CaseRow) => paramText(r.params, ['layout', 'vs']) || family;
    const facets = [...new Set(rows.map(facetFor))];
    const data: object[] = rows.map((r) => {
      const s = summarize(r.runs.map(m.value), { style: 'rfc' });
      return { kind: 'measured', layout: r.layout, facet: facetFor(r), vs: r.vs, center: s.center, lo: s.lo, hi: s.hi, n: s.n };
    });
    const device = deviceRows(results.calibration, sizes, facets, m);
    data.push(...device);
    const y = logY('center', m.yTitle, data.flatMap((d) => numbersOf(d, ['center', 'lo', 'hi'])), m.yLabelExpr);
    const measured = { filter: "datum.kind === 'measured'" };
    const layer: VlSpec[] = [
      { transform: [measured], mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x: sizeAxisX(sizes), y, color: layoutColor({ layouts }) } },
      {
        transform: [measured],
        mark: { type: 'rule', strokeWidth: 1.5 },
        encoding: { x: sizeAxisX(sizes), y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color: layoutColor({ layouts }) },
      },
      {
        transform: [measured],
        mark: { type: 'point', filled: true, size: 36, opacity: 1 },
        encoding: { x: sizeAxisX(sizes), y, color: layoutColor({ layouts }), shape: { field: 'layout', type: 'nominal', title: 'layout', scale: { domain: [...layouts] } } },
      },
    ];
    if (device.length > 0) {
      layer.push({
        transform: [{ filter: "datum.kind === 'device'" }],
        mark: { type: 'line', color: '#111', strokeDash: [5, 3], strokeWidth: 1.2, point: { filled: false, size: 20, color: '#111' } },
        encoding: { x: sizeAxisX(sizes), y },
      });
    }
    const spec = topLevel(data, {
      facet: facetOf('facet', facets),
      columns: Math.min(facets.length, 3),
      spec: { width: PANEL.width, height: PANEL.height, layer },
      resolve: { scale: { y: 'shared' } },
    });
    const limitText = device.length > 0
      ? ` The dashed black line is the device limit: one write+fdatasync of that size (calibration p50${m === SPEED ? ', as MB/s' : ''}).`
      : ' No calibration in this run, so no device limit is drawn.';
    out.push({
      id: `${m.id}-${family}`,
      title: `${family}: ${m.name} vs value size`,
      caption:
        `${m.name} (${m.better}) of each ${family} case by value size, one color and shape per layout, one panel per ` +
        `combination of the other parameters; both axes logarithmic. Points are benchstat centers (mean of the runs after ` +
        `Tukey outlier removal); vertical bars span the kept runs, min to max.${limitText}`,
      spec,
    });
  }
  return out;
}

function deviceRows(cal: Calibration | undefined, sizes: readonly number[], facets: readonly string[], m: Metric): object[] {
  if (!cal) return [];
  const pts = cal.points.filter((p) => sizes.includes(p.size) && p.p50Ns > 0);
  return facets.flatMap((facet) => pts.map((p) => ({ kind: 'device', layout: 'device limit', facet, vs: p.size, center: m.limit(p.p50Ns, p.size) })));
}

function numbersOf(d: object, keys: readonly string[]): number[] {
  const o = d as Record<string, unknown>;
  return keys.map((k) => o[k]).filter((v): v is number => typeof v === 'number');
}
