import { compareBytes } from './bytes.ts';

/**
 * An in-memory ordered map from byte keys (memcmp order) to `T`, on two parallel sorted arrays. Appending
 * keys in increasing order (raft log entries) is O(1); inserting in the middle and range deletes are
 * O(n) splices, cheap at the sizes of a raft log between truncations.
 */
export class SortedIndex<T> {
  #keys: Uint8Array[] = [];
  #vals: T[] = [];

  get size(): number {
    return this.#keys.length;
  }

  /** First position whose key is >= `key`. */
  lowerBound(key: Uint8Array): number {
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

  get(key: Uint8Array): T | undefined {
    const i = this.lowerBound(key);
    const k = this.#keys[i];
    return k && compareBytes(k, key) === 0 ? this.#vals[i] : undefined;
  }

  /** Stores `val` under `key` (which the index keeps: pass a copy); returns the value replaced. */
  set(key: Uint8Array, val: T): T | undefined {
    const i = this.lowerBound(key);
    const k = this.#keys[i];
    if (k && compareBytes(k, key) === 0) {
      const old = this.#vals[i];
      this.#vals[i] = val;
      return old;
    }
    if (i === this.#keys.length) {
      this.#keys.push(key);
      this.#vals.push(val);
    } else {
      this.#keys.splice(i, 0, key);
      this.#vals.splice(i, 0, val);
    }
    return undefined;
  }

  /** Removes `key`; returns its value. */
  delete(key: Uint8Array): T | undefined {
    const i = this.lowerBound(key);
    const k = this.#keys[i];
    if (!k || compareBytes(k, key) !== 0) return undefined;
    const old = this.#vals[i];
    this.#keys.splice(i, 1);
    this.#vals.splice(i, 1);
    return old;
  }

  /** Removes every key in [start, end); returns the removed values. */
  deleteRange(start: Uint8Array, end: Uint8Array): T[] {
    if (compareBytes(start, end) >= 0) return [];
    const lo = this.lowerBound(start);
    const hi = this.lowerBound(end);
    this.#keys.splice(lo, hi - lo);
    return this.#vals.splice(lo, hi - lo);
  }

  keyAt(i: number): Uint8Array {
    return this.#keys[i]!;
  }

  valAt(i: number): T {
    return this.#vals[i]!;
  }

  setValAt(i: number, val: T): void {
    this.#vals[i] = val;
  }
}
