import type { GateResult } from '../../analysis/gate/model.ts';

/**
 * The whole GateResult as JSON, every number included. Infinity and NaN (an interval too small to have
 * bounds) are not JSON: they are written as the strings "Infinity", "-Infinity" and "NaN".
 */
export function renderGateJson(r: GateResult): string {
  return JSON.stringify({ schema: 'raftbench/gate', version: 1, ...r }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 1) + '\n';
}
