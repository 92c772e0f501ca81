import type { ReportInput } from '../../analysis/report/index.ts';
import { formatNs } from '../../analysis/units.ts';
import { html, join, type SafeHtml } from './escape.ts';

/**
 * Capacity at the SLO per layout of each capacity case: the median over replicates, each replicate's
 * answer, the corrected (from intended start) against uncorrected (from send) p99 at that rate, and every
 * probe in the order it ran.
 */
export function capacityTables(input: ReportInput): SafeHtml {
  if (input.capacity.length === 0) return html``;
  return join(input.capacity.map((t) => html`<h3>${t.caseKey}: capacity at ${t.slo.label} ≤ ${formatNs(t.slo.boundNs)}</h3>
<p class="note">The highest open-loop rate whose ${t.slo.label}, measured from each op's intended start, stayed at or under ${formatNs(t.slo.boundNs)} in a ${t.durationMs} ms run that kept up with its schedule, confirmed by a second run at that rate. Found by doubling or halving, then bisection; ≥ marks a search that stopped before any rate failed. Probes: rate → ${t.slo.label} (✓ pass, ✗ fail, ⧗ fell behind), b bracket, s bisect, c confirm.</p>
<div class="scroll"><table><thead><tr><th>layout</th><th class="num">capacity (ops/s)</th><th class="num">per replicate</th><th class="num">p99 at capacity: corrected / uncorrected</th><th>probes</th></tr></thead><tbody>${t.rows.map(
    (r) => html`<tr><td>${r.layout}</td><td class="num"><strong>${r.median}</strong></td><td class="num">${r.capacities.map((c) => `${c.bound === 'at-least' ? '≥' : ''}${c.rate}`).join(', ')}</td><td class="num">${r.atCapacity.map((a) => (a ? `${formatNs(a.correctedP99Ns)} / ${formatNs(a.uncorrectedP99Ns)}` : '–')).join(', ')}</td><td>${r.probes.map(
      (ps, k) => html`<div>${r.probes.length > 1 ? `#${k + 1}: ` : ''}${ps.map((p) => `${p.phase[0] === 'b' ? 'b' : p.phase[0] === 'c' ? 'c' : 's'}${p.rate}→${formatNs(p.ns)}${p.pass ? '✓' : p.keptUp ? '✗' : '⧗'}`).join(' ')}</div>`,
    )}</td></tr>`,
  )}</tbody></table></div>`));
}
