/**
 * Old benchstat's `± x%`: the larger relative distance of min and max from the mean,
 * max(1 - min/mean, max/mean - 1), as a fraction. Null when mean or max is 0 (benchstat prints no ±).
 */
export function meanSpread(min: number, mean: number, max: number): number | null {
  if (mean === 0 || max === 0) return null;
  return Math.max(1 - min / mean, max / mean - 1);
}

/**
 * Current benchstat's `± x%` for a center and its confidence interval, as a fraction:
 * max(hi/center - 1, 1 - lo/center). Infinity when a bound is infinite (printed `∞`), NaN when the signs
 * of the bounds differ from the center's (printed `?`), 0 when all three are 0.
 */
export function intervalSpread(center: number, lo: number, hi: number): number {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return Infinity;
  const sign = Math.sign(center);
  if (sign !== Math.sign(lo) || sign !== Math.sign(hi)) return NaN;
  if (center === 0) return 0;
  return Math.max(hi / center - 1, 1 - lo / center);
}
