import { quantileR8 } from './quantile.ts';
import type { SortedSamples } from './sorted-samples.ts';

export interface Fences {
  readonly lo: number;
  readonly hi: number;
}

/** Tukey's fences [q1 - 1.5 IQR, q3 + 1.5 IQR] with R8 quartiles (old benchstat's outlier rule). */
export function tukeyFences(s: SortedSamples): Fences {
  const q1 = quantileR8(s, 0.25);
  const q3 = quantileR8(s, 0.75);
  const iqr = q3 - q1;
  return { lo: q1 - 1.5 * iqr, hi: q3 + 1.5 * iqr };
}

/** The samples inside the fences (inclusive), still sorted. */
export function removeOutliers(s: SortedSamples): SortedSamples {
  if (s.length === 0) return s;
  const { lo, hi } = tukeyFences(s);
  return s.filter((x) => lo <= x && x <= hi) as unknown as SortedSamples;
}
