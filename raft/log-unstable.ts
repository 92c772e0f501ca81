import { invariant } from './errors.ts';
import type { Entry, Snapshot } from './types.ts';

/**
 * Entries and a snapshot that the core accepted but the driver has not yet persisted.
 * `entries[i]` has log index `offset + i`. The snapshot, if any, precedes all entries.
 * Owned by RaftLog.
 */
export class Unstable {
  snapshot: Snapshot | undefined;
  entries: Entry[] = [];
  offset: number;

  constructor(offset: number) {
    this.offset = offset;
  }

  /** First index if only a snapshot is unstable (the log starts after it). */
  maybeFirstIndex(): number | undefined {
    return this.snapshot ? this.snapshot.metadata.index + 1 : undefined;
  }

  maybeLastIndex(): number | undefined {
    if (this.entries.length > 0) return this.offset + this.entries.length - 1;
    if (this.snapshot) return this.snapshot.metadata.index;
    return undefined;
  }

  maybeTerm(i: number): number | undefined {
    if (i < this.offset) {
      if (this.snapshot && this.snapshot.metadata.index === i) return this.snapshot.metadata.term;
      return undefined;
    }
    const last = this.maybeLastIndex();
    if (last === undefined || i > last) return undefined;
    return this.entries[i - this.offset]?.term;
  }

  /** The driver persisted entries up to (i, t): drop them unless they were replaced meanwhile. */
  stableTo(i: number, t: number): void {
    const gt = this.maybeTerm(i);
    if (gt === undefined) return;
    // Only drop if the entry at i is still the one persisted (same term) and is unstable.
    if (gt === t && i >= this.offset) {
      this.entries = this.entries.slice(i + 1 - this.offset);
      this.offset = i + 1;
    }
  }

  stableSnapTo(i: number): void {
    if (this.snapshot && this.snapshot.metadata.index === i) this.snapshot = undefined;
  }

  restore(s: Snapshot): void {
    this.offset = s.metadata.index + 1;
    this.entries = [];
    this.snapshot = s;
  }

  truncateAndAppend(ents: readonly Entry[]): void {
    const after = ents[0]!.index;
    if (after === this.offset + this.entries.length) {
      // Directly after the unstable tail.
      this.entries.push(...ents);
    } else if (after <= this.offset) {
      // Replaces everything unstable; the stable log is truncated by the driver when it persists.
      this.offset = after;
      this.entries = [...ents];
    } else {
      // Keep [offset, after), then append.
      this.entries = [...this.slice(this.offset, after), ...ents];
    }
  }

  slice(lo: number, hi: number): Entry[] {
    const upper = this.offset + this.entries.length;
    invariant(lo <= hi && this.offset <= lo && hi <= upper, () => `unstable.slice[${lo},${hi}) out of bound [${this.offset},${upper}]`);
    return this.entries.slice(lo - this.offset, hi - this.offset);
  }
}
