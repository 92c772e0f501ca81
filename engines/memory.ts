import { countBatch, emptyCounters, type BatchOp, type Engine, type EngineCounters, type ScanRange, type WriteOptions } from './engine.ts';
import { copyBytes } from './bytes.ts';
import { SortedIndex } from './sorted-index.ts';
import { validateOp } from './validate-op.ts';

export interface MemoryEngineOptions {
  /**
   * Keep at most this many key + value bytes: beyond it the least recently written keys are dropped, as
   * if truncated (default: keep everything).
   */
  readonly retainBytes?: number;
}

/**
 * An in-process ordered map: the upper bound of what the harness can do with no storage cost.
 * Durability: none; `sync` only counts. Data lives as long as the object.
 *
 * Retention: with `retainBytes`, the engine keeps only the most recently written keys that fit, like a
 * replica that truncates its log behind the writer; a read of a dropped key finds nothing. The memory
 * layout uses it so that a long run (BatchCommit writes a new key every op and never deletes one) stays
 * bounded instead of holding every value ever written.
 */
export class MemoryEngine implements Engine {
  readonly kind = 'memory';
  readonly dir = null;
  readonly #index = new SortedIndex<Uint8Array>();
  #counters: EngineCounters = emptyCounters();
  #closed = false;
  readonly #retain: number;
  /** Keys (latin1) in order of their last write, with their bytes; only kept when retention is bounded. */
  readonly #order = new Map<string, number>();
  #bytes = 0;
  #dropped = 0;

  constructor(opts: MemoryEngineOptions = {}) {
    this.#retain = opts.retainBytes ?? Infinity;
  }

  async write(ops: readonly BatchOp[], opts: WriteOptions): Promise<void> {
    this.#check();
    // Validate the whole batch first so a bad op applies nothing (atomicity).
    for (const op of ops) validateOp(op);
    for (const op of ops) {
      if (op.type === 'put') {
        this.#index.set(copyBytes(op.key), copyBytes(op.value));
        this.#track(op.key, op.key.byteLength + op.value.byteLength);
      } else if (op.type === 'del') {
        this.#index.delete(op.key);
        this.#track(op.key, 0);
      } else {
        if (this.#retain !== Infinity) {
          const lo = this.#index.lowerBound(op.start);
          const hi = this.#index.lowerBound(op.end);
          for (let i = lo; i < hi; i++) this.#track(this.#index.keyAt(i), 0);
        }
        this.#index.deleteRange(op.start, op.end);
      }
    }
    this.#evict();
    countBatch(this.#counters, ops, opts.sync);
  }

  /** What the engine holds: key + value bytes (when retention is bounded), and keys dropped so far. */
  settings(): Record<string, string | number | boolean> {
    return this.#retain === Infinity ? { retainBytes: 'unbounded' } : { retainBytes: this.#retain, heldBytes: this.#bytes, droppedKeys: this.#dropped };
  }

  /** Records `key`'s new size (0: deleted) as its most recent write. */
  #track(key: Uint8Array, bytes: number): void {
    if (this.#retain === Infinity) return;
    const k = Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
    const old = this.#order.get(k);
    if (old !== undefined) {
      this.#bytes -= old;
      this.#order.delete(k);
    }
    if (bytes > 0) {
      this.#order.set(k, bytes);
      this.#bytes += bytes;
    }
  }

  /** Drops least recently written keys until the rest fit in `retainBytes`. */
  #evict(): void {
    while (this.#bytes > this.#retain) {
      const oldest = this.#order.entries().next();
      if (oldest.done) break;
      const [k, bytes] = oldest.value;
      this.#order.delete(k);
      this.#bytes -= bytes;
      this.#index.delete(Buffer.from(k, 'latin1'));
      this.#dropped++;
    }
  }

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    this.#check();
    const v = this.#index.get(key);
    return v === undefined ? undefined : copyBytes(v);
  }

  async scan(range: ScanRange): Promise<Array<[Uint8Array, Uint8Array]>> {
    this.#check();
    const idx = this.#index;
    const lo = range.gte ? idx.lowerBound(range.gte) : 0;
    const hi = range.lt ? idx.lowerBound(range.lt) : idx.size;
    const out: Array<[Uint8Array, Uint8Array]> = [];
    const limit = range.limit ?? Infinity;
    const row = (i: number): [Uint8Array, Uint8Array] => [copyBytes(idx.keyAt(i)), copyBytes(idx.valAt(i))];
    if (range.reverse) for (let i = hi - 1; i >= lo && out.length < limit; i--) out.push(row(i));
    else for (let i = lo; i < hi && out.length < limit; i++) out.push(row(i));
    return out;
  }

  async sync(): Promise<void> {
    this.#check();
    this.#counters.syncs++;
  }

  /** An awaited call and nothing else: the path every memory op takes. */
  async probe(): Promise<void> {
    this.#check();
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  counters(): EngineCounters {
    return { ...this.#counters };
  }

  #check(): void {
    if (this.#closed) throw new Error('memory engine is closed');
  }
}
