import { countBatch, emptyCounters, type BatchOp, type Engine, type EngineCounters, type ScanRange, type WriteOptions } from './engine.ts';
import { compareBytes, copyBytes } from './bytes.ts';

/**
 * An in-process ordered map: the upper bound of what the harness can do with no storage cost.
 * Durability: none; `sync` only counts. Data lives as long as the object.
 */
export class MemoryEngine implements Engine {
  readonly kind = 'memory';
  readonly dir = null;
  /** Sorted by key; appends of increasing keys (the common raft pattern) stay O(1). */
  #keys: Uint8Array[] = [];
  #values: Uint8Array[] = [];
  #counters: EngineCounters = emptyCounters();
  #closed = false;

  async write(ops: readonly BatchOp[], opts: WriteOptions): Promise<void> {
    this.#check();
    // Validate the whole batch first so a bad op applies nothing (atomicity).
    for (const op of ops) validateOp(op);
    for (const op of ops) {
      if (op.type === 'put') this.#put(copyBytes(op.key), copyBytes(op.value));
      else if (op.type === 'del') this.#del(op.key);
      else this.#delRange(op.start, op.end);
    }
    countBatch(this.#counters, ops, opts.sync);
  }

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    this.#check();
    const i = this.#search(key);
    const k = this.#keys[i];
    return k && compareBytes(k, key) === 0 ? copyBytes(this.#values[i]!) : undefined;
  }

  async scan(range: ScanRange): Promise<Array<[Uint8Array, Uint8Array]>> {
    this.#check();
    const lo = range.gte ? this.#search(range.gte) : 0;
    const hi = range.lt ? this.#search(range.lt) : this.#keys.length;
    const out: Array<[Uint8Array, Uint8Array]> = [];
    const limit = range.limit ?? Infinity;
    if (range.reverse) {
      for (let i = hi - 1; i >= lo && out.length < limit; i--) out.push([copyBytes(this.#keys[i]!), copyBytes(this.#values[i]!)]);
    } else {
      for (let i = lo; i < hi && out.length < limit; i++) out.push([copyBytes(this.#keys[i]!), copyBytes(this.#values[i]!)]);
    }
    return out;
  }

  async sync(): Promise<void> {
    this.#check();
    this.#counters.syncs++;
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  counters(): EngineCounters {
    return { ...this.#counters };
  }

  /** First index whose key is >= `key`. */
  #search(key: Uint8Array): number {
    const keys = this.#keys;
    const n = keys.length;
    if (n === 0 || compareBytes(keys[n - 1]!, key) < 0) return n;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareBytes(keys[mid]!, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #put(key: Uint8Array, value: Uint8Array): void {
    const i = this.#search(key);
    const k = this.#keys[i];
    if (k && compareBytes(k, key) === 0) {
      this.#values[i] = value;
    } else if (i === this.#keys.length) {
      this.#keys.push(key);
      this.#values.push(value);
    } else {
      this.#keys.splice(i, 0, key);
      this.#values.splice(i, 0, value);
    }
  }

  #del(key: Uint8Array): void {
    const i = this.#search(key);
    const k = this.#keys[i];
    if (k && compareBytes(k, key) === 0) {
      this.#keys.splice(i, 1);
      this.#values.splice(i, 1);
    }
  }

  #delRange(start: Uint8Array, end: Uint8Array): void {
    if (compareBytes(start, end) >= 0) return;
    const lo = this.#search(start);
    const hi = this.#search(end);
    this.#keys.splice(lo, hi - lo);
    this.#values.splice(lo, hi - lo);
  }

  #check(): void {
    if (this.#closed) throw new Error('memory engine is closed');
  }
}


function validateOp(op: BatchOp): void {
  const bad = (x: unknown) => !(x instanceof Uint8Array);
  if (op.type === 'put' ? bad(op.key) || bad(op.value) : op.type === 'del' ? bad(op.key) : bad(op.start) || bad(op.end)) {
    throw new TypeError(`invalid ${String((op as { type?: unknown }).type)} op: keys and values must be Uint8Array`);
  }
}
