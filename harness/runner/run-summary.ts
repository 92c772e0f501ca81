import type { PathOverhead, ResultsFile } from '../../analysis/results-schema.ts';
import { compareSamples } from '../../analysis/stats/compare-samples.ts';
import { formatDelta, formatNs } from '../../analysis/units.ts';

/**
 * The short table `bench` prints at the end: per case (all parameters but the layout), each layout's
 * time/op (benchstat's old style: Tukey-trimmed mean ± spread) and its change against the first layout,
 * shown only when significant (Mann-Whitney p < 0.05), else `~`.
 */
export function runSummaryText(r: ResultsFile): string {
  const groups = new Map<string, Map<string, number[]>>();
  for (const b of r.benchmarks) {
    if (b.runs.length === 0) continue;
    const key = b.name.split('/').filter((part) => !part.startsWith('layout=')).join('/');
    const layout = b.params.layout ?? '?';
    if (!groups.has(key)) groups.set(key, new Map());
    groups.get(key)!.set(layout, b.runs.map((x) => x.nsPerOp));
  }
  if (groups.size === 0) return 'no finished runs';
  const layouts = [...new Set([...groups.values()].flatMap((g) => [...g.keys()]))];
  const base = layouts[0]!;
  const rows: string[][] = [['time/op', ...layouts.map((l, i) => (i === 0 ? l : `${l} vs ${base}`))]];
  for (const [key, byLayout] of groups) {
    const row = [key];
    const baseSamples = byLayout.get(base);
    for (const l of layouts) {
      const samples = byLayout.get(l);
      if (!samples) {
        row.push('-');
        continue;
      }
      const cmp = compareSamples(baseSamples ?? samples, samples, { style: 'rfc' });
      const cell = `${formatNs(cmp.new.center)} ±${Math.round((cmp.new.spread ?? 0) * 100)}%`;
      if (l === base || !baseSamples) row.push(cell);
      else row.push(`${cell} ${cmp.significant ? formatDelta(cmp.delta) : '~'}`);
    }
    rows.push(row);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const text = rows.map((row) => row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
  const notes = [`n=${r.config.count} runs per case; deltas vs ${base} shown when p < 0.05 (Mann-Whitney), else ~`];
  if (r.calibration) {
    notes.push(
      'device limit (write+fdatasync p50, pre-written / appending): ' +
        r.calibration.points.map((pt) => `${pt.size}B ${formatNs(pt.p50Ns)}${pt.append ? ` / ${formatNs(pt.append.p50Ns)}` : ''}`).join(', '),
    );
  }
  if (r.harnessOverhead) {
    const o = r.harnessOverhead;
    if (o.paths && o.paths.length > 0) {
      notes.push(`harness overhead per write, empty round trip through its path (p50): timing ${formatNs(o.recordNs)}, then`);
      for (const p of o.paths) notes.push(`  ${pathLabel(p)}: ${formatNs(p.p50Ns)} (p99 ${formatNs(p.p99Ns)}), ${p.handoffs} thread handoff${p.handoffs === 1 ? '' : 's'}`);
    } else {
      notes.push(`harness overhead per op (tinybench): timing ${formatNs(o.recordNs)}, await ${formatNs(o.awaitNs)}, memory-engine put ${formatNs(o.memoryPutNs)}`);
    }
  }
  for (const w of r.warnings) notes.push(`warning: ${w.text}`);
  return [...text, '', ...notes].join('\n');
}

/** `rocksdb (RocksDB 6 binding, libuv pool round trip)`, with who takes the path when not everyone does. */
export function pathLabel(p: PathOverhead): string {
  return `${p.engine}${p.usedBy ? ` in ${p.usedBy}` : ''} (${p.path})`;
}
