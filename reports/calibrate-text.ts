import type { Calibration } from '../analysis/results-schema.ts';
import { formatSize } from '../analysis/sizes.ts';
import { formatNs } from '../analysis/units.ts';

/**
 * The calibration as text: a heading naming the directory and its filesystem, an aligned table (size, ops,
 * p50, p99, mean, syncs/s; the appending floor's p50, p99, ops when measured), and a warning line when the directory is not durable.
 */
export function renderCalibration(cal: Calibration, fs?: { readonly type: string; readonly device: string; readonly mountPoint: string }): string {
  const where = fs ? `${fs.type} on ${fs.device}, mounted at ${fs.mountPoint}` : cal.fsType;
  const append = cal.points.some((p) => p.append);
  const rows = [
    ['size', 'ops', 'p50', 'p99', 'mean', 'syncs/s', ...(append ? ['append p50', 'append p99', 'append ops'] : [])],
    ...cal.points.map((p) => [
      formatSize(p.size),
      String(p.ops),
      formatNs(p.p50Ns),
      formatNs(p.p99Ns),
      formatNs(p.meanNs),
      p.syncsPerSec.toFixed(0),
      ...(append ? (p.append ? [formatNs(p.append.p50Ns), formatNs(p.append.p99Ns), String(p.append.ops)] : ['–', '–', '–']) : []),
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  // Size left-aligned, numbers right-aligned.
  const table = rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
  const lines = [`write+fdatasync latency of ${cal.dir} (${where})`, ...table];
  if (append) {
    lines.push(
      `p50..syncs/s: into pre-written (zero-filled) space, the floor of the WAL layouts; append: each write extends a ${cal.appendMode === 'growing' ? 'growing file' : 'file preallocated with fallocate(KEEP_SIZE)'}, the floor of RocksDB's WAL`,
    );
  }
  if (cal.machine) {
    const m = cal.machine;
    lines.push(`machine: a minor page fault costs ${m.pageFaultNs === null ? '(too few faults to time)' : formatNs(m.pageFaultNs)}; a thread runs ${formatNs(m.wakeLateNs)} late after a 100 µs sleep (p50)`);
  }
  if (!cal.durable) lines.push(`warning: not durable: ${cal.nonDurableReason ?? `${cal.dir} does not persist what fdatasync is given`}`);
  return lines.join('\n') + '\n';
}
