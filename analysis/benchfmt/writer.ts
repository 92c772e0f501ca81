import type { BenchRecord } from './record.ts';

/**
 * Formats records as Go benchmark text: configuration lines whenever the configuration changes, then one
 * tab-separated result line per record. `parseBenchText` reads it back to the same records.
 */
export function formatBenchText(records: readonly BenchRecord[]): string {
  const out: string[] = [];
  let config: Readonly<Record<string, string>> = {};
  for (const r of records) {
    for (const [k, v] of Object.entries(r.config)) if (config[k] !== v) out.push(`${k}: ${v}`);
    for (const k of Object.keys(config)) if (!(k in r.config)) out.push(`${k}:`);
    config = r.config;
    const values = r.values.map((v) => `${formatNumber(v.value)} ${v.unit}`).join('\t');
    out.push(`Benchmark${r.name}\t${r.iterations}\t${values}`);
  }
  return out.length === 0 ? '' : out.join('\n') + '\n';
}

/** Shortest text that reads back to the same double. */
function formatNumber(x: number): string {
  return String(x);
}
