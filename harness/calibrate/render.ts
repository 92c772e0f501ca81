import type { Calibration } from '../results/schema.ts';
import { formatSize } from '../cli/sizes.ts';
import { formatNs } from '../../reports/format-units.ts';
import type { FsInfo } from './fs-info.ts';
import { nonDurableReason } from './calibrate.ts';

/**
 * The calibration as text: a heading naming the directory and its filesystem, an aligned table (size, ops,
 * p50, p99, mean, syncs/s), and a warning line when the directory is not durable.
 */
export function renderCalibration(cal: Calibration, fs?: FsInfo): string {
  const where = fs ? `${fs.type} on ${fs.device}, mounted at ${fs.mountPoint}` : cal.fsType;
  const rows = [
    ['size', 'ops', 'p50', 'p99', 'mean', 'syncs/s'],
    ...cal.points.map((p) => [
      formatSize(p.size),
      String(p.ops),
      formatNs(p.p50Ns),
      formatNs(p.p99Ns),
      formatNs(p.meanNs),
      p.syncsPerSec.toFixed(0),
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  // Size left-aligned, numbers right-aligned.
  const table = rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
  const lines = [`write+fdatasync latency of ${cal.dir} (${where})`, ...table];
  const reason = cal.durable ? null : nonDurableReason(cal.fsType, cal.points, cal.dir);
  if (!cal.durable) lines.push(`warning: not durable: ${reason ?? `${cal.dir} does not persist what fdatasync is given`}`);
  return lines.join('\n') + '\n';
}
