/**
 * Sentinel errors, compared by identity (`e === ErrCompacted`) as in etcd-raft.
 * Storage implementations throw exactly these objects so the core can tell "gone" from "broken".
 */
export class RaftError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'RaftError';
  }
}

/** The requested index is at or below the storage's compaction point (use the snapshot instead). */
export const ErrCompacted = new RaftError('compacted', 'requested index is unavailable due to compaction');
/** The requested index is beyond the storage's last index. */
export const ErrUnavailable = new RaftError('unavailable', 'requested entry at index is unavailable');
/** `applySnapshot`/`createSnapshot` was given a snapshot older than the one held. */
export const ErrSnapOutOfDate = new RaftError('snap-out-of-date', 'requested index is older than the existing snapshot');
/** The storage cannot produce a snapshot right now; raft retries later. */
export const ErrSnapshotTemporarilyUnavailable = new RaftError(
  'snapshot-temporarily-unavailable',
  'snapshot is temporarily unavailable',
);

/** A programming error: the caller broke an invariant of the API (e.g. `ready()` twice without `advance()`). */
export class RaftInvariantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RaftInvariantError';
  }
}

export function invariant(cond: unknown, msg: string | (() => string)): asserts cond {
  if (!cond) throw new RaftInvariantError(typeof msg === 'string' ? msg : msg());
}
