import type { Comparison, ComparisonTable } from '../analysis/compare/index.ts';
import { ciDelta, cmpString, commonScale, fmtScaled, pctRange, rfcRows, signedPercent, tidyUnit } from './benchstat-text.ts';

/**
 * The comparison as GitHub-flavoured markdown (for a CI job summary or a PR comment): one table per unit
 * with the same cell text as the text renderer, warnings as numbered notes under each table.
 */
export function renderBenchstatMarkdown(c: Comparison): string {
  const parts: string[] = [];
  if (c.config.length > 0) parts.push(c.config.map(([k, v]) => `${esc(k)}: ${esc(v)}`).join('<br>'));
  for (const t of c.tables) parts.push(c.style === 'rfc' ? rfcTable(c, t) : ciTable(c, t));
  return parts.filter((p) => p !== '').join('\n\n') + '\n';
}

function esc(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\*/g, '\\*').replace(/_/g, '\\_');
}

function table(head: string[], rows: string[][], right: boolean[]): string {
  const line = (cols: string[]) => `| ${cols.map(esc).join(' | ')} |`;
  const sep = `|${head.map((_, i) => (right[i] ? ' ---: ' : ' :--- ')).join('|')}|`;
  return [line(head), sep, ...rows.map((r) => line(head.map((_, i) => (r[i] ?? '').trim())))].join('\n');
}

function rfcTable(c: Comparison, t: ComparisonTable): string {
  const rows = rfcRows(c, t);
  if (rows.length <= 1) return '';
  const [head, ...body] = rows as [string[], ...string[][]];
  const h = c.columns.length === 2 ? [...head, 'note'] : head;
  return table(h, body, h.map((_, i) => i > 0 && i <= c.columns.length + 1));
}

function ciTable(c: Comparison, t: ComparisonTable): string {
  const tidy = tidyUnit(t.unit);
  const notes: string[] = [];
  const mark = (ws: readonly string[]) =>
    ws.map((w) => {
      let i = notes.indexOf(w);
      if (i < 0) i = notes.push(w) - 1;
      return `[${i + 1}]`;
    }).join('');
  const head = ['name'];
  c.columns.forEach((col, i) => {
    head.push(`${col} ${tidy.unit}`);
    if (i > 0) head.push('vs base', 'p, n');
  });
  const body: string[][] = [];
  for (const row of t.rows) {
    const centers = row.cells.flatMap((m) => (m ? [m.center * tidy.factor] : []));
    const scale = commonScale(centers, tidy.binary);
    const r = [row.name];
    row.cells.forEach((m, i) => {
      r.push(m ? `${fmtScaled(scale, m.center * tidy.factor)} ± ${pctRange(m)}${mark(m.warnings)}` : '');
      if (i > 0) {
        const cmp = row.vsBase[i];
        r.push(cmp ? ciDelta(cmp, row, i, c.alpha) : '', cmp ? `${cmpString(cmp.p, cmp.n)}${mark(cmp.warnings)}` : '');
      }
    });
    body.push(r);
  }
  if (t.geomean) {
    const r = ['geomean'];
    t.geomean.values.forEach((v, i) => {
      const sv = v === null ? null : v * tidy.factor;
      r.push(sv === null ? '' : fmtScaled(commonScale([sv], tidy.binary), sv));
      if (i > 0) {
        const d = t.geomean?.deltas[i];
        r.push(d === null || d === undefined ? '?' : signedPercent(d), mark(t.geomean?.warnings[i] ?? []));
      }
    });
    body.push(r);
  }
  let out = table(head, body, head.map((_, i) => i > 0));
  if (notes.length > 0) out += '\n\n' + notes.map((n, i) => `${i + 1}. ${esc(n)}`).join('\n');
  return out;
}
