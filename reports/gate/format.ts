import { formatDelta, formatNs, sig3 } from '../../analysis/units.ts';
import { fmtP } from '../../analysis/gate/decide.ts';
import type { GateResult, SideSummary } from '../../analysis/gate/model.ts';

/** Cell texts shared by the text and markdown renderers. */

export function formatValue(v: number, unit: string): string {
  if (unit === 'ns/op' || unit.endsWith('-ns')) return formatNs(v);
  if (unit === 'MB/s') return `${sig3(v)}MB/s`;
  return `${sig3(v)} ${unit}`;
}

export function formatSide(s: SideSummary, unit: string): string {
  return `${formatValue(s.median, unit)} ${formatSpread(s.spread)} n=${s.n}`;
}

export function formatSpread(sp: number): string {
  if (Number.isNaN(sp)) return '±?';
  if (sp === Infinity) return '±∞';
  return `±${Math.round(sp * 100)}%`;
}

export function formatChange(delta: number): string {
  return Number.isNaN(delta) ? '?' : formatDelta(delta);
}

export { fmtP };

export function headline(r: GateResult): string {
  const c = r.counts;
  const parts = [
    `${c.regression} regression${c.regression === 1 ? '' : 's'}`,
    `${c.improvement} improvement${c.improvement === 1 ? '' : 's'}`,
    `${c['no change']} no change`,
    `${c.inconclusive} inconclusive`,
  ];
  return `${r.pass ? 'PASS' : 'FAIL'}: ${parts.join(', ')} (${r.m} test${r.m === 1 ? '' : 's'}, Mann-Whitney U, Holm-corrected at alpha ${r.alpha})`;
}

export function environmentLine(r: GateResult): string {
  const e = r.environment;
  if (!e.checked) return 'environment: not compared (Go benchmark text has no fingerprint)';
  const what = `CPU, filesystem, ${e.enginesChecked ? 'engine versions, ' : ''}node major`;
  if (e.mismatches.length === 0) return `environment: same (${what})`;
  return `environment: DIFFERS (${e.mismatches.map((m) => `${m.what}: "${m.baseline}" vs "${m.current}"`).join('; ')})${e.allowed ? ', gated anyway (--allow-env-mismatch)' : ': every verdict is inconclusive'}`;
}
