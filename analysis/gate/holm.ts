/**
 * Holm's step-down correction (Holm 1979) for m tests: sort the p-values ascending, multiply the i-th
 * smallest (1-based) by m - i + 1, cap at 1, and make the sequence non-decreasing. A test is significant
 * at level alpha when its adjusted p is <= alpha; this controls the family-wise error rate (the chance of
 * any false alarm among the m) at alpha without assuming the tests are independent.
 *
 * Returns the adjusted p-values in the input order. Ties keep their input order (stable sort), which does
 * not change any adjusted value.
 */
export function holmAdjust(ps: readonly number[]): number[] {
  const m = ps.length;
  const order = ps.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const out = new Array<number>(m).fill(1);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[i] = running;
  });
  return out;
}
