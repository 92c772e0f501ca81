import { choose } from './binomial.ts';

/**
 * Exact null distribution of the Mann-Whitney U statistic of the first sample (size n1) against the second
 * (size n2), as a CDF.
 */

/**
 * P(U <= u) without ties, by Mann and Whitney's (1947) recurrence on probabilities
 * p[n,m](u) = (n p[n-1,m](u-m) + m p[n,m-1](u)) / (n+m), kept one m-plane at a time.
 */
export function uCdfNoTies(n1: number, n2: number, u: number): number {
  const ui = Math.floor(u);
  if (ui < 0) return 0;
  if (ui >= n1 * n2) return 1;
  const N = Math.min(n1, n2);
  const M = Math.max(n1, n2);
  // plane[n][v] holds p[n,m](v) for the current m (for n <= m; symmetry p[n,m] = p[m,n] covers the rest).
  const plane: Float64Array[] = [];
  for (let n = 0; n <= N; n++) plane.push(new Float64Array(ui + 1));
  for (let m = 0; m <= M; m++) {
    (plane[0] as Float64Array)[0] = 1;
    const nlim = Math.min(N, m);
    for (let n = 1; n <= nlim; n++) {
      const left = plane[n - 1] as Float64Array; // p[n-1,m]
      const right = n <= m - 1 ? (plane[n] as Float64Array) : (plane[m - 1] as Float64Array); // p[n,m-1] (= p[m-1,n] when n == m)
      const out = plane[n] as Float64Array;
      const vlim = Math.min(ui, n * m);
      for (let v = vlim; v >= 0; v--) {
        const l = v - m >= 0 ? n * (left[v - m] as number) : 0;
        out[v] = (l + m * (right[v] as number)) / (n + m);
      }
    }
  }
  const p = plane[N] as Float64Array;
  let sum = 0;
  for (let v = 0; v <= ui; v++) sum += p[v] as number;
  return sum;
}

/**
 * P(U <= u) with ties, for the tie vector `ties` (sizes of the groups of equal values in rank order, summing
 * to n1 + n2). Counts the subsets of n1 positions whose doubled mid-rank sum stays within the bound, group by
 * group (each group contributes r items in C(t, r) ways); counts stay exact integers up to n1 + n2 = 56.
 */
export function uCdfTies(n1: number, n2: number, ties: readonly number[], u: number): number {
  if (u < 0) return 0;
  if (u >= n1 * n2) return 1;
  // 2U = 2R - n1(n1+1), where R is the rank sum of the first sample.
  const maxTwoR = Math.floor(2 * u + 1e-9) + n1 * (n1 + 1);
  const width = maxTwoR + 1;
  let cur = new Float64Array((n1 + 1) * width);
  cur[0] = 1;
  let before = 0;
  for (const t of ties) {
    const twoMidRank = 2 * before + t + 1;
    const next = new Float64Array((n1 + 1) * width);
    for (let k = 0; k <= n1; k++) {
      for (let s = 0; s < width; s++) {
        const c = cur[k * width + s] as number;
        if (c === 0) continue;
        for (let r = 0; r <= t && k + r <= n1; r++) {
          const s2 = s + r * twoMidRank;
          if (s2 >= width) break;
          next[(k + r) * width + s2] = (next[(k + r) * width + s2] as number) + c * choose(t, r);
        }
      }
    }
    cur = next;
    before += t;
  }
  let count = 0;
  for (let s = 0; s < width; s++) count += cur[n1 * width + s] as number;
  return count / choose(n1 + n2, n1);
}
