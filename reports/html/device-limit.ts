import type { Calibration, ResultsFile } from '../../analysis/results-schema.ts';
import type { DeviceRatioTable, Method, ReportInput } from '../../analysis/report/index.ts';
import { formatSize } from '../../analysis/sizes.ts';
import { formatNs, sig3 } from '../../analysis/units.ts';
import { html, type SafeHtml } from './escape.ts';

/**
 * The device limit from calibration (raw write+fdatasync latency per size) and each result's time/op as a
 * multiple of it where the op's payload size equals a calibrated size.
 */
export function deviceLimit(input: ReportInput, method: Method): SafeHtml {
  const cal = input.results.calibration;
  if (!cal || cal.points.length === 0) {
    return html`<p class="note">This run has no calibration (bench ran with <code>--no-calibrate</code>, or nothing was sized), so there is no device limit to compare with. <code>raftbench calibrate --dir DIR</code> measures it.</p>${pathOverhead(input.results)}`;
  }
  const points = html`<table><thead><tr><th class="num">size</th><th class="num">p50</th><th class="num">p99</th><th class="num">mean</th><th class="num">syncs/s</th><th class="num">ops</th><th class="num">appending p50</th><th class="num">appending p99</th></tr></thead><tbody>${cal.points.map(
    (p) => html`<tr><td class="num">${formatSize(p.size)}</td><td class="num">${formatNs(p.p50Ns)}</td><td class="num">${formatNs(p.p99Ns)}</td><td class="num">${formatNs(p.meanNs)}</td><td class="num">${sig3(p.syncsPerSec)}</td><td class="num">${p.ops}</td><td class="num">${p.append ? formatNs(p.append.p50Ns) : '–'}</td><td class="num">${p.append ? formatNs(p.append.p99Ns) : '–'}</td></tr>`,
  )}</tbody></table>`;
  const meta = html`<p>Raw write + fdatasync of a preallocated file in <code>${cal.dir}</code> (${cal.fsType}, ${cal.durable ? 'durable' : html`<strong>not durable</strong>`}), like <code>fio --ioengine=sync --fdatasync=1</code>: the fastest one synced write of that size can be on this device. Two floors: into pre-written (zero-filled) space, what the WAL layouts' preallocated segments pay; and appending (each write extends the file, so each sync also persists its size), what RocksDB's WAL pays${cal.appendMode === 'growing' ? ' (here a growing file: no fallocate)' : ''}. Each layout is read against the floor it can reach.</p>${machineCosts(cal)}`;
  return html`${meta}${points}${pathOverhead(input.results)}${ratios(input.deviceRatios, method)}`;
}

/** What the machine charges beside the device: a minor page fault and a wake-up (absent in older results). */
function machineCosts(cal: Calibration): SafeHtml {
  const m = cal.machine;
  if (!m) return html``;
  return html`<p class="note">This machine also charges every op for what it does beside the device: a minor page fault (the first touch of a new page, as a growing memtable or log index makes; <em>page faults/op</em> under "What reached the disk") costs <strong>${m.pageFaultNs === null ? 'too few faults to time' : formatNs(m.pageFaultNs)}</strong> here, and a sleeping thread runs <strong>${formatNs(m.wakeLateNs)}</strong> after its wake-up time (a 100 µs sleep, p50), which every wait for a sync pays again. On bare metal a fault costs well under 1 µs and a wake-up a few µs; a VM can charge many times that, in every layout's time/op and in the floor alike.</p>`;
}

/**
 * The harness's own cost beside the device limit: per engine and binding, an empty round trip through the
 * path an op's write takes (thread handoffs included), timed as an op is. Part of every result above 1×.
 */
function pathOverhead(r: ResultsFile): SafeHtml {
  const paths = r.harnessOverhead?.paths;
  if (!paths || paths.length === 0) return html``;
  const rows = paths.map(
    (p) => html`<tr><td>${p.engine}${p.usedBy ? ` in ${p.usedBy}` : ''}</td><td>${p.path}</td><td class="num">${p.handoffs}</td><td class="num">${formatNs(p.p50Ns)}</td><td class="num">${formatNs(p.p99Ns)}</td></tr>`,
  );
  return html`<h3>The harness's own cost per write</h3><p class="note">An empty round trip through the exact path each engine's writes take (a libuv pool job, a synchronous call into the binding, lmdb-js's write thread), timed and recorded as an op is (timing alone: ${formatNs(r.harnessOverhead!.recordNs)}). An op pays this once per write on top of the storage work; a result within this much of the device limit cannot be told from it.</p><table><thead><tr><th>engine</th><th>path</th><th class="num">handoffs</th><th class="num">p50</th><th class="num">p99</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function ratios(tables: readonly DeviceRatioTable[], method: Method): SafeHtml {
  if (tables.length === 0) return html`<p class="note">No result has a payload size that was calibrated, so no ratios.</p>`;
  const body = tables.map((t) => html`<h4>${t.family}</h4><div class="scroll"><table><thead><tr><th>case</th>${t.layouts.map((l) => html`<th class="num">${l}</th>`)}</tr></thead><tbody>${t.rows.map(
    (row) => html`<tr><td class="name">${row.label}</td>${row.cells.map((c) => (c === null
      ? html`<td class="num">–</td>`
      : html`<td class="num">${formatNs(c.center)} <span class="p" title="vs the ${c.floor} floor">${c.ratio.toFixed(2)}× ${c.floor === 'appending' ? 'a' : 'p'}</span></td>`))}</tr>`,
  )}</tbody></table></div>`);
  const center = method.style === 'rfc' ? 'benchstat center: mean of the runs after Tukey outlier removal' : 'benchstat center: median of the runs';
  return html`<h3>Results against the device limit</h3><p class="note">time/op (${center}) and, after it, time/op ÷ the device's write+fdatasync p50 at the op's payload size, on the floor the layout can reach (a: appending, for RocksDB's WAL; p: pre-written, for the WAL layouts, LMDB and memory, and wherever a run has no appending floor). 1× is one raw synced write per op; more is the engine's and the harness's own cost (a layout with two syncs per op can reach 2×); under 1× means the op did not wait for a full sync of that size (a memory layout, a batched or cached sync).</p>${body}`;
}
