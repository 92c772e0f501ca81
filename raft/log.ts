import { ErrCompacted, ErrUnavailable, invariant } from './errors.ts';
import { Unstable } from './log-unstable.ts';
import { limitSize, type Storage } from './storage.ts';
import type { Entry, Snapshot } from './types.ts';

/**
 * The raft log as one sequence: the stable part in Storage, the unstable tail in memory.
 *
 * Invariant: applied <= committed <= lastIndex(), and firstIndex() - 1 <= applied
 * (or the unstable snapshot is pending, in which case applied catches up at advance()).
 */
export class RaftLog {
  readonly storage: Storage;
  readonly unstable: Unstable;
  /** Highest index known to be stored on a quorum. */
  committed: number;
  /** Highest index handed to the driver for applying (etcd's `applied`, advanced at advance()). */
  applied: number;
  readonly maxNextEntsSize: number;

  constructor(storage: Storage, maxNextEntsSize: number) {
    this.storage = storage;
    this.maxNextEntsSize = maxNextEntsSize;
    const first = storage.firstIndex();
    const last = storage.lastIndex();
    this.unstable = new Unstable(last + 1);
    // Start at the snapshot: everything below firstIndex is applied by definition.
    this.committed = first - 1;
    this.applied = first - 1;
  }

  toString(): string {
    return `committed=${this.committed}, applied=${this.applied}, unstable.offset=${this.unstable.offset}, unstable.len=${this.unstable.entries.length}`;
  }

  /**
   * Follower path of MsgApp: if the entry at `index` has `logTerm`, appends `ents` after it (truncating a
   * conflicting suffix) and advances commit to min(committed, last new index). Returns the last new
   * index, or undefined when the log does not match (the caller rejects).
   */
  maybeAppend(index: number, logTerm: number, committed: number, ents: readonly Entry[]): number | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined;
    const lastNew = index + ents.length;
    const ci = this.findConflict(ents);
    if (ci !== 0) {
      invariant(ci > this.committed, () => `entry ${ci} conflict with committed entry [committed(${this.committed})]`);
      const offset = index + 1;
      this.append(ents.slice(ci - offset));
    }
    this.commitTo(Math.min(committed, lastNew));
    return lastNew;
  }

  append(ents: readonly Entry[]): number {
    if (ents.length === 0) return this.lastIndex();
    const after = ents[0]!.index - 1;
    invariant(after >= this.committed, () => `after(${after}) is out of range [committed(${this.committed})]`);
    this.unstable.truncateAndAppend(ents);
    return this.lastIndex();
  }

  /**
   * Index of the first entry in `ents` that is absent from the log or has a different term (0 if all
   * are present with matching terms). Entries at one index with the same term are identical (log matching).
   */
  findConflict(ents: readonly Entry[]): number {
    for (const e of ents) {
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * The largest index <= `index` whose term is <= `term` (used to skip a whole term of conflicting
   * entries after a rejection, etcd's fast log backtracking). Returns [index, termAtIndex].
   */
  findConflictByTerm(index: number, term: number): [number, number] {
    for (; index > 0; index--) {
      const t = this.termOrUndefined(index);
      if (t === undefined) return [index, 0];
      if (t <= term) return [index, t];
    }
    return [0, 0];
  }

  unstableEntries(): readonly Entry[] {
    return this.unstable.entries;
  }

  /**
   * Committed entries not yet handed out for applying, up to maxNextEntsSize bytes. These may include
   * entries still unstable in this same Ready: the driver persists before it applies.
   */
  nextEnts(): readonly Entry[] {
    const off = Math.max(this.applied + 1, this.firstIndex());
    if (this.committed + 1 > off) {
      return this.slice(off, this.committed + 1, this.maxNextEntsSize);
    }
    return [];
  }

  hasNextEnts(): boolean {
    const off = Math.max(this.applied + 1, this.firstIndex());
    return this.committed + 1 > off;
  }

  hasPendingSnapshot(): boolean {
    return this.unstable.snapshot !== undefined && this.unstable.snapshot.metadata.index !== 0;
  }

  snapshot(): Snapshot {
    if (this.unstable.snapshot) return this.unstable.snapshot;
    return this.storage.snapshot();
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  commitTo(tocommit: number): void {
    // Never decrease commit.
    if (this.committed < tocommit) {
      invariant(this.lastIndex() >= tocommit, () => `tocommit(${tocommit}) is out of range [lastIndex(${this.lastIndex()})]`);
      this.committed = tocommit;
    }
  }

  appliedTo(i: number): void {
    if (i === 0) return;
    invariant(this.committed >= i && i >= this.applied, () => `applied(${i}) is out of range [prevApplied(${this.applied}), committed(${this.committed})]`);
    this.applied = i;
  }

  stableTo(i: number, t: number): void {
    this.unstable.stableTo(i, t);
  }

  stableSnapTo(i: number): void {
    this.unstable.stableSnapTo(i);
  }

  lastTerm(): number {
    const t = this.termOrUndefined(this.lastIndex());
    invariant(t !== undefined, 'unexpected error when getting the last term');
    return t;
  }

  /** Term of entry i; 0 if compacted or beyond the log (like etcd's zeroTermOnErrCompacted). */
  termOrZero(i: number): number {
    return this.termOrUndefined(i) ?? 0;
  }

  /** Term of entry i, or undefined if it is compacted away or does not exist. */
  termOrUndefined(i: number): number | undefined {
    // The valid term range is [firstIndex-1, lastIndex]; firstIndex-1 is the snapshot's index.
    const dummy = this.firstIndex() - 1;
    if (i < dummy || i > this.lastIndex()) return undefined;
    const u = this.unstable.maybeTerm(i);
    if (u !== undefined) return u;
    try {
      return this.storage.term(i);
    } catch (e) {
      if (e === ErrCompacted || e === ErrUnavailable) return undefined;
      throw e;
    }
  }

  /** Entries from i on, at most maxBytes (at least one). Throws ErrCompacted if i was compacted. */
  entries(i: number, maxBytes: number): readonly Entry[] {
    if (i > this.lastIndex()) return [];
    return this.slice(i, this.lastIndex() + 1, maxBytes);
  }

  allEntries(): readonly Entry[] {
    try {
      return this.entries(this.firstIndex(), Infinity);
    } catch (e) {
      if (e === ErrCompacted) return this.allEntries(); // racing compaction; retry
      throw e;
    }
  }

  /** Raft §5.4.1: is a log ending at (lasti, term) at least as up-to-date as ours? */
  isUpToDate(lasti: number, term: number): boolean {
    const lt = this.lastTerm();
    return term > lt || (term === lt && lasti >= this.lastIndex());
  }

  matchTerm(i: number, term: number): boolean {
    const t = this.termOrUndefined(i);
    return t !== undefined && t === term;
  }

  /**
   * Leader's commit rule: advance commit to maxIndex only if the entry there has the current term
   * (Raft §5.4.2, the Figure 8 case: an older-term entry is never committed by counting replicas).
   */
  maybeCommit(maxIndex: number, term: number): boolean {
    if (maxIndex > this.committed && this.termOrZero(maxIndex) === term) {
      this.commitTo(maxIndex);
      return true;
    }
    return false;
  }

  restore(s: Snapshot): void {
    this.committed = s.metadata.index;
    this.unstable.restore(s);
  }

  /** Entries in [lo, hi), at most maxBytes (at least one). Throws ErrCompacted if lo < firstIndex. */
  slice(lo: number, hi: number, maxBytes: number): readonly Entry[] {
    this.#checkOutOfBounds(lo, hi);
    if (lo === hi) return [];
    let ents: readonly Entry[] = [];
    if (lo < this.unstable.offset) {
      const stored = this.storage.entries(lo, Math.min(hi, this.unstable.offset), maxBytes);
      // Storage returned fewer than asked (size limit): stop there.
      if (stored.length < Math.min(hi, this.unstable.offset) - lo) return stored;
      ents = stored;
    }
    if (hi > this.unstable.offset) {
      const u = this.unstable.slice(Math.max(lo, this.unstable.offset), hi);
      ents = ents.length > 0 ? [...ents, ...u] : u;
    }
    return limitSize(ents, maxBytes);
  }

  #checkOutOfBounds(lo: number, hi: number): void {
    invariant(lo <= hi, () => `invalid slice ${lo} > ${hi}`);
    const fi = this.firstIndex();
    if (lo < fi) throw ErrCompacted;
    const length = this.lastIndex() + 1 - fi;
    invariant(hi <= fi + length, () => `slice[${lo},${hi}) out of bound [${fi},${this.lastIndex()}]`);
  }
}
