import { environmentLine, fmtP, formatChange, formatSide, headline } from './format.ts';
import type { GateResult, Verdict } from '../../analysis/gate/model.ts';

const MARK: Record<Verdict, string> = { regression: '❌ regression', improvement: '✅ improvement', 'no change': 'no change', inconclusive: '⚠️ inconclusive' };

/** GitHub-flavoured markdown for `$GITHUB_STEP_SUMMARY`: a headline, the table, reasons and notes. Input text is escaped. */
export function renderGateMarkdown(r: GateResult): string {
  const out: string[] = [
    `### raftbench gate: ${headline(r)}`,
    '',
    `baseline: \`${code(r.baselineLabel)}\` · current: \`${code(r.currentLabel)}\``,
    '',
    esc(environmentLine(r)),
    '',
    '| benchmark | metric | baseline | current | delta | p (Holm) | verdict |',
    '|---|---|--:|--:|--:|--:|---|',
  ];
  for (const t of r.tests) {
    out.push(`| ${esc(t.name)} | ${esc(t.unit)} | ${esc(formatSide(t.baseline, t.unit))} | ${esc(formatSide(t.current, t.unit))} | ${formatChange(t.delta)} | ${fmtP(t.pAdjusted)} | ${MARK[t.verdict]} |`);
  }
  const explained = r.tests.filter((t) => t.verdict !== 'no change');
  if (explained.length > 0) {
    out.push('', '<details open><summary>why</summary>', '');
    for (const t of explained) out.push(`- **${t.verdict}** ${esc(t.name)} ${esc(t.unit)}: ${esc(t.reason)}`);
    out.push('', '</details>');
  }
  if (r.notes.length > 0) {
    out.push('', '**notes**', '');
    for (const n of r.notes) out.push(`- ${esc(n)}`);
  }
  return out.join('\n') + '\n';
}

/** Escapes what markdown or HTML would interpret in table cells and list items. */
function esc(s: string): string {
  return s.replace(/[\\`*_[\]|<>&#]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : `\\${c}`)).replace(/\r?\n/g, ' ');
}

function code(s: string): string {
  return s.replace(/`/g, "'").replace(/\r?\n/g, ' ');
}
