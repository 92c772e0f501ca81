import type { CellComparison, Comparison, ComparisonRow, ComparisonTable } from '../../analysis/compare/index.ts';
import type { SampleSummary } from '../../analysis/stats/index.ts';
import { warningLine } from '../../analysis/warning.ts';
import { goFixed, oldScaler, pctRange, signedPercent } from '../benchstat-text.ts';
import { html, join, type SafeHtml } from './escape.ts';

/** Units shown open; the rest of a comparison's tables go into a collapsed block. */
const MAIN_UNITS = new Set(['ns/op', 'MB/s']);

export interface BenchstatTableOptions {
  /** Header word for column 0 when columns are inputs (`old`); otherwise the column label. */
  readonly baseName?: string;
}

/**
 * A finished comparison as HTML tables, one per unit, in its style's notation: each column's
 * `center ±spread` (`rfc`: mean ± range of the kept runs; `ci`: median ± confidence interval, `∞` or `?`
 * where there is none), and for every column after the first its change against column 0, `+x.xx%` when
 * significant at the comparison's alpha, else `~`, with `(p=… n=a+b)`. Colors only mark what benchstat
 * would call significant.
 */
export function benchstatTables(c: Comparison, opts: BenchstatTableOptions = {}): SafeHtml {
  const main = c.tables.filter((t) => MAIN_UNITS.has(t.unit) && t.rows.length > 0);
  const rest = c.tables.filter((t) => !MAIN_UNITS.has(t.unit) && t.rows.length > 0);
  const notes = [
    ...c.missing.map((m) => `${m.name} (${m.unit}): missing from ${m.absentFrom.join(', ')}`),
    ...c.warnings.map(warningLine),
  ];
  return html`${main.map((t) => table(c, t, opts))}${rest.length > 0
    ? html`<details><summary>more units: ${rest.map((t) => t.metric).join(', ')}</summary>${rest.map((t) => table(c, t, opts))}</details>`
    : ''}${notes.length > 0 ? html`<ul class="notes">${notes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}`;
}

function table(c: Comparison, t: ComparisonTable, opts: BenchstatTableOptions): SafeHtml {
  const base = c.columns[0] ?? '';
  const baseHead = c.columnKey === null ? (opts.baseName ?? base) : base;
  const head = [
    html`<th>name</th>`,
    ...c.columns.map((col, i) => {
      const label = i === 0 ? baseHead : col;
      return i === 0
        ? html`<th class="num">${label} ${t.metric}</th>`
        : html`<th class="num">${label} ${t.metric}</th><th class="num">${c.columnKey === null ? 'delta' : `vs ${baseHead}`}</th>`;
    }),
  ];
  const rows = t.rows.map((row) => rowHtml(c, t, row));
  const gm = t.geomean;
  const geo = gm
    ? html`<tr><td class="name">[Geo mean]</td>${gm.values.map((v, i) => {
      const scale = oldScaler(gm.values.find((x) => x !== null) ?? 0, t.unit);
      const value = html`<td class="num">${v === null ? '' : scale(v)}</td>`;
      if (i === 0) return value;
      const d = gm.deltas[i];
      return html`${value}<td class="num">${d === null || d === undefined ? '' : signedPercent(d)}</td>`;
    })}</tr>`
    : '';
  return html`<div class="scroll"><table class="benchstat"><thead><tr>${head}</tr></thead><tbody>${rows}${geo}</tbody></table></div>`;
}

function rowHtml(c: Comparison, t: ComparisonTable, row: ComparisonRow): SafeHtml {
  const first = row.cells.find((x) => x !== null) ?? null;
  const scale = oldScaler(first?.center ?? 0, t.unit);
  const cells = row.cells.map((m, i) => {
    const value = html`<td class="num">${cellText(c, m, scale)}</td>`;
    if (i === 0) return value;
    return html`${value}${deltaCell(row.vsBase[i] ?? null, t.higherIsBetter, c)}`;
  });
  return html`<tr><td class="name">${row.name}</td>${join(cells)}</tr>`;
}

function cellText(c: Comparison, m: SampleSummary | null, scale: (x: number) => string): string {
  if (m === null) return '–';
  const center = scale(m.center);
  if (c.style === 'ci') return `${center} ± ${pctRange(m)}`;
  return m.spread === null ? center : `${center} ±${goFixed(m.spread * 100, 0)}%`;
}

function deltaCell(cmp: CellComparison | null, higherIsBetter: boolean, c: Comparison): SafeHtml {
  if (cmp === null) return html`<td class="num same">–</td>`;
  let note = '';
  if (cmp.testFailure === 'all-equal') note = '(all equal)';
  else if (cmp.testFailure === 'too-few-samples') note = `(too few samples n=${cmp.n[0]}+${cmp.n[1]})`;
  else if (cmp.p !== null) note = `(p=${goFixed(cmp.p, 3)} n=${cmp.n[0]}+${cmp.n[1]})`;
  if (!cmp.significant || !Number.isFinite(cmp.delta)) {
    return html`<td class="num same">~ <span class="p">${note}</span></td>`;
  }
  const good = cmp.change === 1 || (cmp.change === 0 && (cmp.delta > 0) === higherIsBetter);
  const title = `significant at alpha ${c.alpha}`;
  return html`<td class="num ${good ? 'better' : 'worse'}" title="${title}">${signedPercent(cmp.delta)} <span class="p">${note}</span></td>`;
}
