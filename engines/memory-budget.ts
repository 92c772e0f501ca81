/**
 * The memory one RocksDB engine gets. A layout with two engines splits it so that together they get what
 * one engine gets: a dedicated raft engine must not win by having twice the memtable or cache.
 */
export interface MemoryBudget {
  /** Bytes of memtable (write buffer). */
  readonly memtableBytes: number;
  /** Bytes of block cache. */
  readonly cacheBytes: number;
}

export const DEFAULT_BUDGET: MemoryBudget = { memtableBytes: 64 << 20, cacheBytes: 32 << 20 };

/** `budget` divided among `parts` engines (or column families). */
export function splitBudget(budget: MemoryBudget, parts: number): MemoryBudget {
  return {
    memtableBytes: Math.floor(budget.memtableBytes / parts),
    cacheBytes: Math.floor(budget.cacheBytes / parts),
  };
}
