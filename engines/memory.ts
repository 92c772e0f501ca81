import { countBatch, emptyCounters, type BatchOp, type Engine, type EngineCounters, type ScanRange, type WriteOptions } from './engine.ts';
import { copyBytes } from './bytes.ts';
import { SortedIndex } from './sorted-index.ts';
import { validateOp } from './validate-op.ts';

/**
 * An in-process ordered map: the upper bound of what the harness can do with no storage cost.
 * Durability: none; `sync` only counts. Data lives as long as the object.
 */
export class MemoryEngine implements Engine {
  readonly kind = 'memory';
  readonly dir = null;
  readonly #index = new SortedIndex<Uint8Array>();
  #counters: EngineCounters = emptyCounters();
  #closed = false;

  async write(ops: readonly BatchOp[], opts: WriteOptions): Promise<void> {
    this.#check();
    // Validate the whole batch first so a bad op applies nothing (atomicity).
    for (const op of ops) validateOp(op);
    for (const op of ops) {
      if (op.type === 'put') this.#index.set(copyBytes(op.key), copyBytes(op.value));
      else if (op.type === 'del') this.#index.delete(op.key);
      else this.#index.deleteRange(op.start, op.end);
    }
    countBatch(this.#counters, ops, opts.sync);
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
