/**
 * Data types of the consensus core: log entries, persistent state, snapshots and messages.
 *
 * Everything here is plain data (no classes), so a transport can encode it (see `codec.ts`) and a
 * storage engine can persist it. Indexes and terms are JavaScript numbers: safe up to 2^53.
 * Index 0 and term 0 mean "nothing": the first real entry has index 1 and term >= 1.
 */

/** A replica's id within a raft group. Positive; `NONE` (0) means "no node". */
export type NodeId = number;
/** A raft group's id. Several groups share one store and one transport; every message carries it. */
export type GroupId = number;

export const NONE: NodeId = 0;

/**
 * `normal`: a client command, applied to the state machine.
 * `noop`: the empty entry a new leader appends in its term so that it can commit (Raft §5.4.2);
 * it carries no data and the state machine skips it (but still advances its applied index).
 */
export type EntryType = 'normal' | 'noop';

export interface Entry {
  readonly term: number;
  readonly index: number;
  readonly type: EntryType;
  /** Owned by whoever created the entry; nobody mutates it afterwards. */
  readonly data: Uint8Array;
}

/**
 * The state that must be durable before the node answers anything that depends on it:
 * `term` and `vote` must survive a crash (else a node can vote twice in a term); `commit` need not be
 * synced (it can be relearned) but is persisted with the rest for a faster restart.
 */
export interface HardState {
  readonly term: number;
  /** Whom this node voted for in `term`, or NONE. */
  readonly vote: NodeId;
  readonly commit: number;
}

export const EMPTY_HARD_STATE: HardState = Object.freeze({ term: 0, vote: NONE, commit: 0 });

export function isEmptyHardState(hs: HardState): boolean {
  return hs.term === 0 && hs.vote === NONE && hs.commit === 0;
}

export function hardStateEqual(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

export interface SnapshotMetadata {
  /** The last log index the snapshot covers (the state machine after applying it). */
  readonly index: number;
  /** The term of the entry at `index`. */
  readonly term: number;
}

/** A state machine image at `metadata.index`; `data` is opaque to raft. */
export interface Snapshot {
  readonly metadata: SnapshotMetadata;
  readonly data: Uint8Array;
}

export const EMPTY_SNAPSHOT: Snapshot = Object.freeze({
  metadata: Object.freeze({ index: 0, term: 0 }),
  data: new Uint8Array(0),
});

export function isEmptySnapshot(s: Snapshot | undefined): boolean {
  return s === undefined || s.metadata.index === 0;
}

export type Role = 'follower' | 'pre-candidate' | 'candidate' | 'leader';

/** Volatile state, reported in a Ready when it changes; never persisted. */
export interface SoftState {
  /** The leader this node knows of, or NONE. */
  readonly lead: NodeId;
  readonly role: Role;
}

export type MessageType =
  /** Leader -> follower: entries after (index, logTerm), and the leader's commit index. */
  | 'MsgApp'
  /** Follower -> leader: accepted up to `index`, or `reject` with `rejectHint` (follower's last index) and `logTerm`. */
  | 'MsgAppResp'
  /** Candidate -> all: vote for me in `term`; my last entry is (index, logTerm). */
  | 'MsgVote'
  | 'MsgVoteResp'
  /** Pre-candidate -> all: would you vote for me in `term` (not yet adopted by anyone)? */
  | 'MsgPreVote'
  | 'MsgPreVoteResp'
  /** Leader -> follower: keep-alive carrying commit = min(follower's match, leader's commit) and a ReadIndex round in `context`. */
  | 'MsgHeartbeat'
  | 'MsgHeartbeatResp'
  /** Leader -> follower that fell behind the compacted log: install `snapshot`. */
  | 'MsgSnap'
  /** Follower -> leader: a ReadIndex request forwarded with its `context`. */
  | 'MsgReadIndex'
  /** Leader -> follower: the read index (`index`) for the request in `context`. */
  | 'MsgReadIndexResp'
  /** Follower -> leader: forwarded proposal (only with `Config.forwardProposals`). */
  | 'MsgProp';

export interface Message {
  readonly type: MessageType;
  readonly group: GroupId;
  readonly to: NodeId;
  readonly from: NodeId;
  /** The sender's term; 0 only for MsgProp and MsgReadIndex (local requests carry no term). */
  readonly term: number;
  /** MsgApp: term of entry `index`; MsgAppResp reject: term at `rejectHint` on the follower; votes: last log term. */
  readonly logTerm: number;
  /** MsgApp: index before `entries`; MsgAppResp: follower's last matching index; votes: last log index; MsgReadIndexResp: read index. */
  readonly index: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
  readonly snapshot?: Snapshot;
  readonly reject: boolean;
  readonly rejectHint: number;
  /** MsgHeartbeat(Resp): the ReadIndex round; MsgReadIndex(Resp): the request's context. */
  readonly context?: string;
}

/** Builds a message with every field defaulted. */
export function message(m: Partial<Message> & Pick<Message, 'type' | 'to' | 'from'>): Message {
  return {
    group: 0,
    term: 0,
    logTerm: 0,
    index: 0,
    entries: [],
    commit: 0,
    reject: false,
    rejectHint: 0,
    ...m,
  };
}

/**
 * The answer to a `readIndex(ctx)` request: once this node's applied index reaches `index`, a read
 * of the local state machine is linearizable.
 */
export interface ReadState {
  readonly index: number;
  readonly requestCtx: string;
}

/** Total payload size of entries, as used by the byte limits. */
export function entrySize(e: Entry): number {
  return e.data.byteLength + 24;
}
