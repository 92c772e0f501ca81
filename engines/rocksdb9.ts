import { createRequire } from 'node:module';
import { mkdir } from 'node:fs/promises';
import { countBatch, emptyCounters, type BatchOp, type Engine, type EngineCounters, type ScanRange, type WriteOptions } from './engine.ts';
import { asBuffer } from './bytes.ts';
import { expandRangeDeletes, type PointOp } from './expand-range-deletes.ts';
import type { MemoryBudget } from './memory-budget.ts';
import { rocksSettings } from './rocksdb-options.ts';
import { parseRocksStats, rocksObserved } from './rocksdb-stats.ts';

const require = createRequire(import.meta.url);

/** The subset of `@nxtedition/rocksdb`'s RocksLevel (abstract-level 1) used here. */
interface RocksLevel {
  open(): Promise<void>;
  close(): Promise<void>;
  readonly columns: Record<string, unknown>;
  batch(ops: object[], opts: object): Promise<void>;
  /** 'opening' | 'open' | 'closing' | 'closed' (abstract-level). */
  readonly status: string;
  /** The binding's chained batch, without abstract-level's checks, encodings and callback tick. */
  _chainedBatch(): RawBatch;
  /** The binding's synchronous multi-get. */
  _getManySync(keys: Buffer[], opts: object): unknown;
  get(key: Buffer, opts: object): Promise<Buffer | undefined>;
  iterator(opts: object): AsyncIterable<[Buffer, Buffer]> & { close(): Promise<void> };
  getProperty(name: string): string;
}

/** `@nxtedition/rocksdb`'s ChainedBatch, called below abstract-level: `_writeSync` is one binding call. */
interface RawBatch {
  _put(key: Buffer, value: Buffer, opts: object): void;
  _del(key: Buffer, opts: object): void;
  _writeSync(opts: object): void;
  /** Empties the batch (WriteBatch::Clear) so it can take the next write. */
  _clear(): void;
  _closeSync(): void;
}

const SYNC_KEY = Buffer.from('\xff\xffraftbench-sync', 'latin1');
const ENC = { keyEncoding: 'buffer', valueEncoding: 'buffer' } as const;
const SYNCED = Object.freeze({ sync: true });
const UNSYNCED = Object.freeze({ sync: false });

/**
 * One RocksDB 9.7 database (`@nxtedition/rocksdb`) with one or more column families. Every family shares
 * the WAL, so a synced write to any family syncs unsynced writes of all of them (as in the `shared`
 * layout); families only separate memtables and SST files (the RFC's footnote 4).
 */
export class RocksDB9Store {
  #open = 0;
  #batch: RawBatch | null = null;
  private constructor(readonly dir: string, readonly db: RocksLevel) {}

  /**
   * The one binding batch every write of this store goes through, emptied after each write. A new batch
   * per write costs a native allocation whose finalizer runs in a later GC: an unsynced 1 KiB put took
   * 23.9 µs that way against 14.5 µs through RocksDB9Engine.write now in a loop, and 31.2 against 15.8 µs
   * right after an fdatasync (bench/probe-r9-batch.ts). Writes fill, write and clear it synchronously, so
   * no two writes ever share it.
   */
  batch(): RawBatch {
    return (this.#batch ??= this.db._chainedBatch());
  }

  /** Opens `dir` with the given families (`default` is always included); each family gets `budget`. */
  static async open(dir: string, families: readonly string[], budget: MemoryBudget): Promise<RocksDB9Store> {
    await mkdir(dir, { recursive: true });
    const { RocksLevel } = require('@nxtedition/rocksdb') as { RocksLevel: new (dir: string, opts: object) => RocksLevel };
    // Equal terms with RocksDB 6 (memory-budget.ts): RocksDB's default memtables (no preset: the `level`
    // preset's ZSTD levels crash beside RocksDB 6), the same cache, no compression.
    const cf = { cacheSize: budget.cacheBytes, compression: false };
    const columns: Record<string, object> = { default: cf };
    for (const f of families) columns[f] = cf;
    // walCompression: the binding's default is ZSTD; RocksDB 6 cannot compress its WAL at all.
    const db = new RocksLevel(dir, { ...cf, walCompression: false, createIfMissing: true, columns, infoLogLevel: 'warn' });
    await db.open();
    return new RocksDB9Store(dir, db);
  }

  /** An Engine over one family. The store closes when every engine taken from it has closed. */
  engine(family = 'default'): Engine {
    const column = this.db.columns[family];
    if (column === undefined) throw new Error(`column family "${family}" is not open in ${this.dir}`);
    this.#open++;
    return new RocksDB9Engine(this, family, column);
  }

  /** Called by an engine's close(). */
  async release(): Promise<void> {
    if (--this.#open > 0) return;
    this.#batch?._closeSync();
    this.#batch = null;
    await this.db.close();
  }
}

/** An Engine over one column family of a RocksDB9Store. */
export class RocksDB9Engine implements Engine {
  readonly kind = 'rocksdb9';
  readonly dir: string;
  #counters: EngineCounters = emptyCounters();
  #closed = false;
  /** The per-op options naming this engine's column family. */
  readonly #at: object;

  constructor(
    private readonly store: RocksDB9Store,
    readonly family: string,
    private readonly column: unknown,
  ) {
    this.dir = store.dir;
    this.#at = Object.freeze({ column });
  }

  /** A single-family database. */
  static async open(dir: string, budget: MemoryBudget): Promise<Engine> {
    return (await RocksDB9Store.open(dir, [], budget)).engine('default');
  }

  /**
   * One binding call on this thread: the ops go straight into the store's binding batch, `_writeSync`
   * writes it and `_clear` empties it for the next write. `db.batch()` does the same through
   * abstract-level's validation, per-op encoding and a callback on the next tick: 26.3 against 22.9 µs for
   * an unsynced 1 KiB put in a loop, 31.2 against 27.7 µs right after an fdatasync (bench/probe-r9-path.ts,
   * interleaved, before the batch was reused).
   */
  async write(ops: readonly BatchOp[], opts: WriteOptions): Promise<void> {
    const points = ops.some((op) => op.type === 'delRange') ? await expandRangeDeletes(ops, (r) => this.#scanKeys(r)) : (ops as PointOp[]);
    const db = this.store.db;
    // Below abstract-level nothing checks the database is open; the binding must not see a closed handle.
    if (this.#closed || db.status !== 'open') throw new Error(`RocksDB 9 at ${this.dir} is not open (${this.#closed ? 'engine closed' : db.status})`);
    if (points.length === 0) return void countBatch(this.#counters, ops, opts.sync); // as db.batch([]): nothing written
    const batch = this.store.batch();
    try {
      const at = this.#at;
      for (const op of points) {
        if (op.type === 'put') batch._put(asBuffer(op.key), asBuffer(op.value), at);
        else batch._del(asBuffer(op.key), at);
      }
      batch._writeSync(opts.sync ? SYNCED : UNSYNCED);
    } finally {
      batch._clear();
    }
    countBatch(this.#counters, ops, opts.sync);
  }

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    try {
      const v = await this.store.db.get(asBuffer(key), { column: this.column, ...ENC });
      return v ?? undefined;
    } catch (err) {
      if ((err as { code?: string }).code === 'LEVEL_NOT_FOUND') return undefined;
      throw err;
    }
  }

  async scan(range: ScanRange): Promise<Array<[Uint8Array, Uint8Array]>> {
    const it = this.store.db.iterator({
      ...(range.gte ? { gte: asBuffer(range.gte) } : {}),
      ...(range.lt ? { lt: asBuffer(range.lt) } : {}),
      limit: range.limit ?? -1,
      reverse: range.reverse ?? false,
      column: this.column,
      ...ENC,
    });
    const out: Array<[Uint8Array, Uint8Array]> = [];
    try {
      for await (const [k, v] of it) {
        if (k.equals(SYNC_KEY)) continue;
        out.push([k, v]);
      }
    } finally {
      await it.close();
    }
    return out;
  }

  async sync(): Promise<void> {
    await this.store.db.batch([{ type: 'put', key: SYNC_KEY, value: Buffer.alloc(0), column: this.column }], { sync: true, ...ENC });
    this.#counters.syncs++;
  }

  /**
   * A synchronous call into the binding on this thread, as every write is, doing nothing (a multi-get of
   * no keys; an empty batch would not do: RocksDB 9 writes a WAL record for it).
   */
  async probe(): Promise<void> {
    this.store.db._getManySync([], { column: this.column });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.store.release();
  }

  counters(): EngineCounters {
    return { ...this.#counters };
  }

  /** RocksDB's own counts from `rocksdb.stats` (store-wide: every family shares the WAL), plus a few properties. */
  stats(): Record<string, number> {
    const s = parseRocksStats(this.store.db.getProperty('rocksdb.stats'));
    const out: Record<string, number> = rocksObserved(s);
    for (const p of ['rocksdb.cur-size-all-mem-tables', 'rocksdb.total-sst-files-size', 'rocksdb.num-running-compactions']) {
      const v = Number(this.store.db.getProperty(p));
      if (Number.isFinite(v)) out[p] = v;
    }
    return out;
  }

  /**
   * The effective options RocksDB wrote to its OPTIONS file for this family, the memtable ceiling and the
   * block cache capacity (as the binding reports it: the default family's).
   */
  settings(): Record<string, string | number> {
    return rocksSettings(this.dir, this.family, (name) => this.store.db.getProperty(name));
  }

  async #scanKeys(range: ScanRange): Promise<Uint8Array[]> {
    return (await this.scan(range)).map(([k]) => k);
  }
}
