import type { BenchSet } from '../benchfmt/record.ts';
import { compareSummaries, geomean, summarize, type SampleSummary, type Style } from '../stats/index.ts';
import { groupAlongKey, groupByInput, sampleKey, type Grouped } from './group.ts';
import { higherIsBetter, metricOf } from './metric.ts';
import type { CellComparison, Comparison, ComparisonRow, ComparisonTable, GeomeanRow, MissingBenchmark } from './model.ts';

export interface CompareOptions {
  readonly style: Style;
  /** Default 0.05. */
  readonly alpha?: number;
  /** Default 0.95 (`ci` intervals). */
  readonly confidence?: number;
  /** Add old benchstat's geomean row (`rfc`); `ci` always adds one when a table has more than one row. */
  readonly geomean?: boolean;
}

/** OLD NEW (or more inputs): each input is a column, column 0 the baseline. */
export function buildComparison(sets: readonly BenchSet[], opts: CompareOptions): Comparison {
  return fromGroups(groupByInput(sets), null, sets, opts);
}

/** One result set (or several, merged) compared along name part `key`: its values are the columns. */
export function buildComparisonAlong(sets: readonly BenchSet[], key: string, opts: CompareOptions): Comparison {
  return fromGroups(groupAlongKey(sets, key), key, sets, opts);
}

function fromGroups(g: Grouped, columnKey: string | null, sets: readonly BenchSet[], opts: CompareOptions): Comparison {
  const alpha = opts.alpha ?? 0.05;
  const confidence = opts.confidence ?? 0.95;
  const stat = { style: opts.style, alpha, confidence };
  const tables: ComparisonTable[] = [];
  const missing: MissingBenchmark[] = [];
  for (const unit of g.units) {
    const better = higherIsBetter(unit);
    const rows: ComparisonRow[] = [];
    for (const name of g.rowsByUnit.get(unit) ?? []) {
      const cells = g.columns.map((c): SampleSummary | null => {
        const values = g.samples.get(sampleKey(unit, name, c));
        return values ? summarize(values, stat) : null;
      });
      const base = cells[0] ?? null;
      const vsBase = cells.map((cell, i): CellComparison | null => {
        if (i === 0 || cell === null || base === null) return null;
        const c = compareSummaries(base, cell, opts.style, alpha);
        const change = !c.significant || c.delta === 0 || Number.isNaN(c.delta) ? 0 : (c.delta > 0) === better ? 1 : -1;
        return {
          p: c.p, testFailure: c.testFailure, n: [base.n, cell.n], delta: c.delta, significant: c.significant,
          change, warnings: c.warnings,
        };
      });
      if (cells.some((c) => c === null)) {
        missing.push({
          name, unit,
          presentIn: g.columns.filter((_, i) => cells[i] !== null),
          absentFrom: g.columns.filter((_, i) => cells[i] === null),
        });
      }
      rows.push({ name, cells, vsBase });
    }
    let gm: GeomeanRow | null = null;
    if (opts.style === 'rfc' && opts.geomean) gm = rfcGeomean(rows, g.columns.length);
    if (opts.style === 'ci' && rows.length > 1) gm = ciGeomean(rows, g.columns.length);
    tables.push({ unit, metric: metricOf(unit), higherIsBetter: better, rows, geomean: gm });
  }
  return {
    style: opts.style, alpha, confidence, columns: g.columns, columnKey, config: sharedConfig(sets), tables, missing,
    warnings: g.warnings,
  };
}

/**
 * Old benchstat: per column the geomean of every non-zero mean in it (also of rows the other column lacks);
 * the delta is the ratio of the two geomeans; no row when at most one benchmark contributes.
 */
function rfcGeomean(rows: readonly ComparisonRow[], ncols: number): GeomeanRow | null {
  const values: (number | null)[] = [];
  let maxCount = 0;
  for (let c = 0; c < ncols; c++) {
    const centers = rows.map((r) => r.cells[c]?.center).filter((x): x is number => x !== undefined && x !== 0);
    maxCount = Math.max(maxCount, centers.length);
    values.push(centers.length === 0 ? null : geomean(centers));
  }
  if (maxCount <= 1) return null;
  const base = values[0] ?? null;
  const deltas = values.map((v, i) => (i === 0 || v === null || base === null || values.some((x) => x === null) ? null : v / base - 1));
  return { values, deltas, warnings: values.map(() => []) };
}

/**
 * Current benchstat: per column the geomean of its centers; the delta is the geomean of the per-row ratios
 * against the baseline; warnings when the benchmark sets differ or a geomean is undefined.
 */
function ciGeomean(rows: readonly ComparisonRow[], ncols: number): GeomeanRow {
  const values: (number | null)[] = [];
  const deltas: (number | null)[] = [];
  const warnings: string[][] = [];
  for (let c = 0; c < ncols; c++) {
    const w: string[] = [];
    const centers = rows.map((r) => r.cells[c]?.center).filter((x): x is number => x !== undefined);
    let v: number | null = null;
    if (centers.length > 0) {
      if (centers.every((x) => x > 0)) v = geomean(centers);
      else w.push('summaries must be >0 to compute geomean');
    }
    values.push(v);
    if (c === 0) {
      deltas.push(null);
      warnings.push(w);
      continue;
    }
    if (rows.some((r) => (r.cells[0] === null) !== (r.cells[c] === null))) w.push('benchmark set differs from baseline; geomeans may not be comparable');
    const ratios: number[] = [];
    for (const r of rows) {
      const b = r.cells[0];
      const x = r.cells[c];
      if (b && x) ratios.push(x.center / b.center);
    }
    if (ratios.length > 0 && ratios.every((x) => x > 0 && Number.isFinite(x))) deltas.push(geomean(ratios) - 1);
    else {
      deltas.push(null);
      w.push('ratios must be >0 to compute geomean');
    }
    warnings.push(w);
  }
  return { values, deltas, warnings };
}

/** Config lines with the same value in every record of every input. */
function sharedConfig(sets: readonly BenchSet[]): Array<[string, string]> {
  const order: string[] = [];
  const values = new Map<string, string | null>();
  for (const set of sets) {
    for (const r of set.records) {
      for (const [k, v] of Object.entries(r.config)) {
        if (!values.has(k)) {
          order.push(k);
          values.set(k, v);
        } else if (values.get(k) !== v) values.set(k, null);
      }
    }
  }
  const out: Array<[string, string]> = [];
  for (const k of order) {
    const v = values.get(k);
    const everywhere = sets.every((s) => s.records.every((r) => r.config[k] === v));
    if (v !== null && v !== undefined && everywhere) out.push([k, v]);
  }
  return out;
}
