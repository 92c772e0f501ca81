/**
 * The storage engine contract: an ordered key-value store with atomic write batches.
 *
 * Durability: a batch written with `sync: true` must not resolve until it, and every batch this engine
 * accepted before it, is durable on the device (RocksDB: the WAL is fdatasync'ed; LMDB: the
 * transaction is committed with a sync; the segmented WAL: the segment file is fdatasync'ed).
 * A batch written with `sync: false` is visible to `get`/`scan` once its promise resolves but may be
 * lost on power failure or process crash (for engines that buffer in process) until a later synced
 * batch or `sync()`.
 *
 * Atomicity: every op of one `write` call is applied, or none is, also across a crash.
 *
 * Concurrency: callers await each call; an engine need not accept a second `write` while one is
 * pending, although the RocksDB adapters do. No method may be called after `close()` resolved.
 *
 * Keys and values: byte strings compared as unsigned bytes (memcmp order). Returned buffers belong to
 * the caller.
 */
export interface Engine {
  /** Adapter name, e.g. `rocksdb`, `rocksdb9`, `memory`. */
  readonly kind: string;
  /** Directory holding this engine's files, or null for engines with no files. */
  readonly dir: string | null;
  /** Applies `ops` atomically; durable before resolving when `opts.sync`. */
  write(ops: readonly BatchOp[], opts: WriteOptions): Promise<void>;
  /** The value stored under `key`, or undefined. */
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  /** Entries in key order (descending when `reverse`) within the bounds, at most `limit`. */
  scan(range: ScanRange): Promise<Array<[Uint8Array, Uint8Array]>>;
  /** Makes every write accepted so far durable (counts as one sync). */
  sync(): Promise<void>;
  /** Flushes nothing more than the contract requires and releases files and locks. */
  close(): Promise<void>;
  /** Counters since open. */
  counters(): EngineCounters;
  /**
   * Optional: an empty call through the path a `write` takes (the same threads and handoffs: a pool job,
   * a call into the binding) doing no storage work. Timing it measures what the path itself adds to every
   * op (`harness/runner/overhead.ts`).
   */
  probe?(): Promise<void>;
  /**
   * What the engine observed itself doing, cumulative since open: the keys of `ObservedStats` where the
   * engine can measure them, plus engine-specific ones. Engines sharing one store (column families)
   * report the same store-wide figures.
   */
  stats?(): Record<string, number>;
  /**
   * The settings the engine runs with, as the engine itself reports them where it can (RocksDB: its
   * OPTIONS file), so results can show that layouts ran on equal terms. Read once after open or a run.
   */
  settings?(): Record<string, string | number | boolean>;
}

/**
 * Keys of `Engine.stats()` with one meaning across engines. Each is measured by the engine (RocksDB's
 * `rocksdb.stats`, the WAL's own counts), never derived from what was requested.
 */
export interface ObservedStats {
  /**
   * Syncs that reached the file system: RocksDB's WAL syncs, the WAL's fdatasyncs. LMDB has no such count
   * (lmdb-js flushes on its own thread and exposes no counter): only the device's flushes speak for it.
   */
  durableSyncs: number;
  /** Log bytes written (RocksDB WAL, WAL records). */
  walBytes: number;
  /** Memtable flushes and the bytes they wrote (RocksDB). */
  flushes: number;
  flushBytes: number;
  /** Bytes written by compactions (RocksDB). */
  compactionBytes: number;
  /** Write stalls and their total time (RocksDB). */
  stalls: number;
  stallMicros: number;
  /** Log segments started, and zero bytes written to preallocate them (WAL). */
  segmentRolls: number;
  preallocatedBytes: number;
}

export const OBSERVED_KEYS: ReadonlyArray<keyof ObservedStats> = [
  'durableSyncs', 'walBytes', 'flushes', 'flushBytes', 'compactionBytes', 'stalls', 'stallMicros', 'segmentRolls', 'preallocatedBytes',
];

export type BatchOp =
  | { readonly type: 'put'; readonly key: Uint8Array; readonly value: Uint8Array }
  | { readonly type: 'del'; readonly key: Uint8Array }
  /** Deletes every key in [start, end). */
  | { readonly type: 'delRange'; readonly start: Uint8Array; readonly end: Uint8Array };

export interface WriteOptions {
  readonly sync: boolean;
}

export interface ScanRange {
  readonly gte?: Uint8Array;
  readonly lt?: Uint8Array;
  readonly limit?: number;
  readonly reverse?: boolean;
}

export interface EngineCounters {
  /** `write` calls that completed. */
  batches: number;
  /** Key plus value bytes handed to `write` (the payload, not what reached the disk). */
  bytes: number;
  /** Synced batches plus explicit `sync()` calls. */
  syncs: number;
  /** Range deletions (`delRange` ops). */
  rangeDeletes: number;
}

export function emptyCounters(): EngineCounters {
  return { batches: 0, bytes: 0, syncs: 0, rangeDeletes: 0 };
}

/** Adds one completed batch to `c`. */
export function countBatch(c: EngineCounters, ops: readonly BatchOp[], sync: boolean): void {
  c.batches++;
  if (sync) c.syncs++;
  for (const op of ops) {
    if (op.type === 'put') c.bytes += op.key.byteLength + op.value.byteLength;
    else if (op.type === 'del') c.bytes += op.key.byteLength;
    else {
      c.bytes += op.start.byteLength + op.end.byteLength;
      c.rangeDeletes++;
    }
  }
}
