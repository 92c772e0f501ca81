import { createRequire } from 'node:module';
import { mkdir } from 'node:fs/promises';
import { countBatch, emptyCounters, type BatchOp, type Engine, type EngineCounters, type ScanRange, type WriteOptions } from './engine.ts';
import { asBuffer } from './bytes.ts';
import { expandRangeDeletes } from './expand-range-deletes.ts';
import { rocks6WriteBuffer, type MemoryBudget } from './memory-budget.ts';
import { rocksSettings } from './rocksdb-options.ts';
import { parseRocksStats, rocksObserved } from './rocksdb-stats.ts';

const require = createRequire(import.meta.url);

/** The leveldown-style handle the `rocksdb` package exports (callback API). */
interface LevelDown {
  open(opts: object, cb: (err?: Error) => void): void;
  close(cb: (err?: Error) => void): void;
  batch(ops: object[], opts: object, cb: (err?: Error) => void): void;
  /** The binding's batch, below abstract-leveldown (which answers an empty batch itself, on a tick). */
  _batch(ops: object[], opts: object, cb: (err?: Error) => void): void;
  get(key: Buffer, opts: object, cb: (err: (Error & { notFound?: boolean }) | null, v?: Buffer) => void): void;
  iterator(opts: object): {
    next(cb: (err: Error | null, key?: Buffer, value?: Buffer) => void): void;
    end(cb: (err?: Error) => void): void;
  };
  getProperty?(name: string): string;
}

const SYNC_KEY = Buffer.from('\xff\xffraftbench-sync', 'latin1');

/**
 * RocksDB 6.17 through the `rocksdb` package (the binding `level-rocksdb` wraps). Writes run on libuv's
 * thread pool, so a synced write does not block the event loop.
 *
 * Durability: `sync: true` sets WriteOptions.sync, which fsyncs the WAL and with it every earlier
 * unsynced write (the RFC's point). `sync()` writes one small synced record for the same effect.
 */
export class RocksDB6Engine implements Engine {
  readonly kind = 'rocksdb';
  readonly #db: LevelDown;
  #counters: EngineCounters = emptyCounters();
  /** The binding does not check: a call on a closed handle crashes the process (SIGSEGV). */
  #closed = false;

  private constructor(readonly dir: string, db: LevelDown) {
    this.#db = db;
  }

  static async open(dir: string, budget: MemoryBudget): Promise<RocksDB6Engine> {
    await mkdir(dir, { recursive: true });
    const factory = require('rocksdb') as (location: string) => LevelDown;
    const db = factory(dir);
    await new Promise<void>((resolve, reject) =>
      db.open(
        // Equal terms with RocksDB 9 (memory-budget.ts): the same memtable ceiling and cache; no compression.
        { createIfMissing: true, writeBufferSize: rocks6WriteBuffer(budget), cacheSize: budget.cacheBytes, compression: false },
        (err) => (err ? reject(err) : resolve()),
      ),
    );
    return new RocksDB6Engine(dir, db);
  }

  #open(): LevelDown {
    if (this.#closed) throw new Error(`RocksDB 6 at ${this.dir} is closed`);
    return this.#db;
  }

  async write(ops: readonly BatchOp[], opts: WriteOptions): Promise<void> {
    this.#open();
    const points = await expandRangeDeletes(ops, (r) => this.#scanKeys(r));
    const raw = points.map((op) =>
      op.type === 'put' ? { type: 'put', key: asBuffer(op.key), value: asBuffer(op.value) } : { type: 'del', key: asBuffer(op.key) },
    );
    await new Promise<void>((resolve, reject) => this.#open().batch(raw, { sync: opts.sync }, (err) => (err ? reject(err) : resolve())));
    countBatch(this.#counters, ops, opts.sync);
  }

  get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return new Promise((resolve, reject) =>
      this.#open().get(asBuffer(key), { asBuffer: true }, (err, v) => {
        if (err) {
          if (err.notFound || /NotFound/i.test(err.message)) resolve(undefined);
          else reject(err);
        } else resolve(v);
      }),
    );
  }

  async scan(range: ScanRange): Promise<Array<[Uint8Array, Uint8Array]>> {
    const it = this.#open().iterator({
      ...(range.gte ? { gte: asBuffer(range.gte) } : {}),
      ...(range.lt ? { lt: asBuffer(range.lt) } : {}),
      limit: range.limit ?? -1,
      reverse: range.reverse ?? false,
      keyAsBuffer: true,
      valueAsBuffer: true,
    });
    const out: Array<[Uint8Array, Uint8Array]> = [];
    try {
      for (;;) {
        const row = await new Promise<[Buffer, Buffer] | null>((resolve, reject) =>
          it.next((err, k, v) => (err ? reject(err) : resolve(k === undefined ? null : [k, v!]))),
        );
        if (!row) break;
        if (row[0].equals(SYNC_KEY)) continue;
        out.push(row);
      }
    } finally {
      await new Promise<void>((resolve) => it.end(() => resolve()));
    }
    return out;
  }

  async sync(): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      this.#open().batch([{ type: 'put', key: SYNC_KEY, value: Buffer.alloc(0) }], { sync: true }, (err) => (err ? reject(err) : resolve())),
    );
    this.#counters.syncs++;
  }

  /** An empty batch through the binding: the libuv pool round trip every write pays, with no data. */
  probe(): Promise<void> {
    return new Promise<void>((resolve, reject) => this.#open()._batch([], { sync: false }, (err) => (err ? reject(err) : resolve())));
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return new Promise((resolve, reject) => this.#db.close((err) => (err ? reject(err) : resolve())));
  }

  counters(): EngineCounters {
    return { ...this.#counters };
  }

  /** RocksDB's own counts from `rocksdb.stats` (WAL syncs and bytes, flushes, compaction, stalls). */
  stats(): Record<string, number> {
    const text = this.#closed ? undefined : this.#db.getProperty?.('rocksdb.stats');
    if (typeof text !== 'string') return {};
    const s = parseRocksStats(text);
    return rocksObserved(s);
  }

  /** The effective options RocksDB wrote to its OPTIONS file, the memtable ceiling and the block cache. */
  settings(): Record<string, string | number> {
    return rocksSettings(this.dir, 'default', (name) => (this.#closed ? undefined : this.#db.getProperty?.(name)));
  }

  async #scanKeys(range: ScanRange): Promise<Uint8Array[]> {
    return (await this.scan(range)).map(([k]) => k);
  }
}
