/**
 * Samples in ascending order. The brand makes it a type error to hand unsorted data to a statistic that
 * relies on order (quantiles, fences, order-statistic intervals).
 */
declare const sortedBrand: unique symbol;
export type SortedSamples = readonly number[] & { readonly [sortedBrand]: true };

/** A sorted copy of `xs`; NaN is rejected because it has no place in an order. */
export function sortSamples(xs: Iterable<number>): SortedSamples {
  const out = Array.from(xs);
  for (const x of out) if (Number.isNaN(x)) throw new RangeError('sample contains NaN');
  out.sort((a, b) => a - b);
  return out as unknown as SortedSamples;
}

/** Brands `xs` after checking it is already ascending (no copy). */
export function asSorted(xs: readonly number[]): SortedSamples {
  for (let i = 1; i < xs.length; i++) {
    if (!((xs[i - 1] as number) <= (xs[i] as number))) throw new RangeError('samples are not in ascending order');
  }
  return xs as SortedSamples;
}

/** Element `i` of a sample, for callers that already checked the bounds. */
export function at(xs: readonly number[], i: number): number {
  const v = xs[i];
  if (v === undefined) throw new RangeError(`index ${i} outside sample of ${xs.length}`);
  return v;
}
