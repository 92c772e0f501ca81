import { environmentLine, fmtP, formatChange, formatSide, headline } from './format.ts';
import type { GateResult } from '../../analysis/gate/model.ts';

/** A plain table for a terminal or a CI log: name, metric, baseline, current, delta, Holm p, verdict; then reasons and notes. */
export function renderGateText(r: GateResult): string {
  const out: string[] = [`raftbench gate ${headline(r)}`, `baseline: ${r.baselineLabel}`, `current:  ${r.currentLabel}`, environmentLine(r), ''];
  const header = ['name', 'metric', 'baseline', 'current', 'delta', 'p (Holm)', 'verdict'];
  const rows = r.tests.map((t) => [
    t.name, t.unit, formatSide(t.baseline, t.unit), formatSide(t.current, t.unit), formatChange(t.delta), fmtP(t.pAdjusted), t.verdict,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => [...(row[i] ?? '')].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i] ?? 0))).join('  ');
  out.push(line(header));
  for (const row of rows) out.push(line(row));
  const explained = r.tests.filter((t) => t.verdict !== 'no change');
  if (explained.length > 0) {
    out.push('', 'why:');
    for (const t of explained) out.push(`  ${t.verdict}: ${t.name} ${t.unit}: ${t.reason}`);
  }
  if (r.notes.length > 0) {
    out.push('', 'notes:');
    for (const n of r.notes) out.push(`  ${n}`);
  }
  return out.join('\n') + '\n';
}

function pad(s: string, w: number): string {
  return s + ' '.repeat(Math.max(0, w - [...s].length));
}
