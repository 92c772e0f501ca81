/** Binomial coefficients from Pascal's triangle: exact integers while below 2^53 (every n <= 56). */
const rows: Float64Array[] = [Float64Array.of(1)];

export function choose(n: number, k: number): number {
  if (k < 0 || k > n || n < 0) return 0;
  while (rows.length <= n) {
    const prev = rows[rows.length - 1] as Float64Array;
    const m = prev.length;
    const row = new Float64Array(m + 1);
    row[0] = 1;
    row[m] = 1;
    for (let i = 1; i < m; i++) row[i] = (prev[i - 1] as number) + (prev[i] as number);
    rows.push(row);
  }
  return (rows[n] as Float64Array)[k] as number;
}

/** P(K = k) for K ~ Binomial(n, p); exact for p = 1/2 and small n. */
export function binomialPmf(n: number, p: number, k: number): number {
  const ki = Math.floor(k);
  if (ki < 0 || ki > n) return 0;
  return choose(n, ki) * Math.pow(p, ki) * Math.pow(1 - p, n - ki);
}
