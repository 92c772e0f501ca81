import { at, type SortedSamples } from './sorted-samples.ts';

/**
 * The q-quantile by Hyndman and Fan's definition 8 (R8), the one benchstat uses:
 * position h = 1/3 + q (n + 1/3), linear interpolation between the neighbouring order statistics,
 * clamped to the sample's ends. NaN for an empty sample.
 */
export function quantileR8(s: SortedSamples, q: number): number {
  const n = s.length;
  if (n === 0) return NaN;
  if (q <= 0) return at(s, 0);
  if (q >= 1) return at(s, n - 1);
  const h = 1 / 3 + q * (n + 1 / 3);
  const k = Math.trunc(h);
  const frac = h - k;
  if (k <= 0) return at(s, 0);
  if (k >= n) return at(s, n - 1);
  const lo = at(s, k - 1);
  return lo + frac * (at(s, k) - lo);
}
