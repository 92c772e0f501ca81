import type { ResultsFile } from '../../analysis/results-schema.ts';
import { summarize } from '../../analysis/stats/index.ts';
import { formatSize } from '../../analysis/sizes.ts';
import { formatNs, sig3 } from '../../analysis/units.ts';
import { caseRows, families, layoutOrder, paramText } from '../charts/case-data.ts';
import { html, type SafeHtml } from './escape.ts';

/**
 * The device limit from calibration (raw write+fdatasync latency per size) and each result's time/op as a
 * multiple of it where the op's payload size equals a calibrated size.
 */
export function deviceLimit(r: ResultsFile): SafeHtml {
  const cal = r.calibration;
  if (!cal || cal.points.length === 0) {
    return html`<p class="note">This run has no calibration (bench ran with <code>--no-calibrate</code>, or nothing was sized), so there is no device limit to compare with. <code>raftbench calibrate --dir DIR</code> measures it.</p>${pathOverhead(r)}`;
  }
  const points = html`<table><thead><tr><th class="num">size</th><th class="num">p50</th><th class="num">p99</th><th class="num">mean</th><th class="num">syncs/s</th><th class="num">ops</th></tr></thead><tbody>${cal.points.map(
    (p) => html`<tr><td class="num">${formatSize(p.size)}</td><td class="num">${formatNs(p.p50Ns)}</td><td class="num">${formatNs(p.p99Ns)}</td><td class="num">${formatNs(p.meanNs)}</td><td class="num">${sig3(p.syncsPerSec)}</td><td class="num">${p.ops}</td></tr>`,
  )}</tbody></table>`;
  const meta = html`<p>Raw write + fdatasync of a preallocated file in <code>${cal.dir}</code> (${cal.fsType}, ${cal.durable ? 'durable' : html`<strong>not durable</strong>`}), like <code>fio --ioengine=sync --fdatasync=1</code>: the fastest one synced write of that size can be on this device.</p>`;
  return html`${meta}${points}${pathOverhead(r)}${ratios(r)}`;
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

function ratios(r: ResultsFile): SafeHtml {
  const byPoint = new Map((r.calibration?.points ?? []).map((p) => [p.size, p.p50Ns]));
  const rows = caseRows(r).filter((c) => byPoint.has(c.bytesPerOp));
  if (rows.length === 0) return html`<p class="note">No result has a payload size that was calibrated, so no ratios.</p>`;
  const layouts = layoutOrder(r, rows);
  const tables = families(rows).map((family) => {
    const fam = rows.filter((c) => c.family === family);
    const cases = [...new Set(fam.map((c) => c.caseKey))];
    const body = cases.map((key) => {
      const inCase = fam.filter((c) => c.caseKey === key);
      const first = inCase[0];
      const labelText = first ? paramText(first.params, ['layout']) || family : key;
      return html`<tr><td class="name">${labelText}</td>${layouts.map((l) => {
        const c = inCase.find((x) => x.layout === l);
        const limit = c ? byPoint.get(c.bytesPerOp) : undefined;
        if (!c || limit === undefined) return html`<td class="num">–</td>`;
        const center = summarize(c.runs.map((x) => x.nsPerOp), { style: 'rfc' }).center;
        return html`<td class="num">${formatNs(center)} <span class="p">${(center / limit).toFixed(2)}×</span></td>`;
      })}</tr>`;
    });
    return html`<h4>${family}</h4><div class="scroll"><table><thead><tr><th>case</th>${layouts.map((l) => html`<th class="num">${l}</th>`)}</tr></thead><tbody>${body}</tbody></table></div>`;
  });
  return html`<h3>Results against the device limit</h3><p class="note">time/op (benchstat center) and, after it, time/op ÷ the device's write+fdatasync p50 at the op's payload size. 1× is one raw synced write per op; more is the engine's and the harness's own cost (a layout with two syncs per op can reach 2×); under 1× means the op did not wait for a full sync of that size (a memory layout, a batched or cached sync).</p>${tables}`;
}
