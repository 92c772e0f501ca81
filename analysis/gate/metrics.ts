import { UserError } from '../../errors/user-error.ts';

/**
 * Units the gate can decide on, as they appear in bench.txt and results.json conversions (and in Go's
 * own benchmark output for `B/op` and `allocs/op`). `MB/s` is the one where higher is better.
 */
export const GATE_METRICS: readonly string[] = ['ns/op', 'p50-ns', 'p99-ns', 'p999-ns', 'MB/s', 'syncs/op', 'disk-B/op', 'B/op', 'allocs/op'];

export const DEFAULT_METRICS: readonly string[] = ['ns/op'];

/** A `--metric` list, checked and de-duplicated; an unknown unit is a UserError naming the valid ones. */
export function parseMetrics(list: readonly string[]): string[] {
  if (list.length === 0) throw new UserError(`gate: --metric is empty; valid: ${GATE_METRICS.join(', ')}`);
  const out: string[] = [];
  for (const m of list) {
    if (!GATE_METRICS.includes(m)) throw new UserError(`gate: unknown metric "${m}"; valid: ${GATE_METRICS.join(', ')}`);
    if (!out.includes(m)) out.push(m);
  }
  return out;
}
