import type { Comparison } from '../analysis/compare/index.ts';

/**
 * The comparison as JSON with every number at full precision: centers, spreads, interval bounds, n, p,
 * delta, significant, and the kept samples. JSON has no Infinity or NaN, so those are written as the strings
 * "Infinity", "-Infinity" and "NaN" (an infinite bound means the sample is too small for the interval).
 */
export function renderBenchstatJson(c: Comparison): string {
  // Version 2: input warnings are {code, severity, text, source} values (version 1 had strings).
  const doc = { schema: 'raftbench/compare', version: 2, ...c };
  return JSON.stringify(doc, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2) + '\n';
}
