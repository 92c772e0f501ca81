import { quantileR8 } from './quantile.ts';
import { at, type SortedSamples } from './sorted-samples.ts';

/** Arithmetic mean, accumulated as a running mean (as benchstat does) so large values cannot overflow. */
export function mean(s: readonly number[]): number {
  if (s.length === 0) return NaN;
  let m = 0;
  for (let i = 0; i < s.length; i++) m += (at(s, i) - m) / (i + 1);
  return m;
}

/** Median by R8 (the mean of the middle two for an even count). */
export function median(s: SortedSamples): number {
  return quantileR8(s, 0.5);
}

export function min(s: SortedSamples): number {
  return s.length === 0 ? NaN : at(s, 0);
}

export function max(s: SortedSamples): number {
  return s.length === 0 ? NaN : at(s, s.length - 1);
}

/** Geometric mean of positive values; NaN when empty or when any value is <= 0. */
export function geomean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let m = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = at(xs, i);
    if (!(x > 0)) return NaN;
    m += (Math.log(x) - m) / (i + 1);
  }
  return Math.exp(m);
}
