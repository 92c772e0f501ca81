/**
 * The memory one RocksDB engine gets. A layout with two engines splits it so that together they get what
 * one engine gets: a dedicated raft engine must not win by having twice the memtable or cache.
 */
export interface MemoryBudget {
  /**
   * Bytes of memtable (write buffer) at most: the ceiling write_buffer_size x max_write_buffer_number, the
   * same on both bindings at the default budget (see `rocks6WriteBuffer`, `ROCKS9_MEMTABLE_CEILING`).
   */
  readonly memtableBytes: number;
  /** Bytes of block cache. */
  readonly cacheBytes: number;
}

/** 128 MiB of memtable (two 64 MiB buffers on either binding: RocksDB's defaults) and 32 MiB of cache. */
export const DEFAULT_BUDGET: MemoryBudget = { memtableBytes: 128 << 20, cacheBytes: 32 << 20 };

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
 * RocksDB 9 (`@nxtedition/rocksdb`): its binding sizes memtables only through its `compaction` presets,
 * and the `level` preset also compresses levels >= 2 with ZSTD (compression_per_level, which `compression:
 * false` does not override). With RocksDB 6 loaded in the same process (every suite with `shared-cf`),
 * a RocksDB 9 compaction into level 2 then crashes the process (SIGSEGV; reproduced with a 1 MiB budget
 * and 3 MiB of writes). So RocksDB 9 runs without a preset: RocksDB's defaults, write_buffer_size 64 MiB
 * and max_write_buffer_number 2, a ceiling of 128 MiB, which equals RocksDB 6's at the default budget.
 * Residual difference, recorded with the effective options: where a layout splits the budget (two
 * engines or families), RocksDB 9's engines keep their 64 MiB buffers.
 */
export const ROCKS9_MEMTABLE_CEILING = 2 * (64 << 20);
