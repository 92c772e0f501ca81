import type { GroupId, NodeId } from '../raft/index.ts';

/**
 * What a client can know about a write that did not return "committed":
 * - `failed`: certainly not applied, and never will be (it was never proposed, or the log slot it was
 *   proposed at committed with another entry);
 * - `unknown`: it may have been applied, or may still be (it reached a log that may commit it).
 * A client may retry either one, but only with the same session (client id and sequence number), so
 * that the state machine applies the write at most once.
 */
export type Fate = 'failed' | 'unknown';

/** The outcome of a client write, as a value. */
export type PutOutcome =
  | { readonly status: 'committed' }
  | { readonly status: 'failed'; readonly error: Error }
  | { readonly status: 'unknown'; readonly error: Error };

/** A write or read was sent to a replica that is not the group's leader. Nothing was proposed. */
export class NotLeaderError extends Error {
  override readonly name = 'NotLeaderError';
  readonly fate: Fate = 'failed';
  constructor(readonly group: GroupId, readonly leader: NodeId) {
    super(`group ${group}: not the leader (leader: ${leader || 'unknown'})`);
  }
}

/**
 * Why a proposal (or a read) ended without an answer:
 * - `leadership-lost`: the proposing leader stepped down with the entry in its log (unknown);
 * - `replaced`: the entry's slot committed with another term's entry (failed);
 * - `superseded`: the client's session already applied a later sequence number, so this one is
 *   skipped; an earlier attempt of it may have been applied (unknown);
 * - `closed`: the store closed or halted (failed if still queued, unknown once proposed);
 * - `timeout`, `aborted`: the caller's deadline or AbortSignal (failed if still queued, unknown once proposed);
 * - `read-timeout`: a ReadIndex round got no answer (reads change nothing: failed).
 */
export type DropCode = 'leadership-lost' | 'replaced' | 'superseded' | 'closed' | 'timeout' | 'aborted' | 'read-timeout';

/** A proposal or read ended without being committed here; `fate` says whether the write may still apply. */
export class ProposalDroppedError extends Error {
  override readonly name = 'ProposalDroppedError';
  constructor(readonly code: DropCode, readonly fate: Fate, message: string) {
    super(message);
  }
}

/** A client gave up on a write some attempt of which may still apply. `cause` is that attempt's error. */
export class OutcomeUnknownError extends Error {
  override readonly name = 'OutcomeUnknownError';
  readonly fate: Fate = 'unknown';
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
  }
}

/**
 * The fate of a write that ended in `err` (any error carrying a `fate`, as the ones here do). Anything not
 * known to be `failed` is `unknown`: never guessed.
 */
export function fateOf(err: unknown): Fate {
  if (err instanceof Error && 'fate' in err && (err.fate === 'failed' || err.fate === 'unknown')) return err.fate;
  return 'unknown';
}

