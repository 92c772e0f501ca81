import { RESULTS_VERSION, type ResultsFile } from './results-schema.ts';
import { warning, type Warning } from './warning.ts';

/**
 * Reads a results file of an older version into the current shape, so `compare`, `report`, `gate` and
 * `gate --ab` against a commit from before version 2 keep working. The input has passed the reader's
 * structural checks (schema, benchmarks, runs).
 */
export function migrateResults(o: Record<string, unknown>): ResultsFile {
  if (o['version'] === RESULTS_VERSION) return { ...o, warnings: o['warnings'] ?? [] } as unknown as ResultsFile;
  // Version 1: the same file with warnings as prose strings.
  const raw = Array.isArray(o['warnings']) ? (o['warnings'] as unknown[]) : [];
  const warnings = raw.map((w) => (typeof w === 'string' ? classifyV1Warning(w) : warning('legacy', 'warning', JSON.stringify(w))));
  return { ...o, version: RESULTS_VERSION, warnings } as unknown as ResultsFile;
}

/**
 * The one place that reads warning text: version 1 wrote only prose, and these are the sentences its
 * `bench` wrote (cli/commands/bench.ts, harness/runner/placement-warnings.ts, the calibration's reason).
 * Anything else stays a `legacy` warning, severe when it says what the old report showed as severe.
 */
export function classifyV1Warning(text: string): Warning {
  if (text.startsWith('--dir ')) return warning('data-dir-not-durable', 'severe', text);
  if (text.startsWith('--raft-dir ')) return warning('raft-dir-not-durable', 'severe', text);
  if (text.startsWith('raftmedia=tmpfs')) return warning('raftmedia-tmpfs', 'severe', text);
  if (text.startsWith('machine busy')) return warning('machine-busy', 'warning', text);
  if (text.startsWith('incomplete run')) return warning('incomplete-run', 'severe', text);
  if (text.includes('fdatasync persists nothing') || text.includes('implausibly fast')) return warning('calibration-not-durable', 'severe', text);
  return warning('legacy', /incomplete|not durable|tmpfs|ramfs/i.test(text) ? 'severe' : 'warning', text);
}
