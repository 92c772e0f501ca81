import type { ReportInput } from '../../analysis/report/model.ts';
import { formatDelta, formatNs } from '../../analysis/units.ts';
import { html, join, type SafeHtml } from './escape.ts';

/**
 * "Why?" for one run: what reached the disk per benchmark (syncs asked, the engines' own syncs, device
 * flushes and bytes, write amplification), the anomaly flags with the counters that differ most, and the
 * RFC's three published tables beside this run's deltas. Formats the model only.
 */
export function explainSection(i: ReportInput): SafeHtml {
  const { observed, anomalies, rfc } = i.explain;
  const num = (x: number | null, d = 2) => (x === null ? '–' : x.toFixed(d));
  const bytes = (x: number | null) => (x === null ? '–' : x >= 1 << 20 ? `${(x / (1 << 20)).toFixed(1)} MiB` : x >= 1024 ? `${(x / 1024).toFixed(1)} KiB` : `${x.toFixed(0)} B`);
  const obs = observed.length === 0
    ? html`<p class="note">No observed counters in this run (results from before they existed, or nothing on a block device).</p>`
    : html`<div class="scroll"><table><thead><tr><th>benchmark</th><th class="num">syncs asked/op</th><th class="num">engine syncs/op</th><th class="num">device flushes/op</th><th class="num">device bytes/op</th><th class="num">write-amp</th><th class="num">cpu/op</th><th class="num">cpu wait/op</th><th class="num">page faults/op</th><th class="num">truncations (state syncs) per run</th><th>engine counts per run</th></tr></thead><tbody>${observed.map(
      (r) => html`<tr><td class="name">${r.name}${r.othersSuspected ? html` <strong title="device flushes well above the engines' own syncs">*</strong>` : ''}</td><td class="num">${num(r.requestedSyncs)}</td><td class="num">${num(r.engineSyncs)}</td><td class="num">${num(r.deviceFlushes)}</td><td class="num">${bytes(r.deviceBytes)}</td><td class="num">${num(r.writeAmp, 1)}</td><td class="num">${r.cpuNs === null ? '–' : formatNs(r.cpuNs)}</td><td class="num">${r.cpuWaitNs === null ? '–' : formatNs(r.cpuWaitNs)}</td><td class="num">${num(r.minorFaults)}</td><td class="num">${r.truncations === null ? '–' : `${r.truncations} (${r.truncationSyncs ?? 0})`}</td><td>${engineCounts(r.engine)}</td></tr>`,
    )}</tbody></table></div>${observed.some((r) => r.othersSuspected) ? html`<p class="note">* device flushes well above the engines' own syncs: another process's I/O is counted too; treat flushes and bytes there as upper bounds.</p>` : ''}`;
  const flags = anomalies.length === 0
    ? html`<p class="note">No anomaly flags: time/op grows with size, no layout delta changes sign between neighbouring sizes, no bimodal latency.</p>`
    : html`<ul>${anomalies.map((a) => html`<li><strong>${a.kind}</strong> ${a.name}: ${a.text}${a.counters.length > 0 ? html`; differs most in ${join(a.counters.map((c) => html`<code>${c.counter}</code> ${fmt(c.here)} vs ${fmt(c.neighbours)}`), ', ')}` : ''}</li>`)}</ul>`;
  const tables = rfc.filter((t) => t.rows.some((r) => r.here));
  const rfcBlock = tables.length === 0
    ? html`<p class="note">This run has none of the RFC's comparisons (BatchCommit shared/dedicated, ReplicaWrite shared/dedicated clients=1, BatchCommit dedicated interleaved/sequential).</p>`
    : join(tables.map((t) => html`<h4>${t.table.title}: ${t.table.new} vs ${t.table.old}</h4><p class="note">RFC: ${t.table.rfc}.</p><div class="scroll"><table><thead><tr><th class="num">vs</th><th class="num">RFC old</th><th class="num">RFC new</th><th class="num">RFC delta</th><th class="num">this run</th><th class="num">p (n)</th><th>verdict</th></tr></thead><tbody>${t.rows.map(
      (r) => html`<tr><td class="num">${r.rfc.vs}</td><td class="num published">${r.rfc.oldTime}</td><td class="num published">${r.rfc.newTime}</td><td class="num">${r.rfc.delta === null ? '~' : formatDelta(r.rfc.delta)}</td><td class="num">${r.here ? (r.here.significant ? formatDelta(r.here.delta) : html`~ <span class="p">${formatDelta(r.here.delta)}</span>`) : '–'}</td><td class="num">${r.here ? `${r.here.p === null ? '?' : r.here.p.toFixed(3)} (${r.here.n})` : '–'}</td><td class="verdict-${r.agreement ?? 'none'}">${r.agreement ?? 'not run'}</td></tr>`,
    )}</tbody></table></div>`));
  return html`<h3>What reached the disk</h3><p class="note">Medians over runs. Syncs asked are what the workload requested; engine syncs what the engines performed by their own count (RocksDB's WAL syncs, the WAL's fdatasyncs); device flushes and bytes come from /proc/diskstats for the devices the layout writes; write-amp is device bytes per value byte; cpu is the time per op the bench's and its node processes' threads ran on a CPU, and cpu wait the time they were runnable but waiting for one (/proc schedstat), the cost of wake-ups beyond the work; on a VM, cpu includes the exits an op's syscalls and page faults cause. Page faults are minor faults per op (/proc stat): memory touched for the first time, which a VM may serve slowly (the calibration's page-fault cost says how slowly here).</p>${obs}<h3>Results that need explaining</h3>${flags}<h3>The RFC side by side</h3><p class="note">agrees: the same significant direction, or no change where the RFC saw none; disagrees: the opposite direction, or a change where the RFC saw none; inconclusive: the RFC saw a change this run cannot confirm.</p>${rfcBlock}`;
}

function fmt(x: number): string {
  return Math.abs(x) >= 1000 ? x.toExponential(2) : String(Number(x.toPrecision(3)));
}

/** `flushes 3 · compactionBytes 10.0 MiB · stalls 0`: the nonzero engine counts of a run. */
function engineCounts(e: Readonly<Record<string, number>>): string {
  const parts = Object.entries(e).map(([k, v]) => `${k} ${/Bytes$/.test(k) ? `${(v / (1 << 20)).toFixed(1)} MiB` : /Micros$/.test(k) ? `${(v / 1000).toFixed(1)} ms` : String(Number(v.toPrecision(3)))}`);
  return parts.length === 0 ? '–' : parts.join(' · ');
}
