import { ErrCompacted, ErrSnapOutOfDate, ErrUnavailable, invariant } from './errors.ts';
import { EMPTY_HARD_STATE, entrySize, type Entry, type HardState, type Snapshot } from './types.ts';

/**
 * The read side of the raft log as the core sees it: what has been persisted (stable) so far.
 *
 * The core only reads; the driver writes (after persisting a Ready, it appends the Ready's entries and
 * snapshot here before calling `advance()`). Methods throw the sentinel errors of `errors.ts`; any
 * other exception is treated as fatal. Returned arrays and entries must not be mutated by either side.
 */
export interface Storage {
  /** The persisted HardState (term, vote, commit); EMPTY_HARD_STATE for a fresh node. */
  initialState(): { hardState: HardState };
  /**
   * Entries in [lo, hi), lo >= firstIndex(), hi <= lastIndex() + 1. Returns at least one entry when the
   * range is non-empty, even if it exceeds `maxBytes`; otherwise stops before `maxBytes` would be
   * exceeded. Throws ErrCompacted when lo < firstIndex(), ErrUnavailable when hi > lastIndex() + 1.
   */
  entries(lo: number, hi: number, maxBytes: number): readonly Entry[];
  /**
   * Term of entry i, for i in [firstIndex() - 1, lastIndex()] (firstIndex() - 1 is the snapshot's
   * index, whose term is kept). Throws ErrCompacted below that, ErrUnavailable above.
   */
  term(i: number): number;
  /** Index of the last entry (the snapshot index when the log is empty). */
  lastIndex(): number;
  /** Index of the first entry still available (snapshot index + 1). */
  firstIndex(): number;
  /** The most recent snapshot; may throw ErrSnapshotTemporarilyUnavailable. */
  snapshot(): Snapshot;
}

/** Keeps the first entries of `ents` whose total size stays within maxBytes (always at least one). */
export function limitSize(ents: readonly Entry[], maxBytes: number): readonly Entry[] {
  if (ents.length === 0) return ents;
  let size = entrySize(ents[0]!);
  let n = 1;
  for (; n < ents.length; n++) {
    size += entrySize(ents[n]!);
    if (size > maxBytes) break;
  }
  return n === ents.length ? ents : ents.slice(0, n);
}

/**
 * An in-memory Storage (etcd's MemoryStorage). The driver can use it as its cache of the raft log
 * while the durable copy lives in an engine: on restart, load the engine's snapshot, HardState and
 * entries into a fresh MemoryStorage, then create the RawNode over it.
 *
 * Layout: `ents[0]` is a dummy entry holding the snapshot's (index, term), so that term(snapIndex)
 * answers and the first real entry is `ents[1]`.
 */
export class MemoryStorage implements Storage {
  #hardState: HardState = EMPTY_HARD_STATE;
  #snapshot: Snapshot = { metadata: { index: 0, term: 0 }, data: new Uint8Array(0) };
  #ents: Entry[] = [{ term: 0, index: 0, type: 'noop', data: new Uint8Array(0) }];

  /**
   * Rebuilds the cache on restart from what an engine persisted: the snapshot (if any), the entries
   * after it (contiguous, starting at snapshot index + 1 or at 1), and the HardState.
   */
  static from(persisted: { snapshot?: Snapshot; entries: readonly Entry[]; hardState: HardState }): MemoryStorage {
    const s = new MemoryStorage();
    if (persisted.snapshot && persisted.snapshot.metadata.index > 0) s.applySnapshot(persisted.snapshot);
    const first = persisted.entries[0];
    invariant(!first || first.index <= s.lastIndex() + 1, () => `entries start at ${first!.index}, after a gap from ${s.lastIndex()}`);
    s.append(persisted.entries);
    s.setHardState(persisted.hardState);
    return s;
  }

  initialState(): { hardState: HardState } {
    return { hardState: this.#hardState };
  }

  setHardState(hs: HardState): void {
    this.#hardState = hs;
  }

  #offset(): number {
    return this.#ents[0]!.index;
  }

  entries(lo: number, hi: number, maxBytes: number): readonly Entry[] {
    const offset = this.#offset();
    if (lo <= offset) throw ErrCompacted;
    if (hi > this.lastIndex() + 1) throw ErrUnavailable;
    if (hi <= lo) return [];
    return limitSize(this.#ents.slice(lo - offset, hi - offset), maxBytes);
  }

  term(i: number): number {
    const offset = this.#offset();
    if (i < offset) throw ErrCompacted;
    if (i - offset >= this.#ents.length) throw ErrUnavailable;
    return this.#ents[i - offset]!.term;
  }

  lastIndex(): number {
    return this.#offset() + this.#ents.length - 1;
  }

  firstIndex(): number {
    return this.#offset() + 1;
  }

  snapshot(): Snapshot {
    return this.#snapshot;
  }

  /** Number of entries held (excluding the dummy). */
  get length(): number {
    return this.#ents.length - 1;
  }

  /**
   * Replaces the whole log with `snap` (a follower installing a leader's snapshot, or a restart).
   * Throws ErrSnapOutOfDate if `snap` is older than the snapshot held.
   */
  applySnapshot(snap: Snapshot): void {
    if (this.#snapshot.metadata.index >= snap.metadata.index) throw ErrSnapOutOfDate;
    this.#snapshot = snap;
    this.#ents = [{ term: snap.metadata.term, index: snap.metadata.index, type: 'noop', data: new Uint8Array(0) }];
  }

  /**
   * Records a snapshot of the state machine at index i (i <= last applied index, i <= lastIndex()),
   * which the leader can send to followers that fell behind. Does not compact; call `compact` too.
   */
  createSnapshot(i: number, data: Uint8Array): Snapshot {
    if (i <= this.#snapshot.metadata.index) throw ErrSnapOutOfDate;
    invariant(i <= this.lastIndex(), () => `snapshot ${i} is out of bound lastindex(${this.lastIndex()})`);
    const offset = this.#offset();
    invariant(i >= offset, () => `snapshot ${i} below compacted index ${offset}`);
    this.#snapshot = { metadata: { index: i, term: this.#ents[i - offset]!.term }, data };
    return this.#snapshot;
  }

  /**
   * Discards entries up to and including `compactIndex` (keeping its term as the new dummy).
   * The caller must make sure the state machine durably holds everything up to compactIndex, and that
   * a snapshot at or above compactIndex exists for followers that still need those entries.
   */
  compact(compactIndex: number): void {
    const offset = this.#offset();
    if (compactIndex <= offset) throw ErrCompacted;
    invariant(compactIndex <= this.lastIndex(), () => `compact ${compactIndex} is out of bound lastindex(${this.lastIndex()})`);
    const i = compactIndex - offset;
    const dummy = this.#ents[i]!;
    this.#ents = [{ term: dummy.term, index: dummy.index, type: 'noop', data: new Uint8Array(0) }, ...this.#ents.slice(i + 1)];
  }

  /**
   * Appends entries, replacing any existing suffix from entries[0].index on (a follower's log being
   * overwritten by a new leader). entries must be contiguous; entries[0].index <= lastIndex() + 1.
   * Entries already compacted away are ignored.
   */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = entries[0]!.index + entries.length - 1;
    if (last < first) return;
    let ents = entries;
    if (first > ents[0]!.index) ents = ents.slice(first - ents[0]!.index);
    const offset = ents[0]!.index - this.#offset();
    invariant(offset <= this.#ents.length, () => `missing log entry [last: ${this.lastIndex()}, append at: ${ents[0]!.index}]`);
    if (offset < this.#ents.length) this.#ents.length = offset;
    for (const e of ents) this.#ents.push(e);
  }
}
