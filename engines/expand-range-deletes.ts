import type { BatchOp, ScanRange } from './engine.ts';

export type PointOp = Exclude<BatchOp, { type: 'delRange' }>;

/**
 * Replaces each `delRange` with point deletes of the keys currently in the range, so bindings without
 * a batched DeleteRange (both RocksDB bindings) still apply the whole batch atomically. The cost grows with
 * the number of keys deleted, which for raft log truncation is the number of entries truncated.
 */
export async function expandRangeDeletes(
  ops: readonly BatchOp[],
  scanKeys: (range: ScanRange) => Promise<Uint8Array[]>,
): Promise<PointOp[]> {
  if (!ops.some((op) => op.type === 'delRange')) return ops as PointOp[];
  const out: PointOp[] = [];
  for (const op of ops) {
    if (op.type !== 'delRange') {
      out.push(op);
      continue;
    }
    for (const key of await scanKeys({ gte: op.start, lt: op.end })) out.push({ type: 'del', key });
  }
  return out;
}
