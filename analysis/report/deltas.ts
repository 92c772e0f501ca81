import type { Comparison, ComparisonTable } from '../compare/index.ts';
import type { ResultsFile } from '../results-schema.ts';
import { caseRows, families, layoutOrder, paramText, type CaseRow } from './case-data.ts';
import type { DeltaBar, DeltaChart, Method } from './model.ts';

/**
 * Layout delta bars of one run, read from the same per-family comparisons the tables and the verdict
 * show (`byLayout`, rows named by `CaseRow.caseKey`): each layout against column 0 in every case, so a
 * bar is significant exactly when its table cell is.
 */
export function layoutDeltas(
  results: ResultsFile,
  byLayout: ReadonlyArray<{ readonly family: string; readonly comparison: Comparison }>,
  method: Method,
): DeltaChart[] {
  const all = caseRows(results);
  const layouts = layoutOrder(results, all);
  const out: DeltaChart[] = [];
  for (const { family, comparison: c } of byLayout) {
    const table = timeTable(c);
    const base = c.columns[0];
    if (!table || base === undefined) continue;
    const rows = new Map(table.rows.map((r) => [r.name, r]));
    const bars: DeltaBar[] = [];
    const inFamily = all.filter((r) => r.family === family);
    for (const key of new Set(inFamily.map((r) => r.caseKey))) {
      for (const r of inFamily.filter((x) => x.caseKey === key && x.layout !== base)) {
        const cmp = rows.get(r.caseKey)?.vsBase[c.columns.indexOf(r.layout)];
        if (cmp) bars.push(bar(r, cmp));
      }
    }
    if (bars.length === 0) continue;
    out.push({
      kind: 'layouts', family, base, against: null, index: 0, method, bars,
      series: layouts.filter((l) => l !== base && bars.some((b) => b.series === l)),
      colorDomain: layouts,
    });
  }
  return out;
}

/**
 * Delta bars of input `index` against the baseline (input 0), one chart per family, read from the
 * comparison of the runs (the same one the tables under them print).
 */
export function runDeltas(
  baseline: ResultsFile,
  next: ResultsFile,
  comparison: Comparison,
  index: number,
  method: Method,
): DeltaChart[] {
  const table = timeTable(comparison);
  const base = comparison.columns[0];
  const against = comparison.columns[index];
  if (!table || base === undefined || against === undefined) return [];
  const oldRows = caseRows(baseline);
  const newRows = caseRows(next);
  const layouts = layoutOrder(next, [...oldRows, ...newRows].filter((r, i, a) => a.findIndex((x) => x.layout === r.layout) === i));
  const rows = new Map(table.rows.map((r) => [r.name, r]));
  const out: DeltaChart[] = [];
  for (const family of families(newRows)) {
    const bars: DeltaBar[] = [];
    for (const r of newRows.filter((x) => x.family === family)) {
      const cmp = rows.get(r.name)?.vsBase[index];
      if (cmp) bars.push(bar(r, cmp));
    }
    if (bars.length === 0) continue;
    out.push({
      kind: 'runs', family, base, against, index, method, bars,
      series: layouts.filter((l) => bars.some((b) => b.series === l)),
      colorDomain: layouts,
    });
  }
  return out;
}

function timeTable(c: Comparison): ComparisonTable | undefined {
  return c.tables.find((t) => t.unit === 'ns/op');
}

function bar(r: CaseRow, cmp: NonNullable<ComparisonTable['rows'][number]['vsBase'][number]>): DeltaBar {
  return {
    case: paramText(r.params, ['layout']) || r.family,
    series: r.layout,
    delta: cmp.delta,
    significant: cmp.significant,
    p: cmp.p,
    n: `${cmp.n[0]}+${cmp.n[1]}`,
  };
}
