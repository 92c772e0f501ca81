import { invariant } from './errors.ts';

/**
 * A sliding window of in-flight MsgApp messages to one follower (flow control), identified by the
 * last index each carried. Full means the leader stops sending until acknowledgements free slots.
 */
export class Inflights {
  readonly size: number;
  #buf: number[] = [];

  constructor(size: number) {
    invariant(size > 0, 'max inflight messages must be > 0');
    this.size = size;
  }

  add(lastIndex: number): void {
    invariant(!this.full(), 'cannot add into a full inflights');
    this.#buf.push(lastIndex);
  }

  /** Frees every in-flight message whose last index is <= to. */
  freeLE(to: number): void {
    let i = 0;
    while (i < this.#buf.length && this.#buf[i]! <= to) i++;
    if (i > 0) this.#buf.splice(0, i);
  }

  freeFirstOne(): void {
    this.#buf.shift();
  }

  full(): boolean {
    return this.#buf.length >= this.size;
  }

  count(): number {
    return this.#buf.length;
  }

  reset(): void {
    this.#buf = [];
  }
}

/**
 * probe: the leader does not know where the follower's log matches; it sends one MsgApp per heartbeat
 * interval and waits for the answer.
 * replicate: the follower is in sync; the leader streams entries optimistically up to the inflight limit.
 * snapshot: the follower needs a snapshot; nothing else is sent until reportSnapshot or an ack.
 */
export type ProgressState = 'probe' | 'replicate' | 'snapshot';

/** The leader's view of one follower (etcd's tracker.Progress). */
export class Progress {
  /** Highest index known to be replicated on the follower. */
  match = 0;
  /** Next index to send. Invariant: match < next. */
  next: number;
  state: ProgressState = 'probe';
  /** In probe state: a MsgApp was sent this heartbeat interval; wait for a reply or the next heartbeat. */
  probeSent = false;
  /** In snapshot state: the index of the snapshot being sent. */
  pendingSnapshot = 0;
  /** Heard from since the last check-quorum round. */
  recentActive = false;
  readonly inflights: Inflights;

  constructor(next: number, maxInflight: number) {
    this.next = next;
    this.inflights = new Inflights(maxInflight);
  }

  #reset(state: ProgressState): void {
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.state = state;
    this.inflights.reset();
  }

  becomeProbe(): void {
    // After a snapshot, resume right after it: the follower has at least that much once it applied it.
    if (this.state === 'snapshot') {
      const pending = this.pendingSnapshot;
      this.#reset('probe');
      this.next = Math.max(this.match + 1, pending + 1);
    } else {
      this.#reset('probe');
      this.next = this.match + 1;
    }
  }

  becomeReplicate(): void {
    this.#reset('replicate');
    this.next = this.match + 1;
  }

  becomeSnapshot(snapshotIndex: number): void {
    this.#reset('snapshot');
    this.pendingSnapshot = snapshotIndex;
  }

  /** An ack up to n: returns false if it is stale (n <= match). */
  maybeUpdate(n: number): boolean {
    let updated = false;
    if (this.match < n) {
      this.match = n;
      updated = true;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, n + 1);
    return updated;
  }

  /** Optimistically marks entries up to n as sent (replicate state). */
  optimisticUpdate(n: number): void {
    this.next = n + 1;
  }

  /**
   * A rejection of the MsgApp with prev index `rejected`; `matchHint` is the index the follower suggests
   * (its last index or, with fast backtracking, the last index of a matching term). Returns false for
   * stale rejections (already past them).
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === 'replicate') {
      // A stale rejection: we already know the follower matched beyond it.
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    // In probe state only the rejection of the message at next-1 counts.
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), 1);
    this.probeSent = false;
    return true;
  }

  /** Whether sending MsgApp to this follower is paused (flow control). */
  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return this.inflights.full();
      case 'snapshot':
        return true;
    }
  }

  toString(): string {
    return `${this.state} match=${this.match} next=${this.next}${this.pendingSnapshot ? ` pendingSnap=${this.pendingSnapshot}` : ''} inflight=${this.inflights.count()}`;
  }
}
