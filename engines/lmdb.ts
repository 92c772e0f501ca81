import { mkdir } from 'node:fs/promises';
import { countBatch, emptyCounters, type BatchOp, type Engine, type EngineCounters, type ScanRange, type WriteOptions } from './engine.ts';
import { asBuffer, compareBytes } from './bytes.ts';

/** The subset of lmdb-js's `RootDatabase` used here (binary keys and values). */
interface LmdbDb {
  transaction<T>(action: () => T): Promise<T>;
  put(key: Buffer, value: Buffer): unknown;
  remove(key: Buffer): unknown;
  get(key: Buffer): Buffer | undefined;
  getKeys(opts: object): Iterable<Buffer>;
  getRange(opts: object): Iterable<{ key: Buffer; value: Buffer }>;
  readonly flushed: PromiseLike<boolean>;
  getStats(): object;
  close(): Promise<void>;
}

/** LMDB's compiled-in limit on key size (lmdb-js), checked before a batch so a bad key applies nothing. */
export const LMDB_MAX_KEY_BYTES = 1978;

/**
 * LMDB (copy-on-write B+tree, the family of BoltDB and raft-mdb) through the `lmdb` package (lmdb-js 3),
 * one unnamed database in `dir`, keys and values as raw bytes (`keyEncoding: 'binary'`,
 * `encoding: 'binary'`; LMDB's default comparator is memcmp, the contract's order).
 *
 * Atomicity: each `write` is one lmdb-js `transaction()` (one LMDB write transaction). lmdb-js does not
 * roll back the puts of a transaction callback that throws, so every op is validated (types, LMDB's
 * key size limits) before the transaction starts.
 *
 * Durability, with lmdb-js's defaults on Linux (`overlappingSync: true`, `noSync: false`,
 * `commitDelay: 0`, `safeRestore: false`): every transaction is committed (visible, in the page cache)
 * and then flushed to disk by lmdb-js's write thread, the flush overlapping later commits.
 * - `sync: true` awaits the commit and then `db.flushed`, which resolves once every commit so far is
 *   flushed (fdatasync/msync done): the batch and all before it are durable when the promise resolves.
 * - `sync: false` awaits the commit only. The batch survives a process crash (lmdb-js reopens at the
 *   latest committed transaction while the boot id is unchanged) and is flushed moments later anyway,
 *   but a power loss before that flush reverts to the last flushed transaction (never a torn one).
 * - `sync()` awaits `db.flushed`.
 * `noSync` is deliberately not used: with MDB_NOSYNC a system crash may corrupt the database, not merely
 * lose recent transactions.
 *
 * Range deletes iterate the keys in range inside the transaction (LMDB has no range tombstone), so they
 * cost one B+tree delete per key, like the RocksDB adapters' expansion.
 *
 * Concurrency: writes may overlap; lmdb-js queues their transactions in call order (writes in one event
 * turn may share one LMDB transaction, each still atomic). Reads see every write whose promise resolved.
 */
export class LmdbEngine implements Engine {
  readonly kind = 'lmdb';
  readonly #db: LmdbDb;
  #counters: EngineCounters = emptyCounters();

  private constructor(readonly dir: string, db: LmdbDb) {
    this.#db = db;
  }

  static async open(dir: string): Promise<LmdbEngine> {
    await mkdir(dir, { recursive: true });
    const lmdb = (await import('lmdb')) as unknown as { open(opts: object): LmdbDb };
    const db = lmdb.open({
      path: dir,
      keyEncoding: 'binary',
      encoding: 'binary',
      // The defaults, spelled out because the durability rule above depends on them.
      overlappingSync: true,
      noSync: false,
      commitDelay: 0,
      safeRestore: false,
    });
    return new LmdbEngine(dir, db);
  }

  async write(ops: readonly BatchOp[], opts: WriteOptions): Promise<void> {
    for (const op of ops) validateOp(op);
    const db = this.#db;
    await db.transaction(() => {
      for (const op of ops) {
        if (op.type === 'put') db.put(asBuffer(op.key), asBuffer(op.value));
        else if (op.type === 'del') db.remove(asBuffer(op.key));
        else if (compareBytes(op.start, op.end) < 0) {
          const keys = [...db.getKeys({ ...(op.start.byteLength > 0 ? { start: asBuffer(op.start) } : {}), end: asBuffer(op.end) })];
          for (const k of keys) db.remove(k);
        }
      }
    });
    if (opts.sync) await db.flushed;
    countBatch(this.#counters, ops, opts.sync);
  }

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.#db.get(asBuffer(key));
  }

  async scan(range: ScanRange): Promise<Array<[Uint8Array, Uint8Array]>> {
    const out: Array<[Uint8Array, Uint8Array]> = [];
    const limit = range.limit ?? Infinity;
    if (limit <= 0) return out;
    if (!range.reverse) {
      const it = this.#db.getRange({
        ...(range.gte && range.gte.byteLength > 0 ? { start: asBuffer(range.gte) } : {}),
        ...(range.lt ? { end: asBuffer(range.lt) } : {}),
        ...(range.limit !== undefined ? { limit: range.limit } : {}),
      });
      for (const { key, value } of it) out.push([key, value]);
      return out;
    }
    // lmdb-js's reverse ranges take `start` as the high bound and exclude `end`; ours is [gte, lt).
    const it = this.#db.getRange({ reverse: true, ...(range.lt ? { start: asBuffer(range.lt), exclusiveStart: true } : {}) });
    for (const { key, value } of it) {
      if (range.lt && compareBytes(key, range.lt) >= 0) continue;
      if (range.gte && compareBytes(key, range.gte) < 0) break;
      out.push([key, value]);
      if (out.length >= limit) break;
    }
    return out;
  }

  async sync(): Promise<void> {
    await this.#db.flushed;
    this.#counters.syncs++;
  }

  /** An empty transaction: lmdb-js's round trip to its write thread, with nothing to commit. */
  async probe(): Promise<void> {
    await this.#db.transaction(() => undefined);
  }

  close(): Promise<void> {
    return this.#db.close();
  }

  counters(): EngineCounters {
    return { ...this.#counters };
  }

  /**
   * The settings this adapter opens LMDB with, and its memory: LMDB has no cache of its own to bound; it
   * reads and writes through a memory map, so the OS page cache holds at most the pages in use
   * (`mappedBytes` = (last page number + 1) x page size, reported here) of the `mapSize` reserved.
   */
  settings(): Record<string, string | number | boolean> {
    const s = this.#db.getStats() as { pageSize?: number; mapSize?: number; lastPageNumber?: number };
    const pageSize = s.pageSize ?? 0;
    return {
      overlappingSync: true,
      noSync: false,
      commitDelay: 0,
      pageSize,
      mapSize: s.mapSize ?? 0,
      mappedBytes: (Number(s.lastPageNumber ?? -1) + 1) * pageSize,
      memory: 'OS page cache through mmap (not bounded by the memory budget; mappedBytes reported)',
    };
  }

  /** LMDB's environment statistics (page size, tree depth, page counts, entries), numeric fields only. */
  stats(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(this.#db.getStats())) if (typeof v === 'number') out[k] = v;
    return out;
  }
}

function validateOp(op: BatchOp): void {
  const bad = (x: unknown) => !(x instanceof Uint8Array);
  const badKey = (x: unknown) => bad(x) || (x as Uint8Array).byteLength === 0 || (x as Uint8Array).byteLength > LMDB_MAX_KEY_BYTES;
  if (op === null || typeof op !== 'object') throw new TypeError('invalid op');
  if (op.type === 'put' ? badKey(op.key) || bad(op.value) : op.type === 'del' ? badKey(op.key) : op.type === 'delRange' ? bad(op.start) || bad(op.end) : true) {
    throw new TypeError(
      `invalid ${String((op as { type?: unknown }).type)} op: keys and values must be Uint8Array, keys 1..${LMDB_MAX_KEY_BYTES} bytes (LMDB)`,
    );
  }
}
