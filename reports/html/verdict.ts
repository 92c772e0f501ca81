import { formatDelta } from '../../analysis/units.ts';
import { html, type SafeHtml } from './escape.ts';
import type { ReportInput } from '../../analysis/report/index.ts';

/**
 * The answer at a glance: for each family and each layout against column 0 (`shared`), how many cases are
 * significantly faster, slower, or not distinguishable in time/op, and which.
 */
export function verdict(input: ReportInput): SafeHtml {
  const rows: SafeHtml[] = [];
  for (const { family, comparison: c } of input.byLayout) {
    const t = c.tables.find((x) => x.unit === 'ns/op');
    if (!t || c.columns.length < 2) continue;
    const base = c.columns[0] ?? '';
    c.columns.forEach((col, i) => {
      if (i === 0) return;
      let faster = 0;
      let slower = 0;
      let same = 0;
      const notable: string[] = [];
      for (const row of t.rows) {
        const cmp = row.vsBase[i];
        if (!cmp) continue;
        if (cmp.significant && cmp.delta < 0) faster++;
        else if (cmp.significant && cmp.delta > 0) slower++;
        else same++;
        if (cmp.significant) notable.push(`${row.name} ${formatDelta(cmp.delta)}`);
      }
      const total = faster + slower + same;
      if (total === 0) return;
      rows.push(html`<tr><td>${family}</td><td><strong>${col}</strong> vs ${base}</td><td class="num${faster ? ' better' : ''}">${faster}</td><td class="num${slower ? ' worse' : ''}">${slower}</td><td class="num same">${same}</td><td class="num">${total}</td><td class="name">${notable.length === 0 ? '–' : notable.slice(0, 8).join('; ') + (notable.length > 8 ? `; … ${notable.length - 8} more` : '')}</td></tr>`);
    });
  }
  if (rows.length === 0) return html`<p class="note">Only one layout per case, so no layout comparison.</p>`;
  return html`<div class="scroll"><table class="verdict"><thead><tr><th>family</th><th>layout</th><th class="num">faster</th><th class="num">slower</th><th class="num">~ (no significant difference)</th><th class="num">cases</th><th>significant changes in time/op</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}
