import type { CalibrationPoint } from './results-schema.ts';

/** Which of the two calibrated floors a layout's synced log writes can reach. */
export type FloorKind = 'pre-written' | 'appending';

/**
 * The floor each layout's log can reach: the WAL layouts write into zero-filled, preallocated segments
 * (pre-written); RocksDB's WAL appends to a file whose size changes with every synced write (appending);
 * LMDB overwrites pages of a file it grows in large steps (pre-written); memory reaches neither (pre-written,
 * the lower of the two, so its ratio stays a lower bound).
 */
export function floorKind(layout: string): FloorKind {
  return layout === 'shared' || layout === 'dedicated' || layout === 'shared-cf' ? 'appending' : 'pre-written';
}

/**
 * The p50 of the floor `layout` can reach at `point`'s size. Results written before the appending floor
 * existed have only the pre-written one: then that is returned, with `kind` saying so.
 */
export function floorFor(layout: string, point: CalibrationPoint): { readonly kind: FloorKind; readonly p50Ns: number } {
  if (floorKind(layout) === 'appending' && point.append) return { kind: 'appending', p50Ns: point.append.p50Ns };
  return { kind: 'pre-written', p50Ns: point.p50Ns };
}
