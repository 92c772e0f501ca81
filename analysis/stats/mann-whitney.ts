import { normalCdf } from './normal.ts';
import type { SortedSamples } from './sorted-samples.ts';
import { uCdfNoTies, uCdfTies } from './u-distribution.ts';

/** Largest sample size (each side) for the exact distribution without ties, and with ties (benchstat's limits). */
export const EXACT_LIMIT = 50;
export const EXACT_TIES_LIMIT = 25;

export type MannWhitneyResult =
  | {
      readonly ok: true;
      readonly n1: number;
      readonly n2: number;
      /** U of the first sample: pairs where it is greater, ties counting 1/2. */
      readonly u: number;
      /** Two-sided p-value. */
      readonly p: number;
      readonly method: 'exact' | 'exact-ties' | 'normal';
    }
  | { readonly ok: false; readonly n1: number; readonly n2: number; readonly reason: 'sample-size' | 'samples-equal' };

/**
 * Two-sided Mann-Whitney U test as benchstat runs it: average ranks for ties; the exact distribution when
 * there are no ties and both n <= 50, or ties and both n <= 25; otherwise the normal approximation with tie
 * and continuity corrections. Fails (as data) when a sample is empty or every value is equal.
 */
export function mannWhitneyU(x1: SortedSamples, x2: SortedSamples): MannWhitneyResult {
  const n1 = x1.length;
  const n2 = x2.length;
  if (n1 === 0 || n2 === 0) return { ok: false, n1, n2, reason: 'sample-size' };

  // Merge, rank ties at their average rank, collect the tie vector.
  let i = 0;
  let j = 0;
  let r1 = 0;
  const ties: number[] = [];
  let hasTies = false;
  let pos = 0;
  while (i < n1 || j < n2) {
    const a = i < n1 ? (x1[i] as number) : Infinity;
    const b = j < n2 ? (x2[j] as number) : Infinity;
    const v = i < n1 && (j >= n2 || a <= b) ? a : b;
    let c1 = 0;
    let c2 = 0;
    while (i < n1 && x1[i] === v) {
      i++;
      c1++;
    }
    while (j < n2 && x2[j] === v) {
      j++;
      c2++;
    }
    const t = c1 + c2;
    r1 += c1 * (pos + (t + 1) / 2);
    ties.push(t);
    if (t > 1) hasTies = true;
    pos += t;
  }
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const usmall = Math.min(u1, u2);

  const exact = hasTies ? n1 <= EXACT_TIES_LIMIT && n2 <= EXACT_TIES_LIMIT : n1 <= EXACT_LIMIT && n2 <= EXACT_LIMIT;
  if (exact) {
    if (ties.length === 1) return { ok: false, n1, n2, reason: 'samples-equal' };
    // A symmetric discrete distribution: doubling the CDF at the center would count its mass twice.
    const p = u1 === u2 ? 1 : 2 * (hasTies ? uCdfTies(n1, n2, ties, usmall) : uCdfNoTies(n1, n2, usmall));
    return { ok: true, n1, n2, u: u1, p, method: hasTies ? 'exact-ties' : 'exact' };
  }

  let tieSum = 0;
  for (const t of ties) tieSum += t * t * t - t;
  const N = n1 + n2;
  const mu = (n1 * n2) / 2;
  const sigma = Math.sqrt((n1 * n2 * (N + 1 - tieSum / (N * (N - 1)))) / 12);
  if (sigma === 0) return { ok: false, n1, n2, reason: 'samples-equal' };
  let numer = u1 - mu;
  numer -= Math.sign(numer) * 0.5;
  const z = numer / sigma;
  const cdf = normalCdf(z);
  return { ok: true, n1, n2, u: u1, p: 2 * Math.min(cdf, 1 - cdf), method: 'normal' };
}

/** Smallest p the test can give for two samples of size n each (no ties): 2 / C(2n, n). */
export function minPossibleP(n: number): number {
  let c = 1;
  for (let k = 1; k <= n; k++) c = (c * (n + k)) / k;
  return Math.min(1, 2 / c);
}

/**
 * The sample size benchstat says is needed to detect a difference at `alpha`: the first n in 1..9 whose
 * minimum p is <= alpha, as `{op: '>=', n}`; beyond its table benchstat says `> 10`, and so does this.
 */
export function minSamplesToDetect(alpha: number): { readonly op: '>=' | '>'; readonly n: number } {
  for (let n = 1; n <= 9; n++) if (minPossibleP(n) <= alpha) return { op: '>=', n };
  return { op: '>', n: 10 };
}
