import type { Anomaly } from '../analysis/anomalies.ts';
import type { ObservedRow } from '../analysis/observed-table.ts';
import type { SideBySideTable } from '../analysis/rfc-reference.ts';
import { formatDelta, formatNs } from '../analysis/units.ts';

/** Aligned columns, left-aligned first column. */
function table(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd());
}

const num = (x: number | null, digits = 2) => (x === null ? '-' : x.toFixed(digits));
const bytes = (x: number | null) => (x === null ? '-' : x >= 1 << 20 ? `${(x / (1 << 20)).toFixed(1)}Mi` : x >= 1024 ? `${(x / 1024).toFixed(1)}Ki` : x.toFixed(0));

/** What reached the disk per op: requested syncs, engine syncs, device flushes and bytes, write amplification. */
export function observedText(rows: readonly ObservedRow[]): string {
  if (rows.length === 0) return '';
  const lines = table([
    ['what reached the disk (median per op)', 'syncs asked', 'engine syncs', 'dev flushes', 'dev bytes', 'write-amp', 'cpu', 'cpu wait', 'faults'],
    ...rows.map((r) => [r.name + (r.othersSuspected ? ' *' : ''), num(r.requestedSyncs), num(r.engineSyncs), num(r.deviceFlushes), bytes(r.deviceBytes), num(r.writeAmp, 1), r.cpuNs === null ? '-' : formatNs(r.cpuNs), r.cpuWaitNs === null ? '-' : formatNs(r.cpuWaitNs), num(r.minorFaults)]),
  ]);
  lines.push('cpu: time per op the bench\'s and its node processes\' threads ran on a CPU; cpu wait: time they were runnable but waiting for one (/proc schedstat); faults: minor page faults per op (/proc stat)');
  if (rows.some((r) => r.othersSuspected)) lines.push('* device flushes well above the engines\' own syncs: other processes\' I/O is likely counted too');
  return lines.join('\n');
}

export function anomaliesText(anomalies: readonly Anomaly[]): string {
  if (anomalies.length === 0) return '';
  const lines = ['results that need explaining:'];
  const SHOWN = 12;
  for (const a of anomalies.slice(0, SHOWN)) {
    const why = a.counters.map((c) => `${c.counter} ${fmt(c.here)} vs ${fmt(c.neighbours)}`).join(', ');
    lines.push(`  ${a.kind}: ${a.name}: ${a.text}${why ? `; differs most in ${why}` : ''}`);
  }
  if (anomalies.length > SHOWN) lines.push(`  (+${anomalies.length - SHOWN} more in the report's Why section)`);
  return lines.join('\n');
}

function fmt(x: number): string {
  return Math.abs(x) >= 1000 ? x.toExponential(2) : Number(x.toPrecision(3)).toString();
}

/** The RFC's tables beside this run, one line per size; tables with no row measured here are left out. */
export function rfcSideBySideText(tables: readonly SideBySideTable[]): string {
  const out: string[] = [];
  for (const t of tables) {
    if (!t.rows.some((r) => r.here)) continue;
    out.push(`RFC: ${t.table.title} (${t.table.new} vs ${t.table.old})`);
    out.push(
      ...table([
        ['vs', 'RFC delta', 'here', 'p (n)', 'verdict'],
        ...t.rows.map((r) => [
          String(r.rfc.vs),
          r.rfc.delta === null ? '~' : formatDelta(r.rfc.delta),
          r.here ? (r.here.significant ? formatDelta(r.here.delta) : '~') : '-',
          r.here ? `${r.here.p === null ? '?' : r.here.p.toFixed(3)} (${r.here.n})` : '-',
          r.agreement ?? 'not run',
        ]),
      ]).map((l) => `  ${l}`),
    );
  }
  return out.join('\n');
}
