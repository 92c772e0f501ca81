/**
 * The memory one RocksDB engine gets. A layout with two engines splits it so that together they get what
 * one engine gets: a dedicated raft engine must not win by having twice the memtable or cache.
 */
export interface MemoryBudget {
  /**
   * Bytes of memtable (write buffer) at most: the ceiling write_buffer_size x max_write_buffer_number, the
   * same on both bindings (see `rocks6WriteBuffer`, `rocks9MemtableBudget`).
   */
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

/**
 * RocksDB 6 (`rocksdb` package): its binding takes `writeBufferSize` and keeps RocksDB's default of two
 * write buffers (max_write_buffer_number 2, flushed one at a time), so each gets half the ceiling.
 */
export function rocks6WriteBuffer(budget: MemoryBudget): number {
  return Math.floor(budget.memtableBytes / 2);
}

/**
 * RocksDB 9 (`@nxtedition/rocksdb`): its binding sets memtables only through the `compaction: 'level'`
 * preset, from `memtableMemoryBudget` M: write_buffer_size M/4, max_write_buffer_number 6 (ceiling 1.5 M),
 * min_write_buffer_number_to_merge 2. Passing M = 2/3 of the budget makes the ceiling equal RocksDB 6's.
 * Residual difference, recorded with the effective options: RocksDB 9 fills six buffers of budget/6 and
 * flushes two at a time (L0 files of about budget/3), RocksDB 6 two buffers of budget/2 flushed one at a
 * time (L0 files of about budget/2); the preset also compresses levels >= 2 with ZSTD
 * (compression_per_level), which runs of this harness's length rarely reach.
 */
export function rocks9MemtableBudget(budget: MemoryBudget): number {
  return Math.floor((budget.memtableBytes * 2) / 3);
}
