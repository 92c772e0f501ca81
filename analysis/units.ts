/**
 * Number formatting shared by every renderer: 3 significant digits with the unit scaled as benchstat
 * does (`75.4µs`, `117µs`, `1.05ms`, `13.6MB/s`).
 */

/** `x` with 3 significant digits (fixed notation; no exponent for 1 <= |x| < 1e15). */
export function sig3(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

/** Nanoseconds scaled to ns, µs, ms or s. */
export function formatNs(ns: number): string {
  const a = Math.abs(ns);
  if (a < 1e3) return `${sig3(ns)}ns`;
  if (a < 1e6) return `${sig3(ns / 1e3)}µs`;
  if (a < 1e9) return `${sig3(ns / 1e6)}ms`;
  return `${sig3(ns / 1e9)}s`;
}

/** A relative change as `+7.34%` / `-6.87%`. */
export function formatDelta(fraction: number): string {
  return `${fraction >= 0 ? '+' : ''}${(fraction * 100).toFixed(2)}%`;
}
