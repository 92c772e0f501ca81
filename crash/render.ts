import type { CrashRow } from './run.ts';

/** The crash-check table: one row per case, then each violation on its own line. */
export function renderCrashTable(rows: readonly CrashRow[]): string {
  const head = ['layout', 'nodes', 'crash', 'trunc-sync', 'kills', 'survived', 'acked', 'checked', 'truncations', 'trunc-syncs', 'violations'];
  const body = rows.map((r) => [
    r.layout,
    String(r.nodes),
    r.model,
    r.truncationSync ? 'on' : 'off',
    String(r.kills),
    `${r.survived}/${r.kills}`,
    String(r.acked),
    String(r.checked),
    String(r.truncations),
    String(r.truncationSyncs),
    String(r.violations.length),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 || i === 2 || i === 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const out = [fmt(head), ...body.map(fmt)];
  const bad = rows.filter((r) => r.violations.length > 0);
  if (bad.length > 0) {
    out.push('', 'violations:');
    for (const r of bad) for (const v of r.violations) out.push(`  ${r.layout} nodes=${r.nodes} ${r.model} trunc-sync=${r.truncationSync ? 'on' : 'off'}: ${v}`);
  }
  return out.join('\n') + '\n';
}
