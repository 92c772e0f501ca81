import { invariant } from './errors.ts';
import { Raft, type Config, type ProposeResult, type ReadIndexResult } from './raft.ts';
import type { ProgressState } from './progress.ts';
import {
  hardStateEqual,
  type Entry,
  type GroupId,
  type HardState,
  type Message,
  type NodeId,
  type ReadState,
  type Snapshot,
  type SoftState,
} from './types.ts';

/**
 * Everything the core needs the driver to do, taken with `ready()` and confirmed with `advance()`.
 * Read-only: the driver must not mutate any of it.
 *
 * The driver handles one Ready in this order (the persist-before-send rule):
 *
 *  1. `messages` may be sent at once, before or while step 2 runs. They are only a leader's MsgApp,
 *     MsgHeartbeat and MsgSnap: a leader's term and vote are already durable (it persisted them before
 *     its vote requests went out), and a leader may send entries to followers while it writes them
 *     itself (Raft thesis §10.2.1): the leader counts its own copy toward the commit quorum, but no
 *     commit that depends on it leaves the node before this Ready is persisted (see 3 and 4).
 *  2. Persist, in one atomic batch: `snapshot` (if set: replaces the log up to its index), then
 *     `entries` (replacing any persisted entries from `entries[0].index` on), then `hardState` (if set).
 *     The batch must be synced when `mustSync` (new entries, or a term or vote change); a change of
 *     commit alone need not be synced.
 *  3. Only after step 2 is durable: send `messagesAfterPersist` (votes, vote and append responses,
 *     heartbeat responses, forwarded reads; everything a node says about its own log or vote).
 *  4. Only after step 2 is durable: apply `snapshot` (if set) and then `committedEntries` to the state
 *     machine, in order; these may include entries of this same Ready. Acknowledge a client's write only
 *     when its entry is applied here (match index and term from `propose`; a different term at that
 *     index means the proposal was lost). Answer `readStates` once the applied index reaches their index.
 *  5. Update the in-memory Storage the core reads (e.g. `MemoryStorage.applySnapshot`, `append`,
 *     `setHardState`), then call `advance()`.
 *
 * `ready()` may not be called again before `advance()`. Between the two, the driver may keep calling
 * `step`, `tick`, `propose` and `readIndex` (e.g. while a sync is in flight); their output waits for
 * the next Ready, which is what makes the leader's early sending in step 1 safe.
 */
export interface Ready {
  /** Set when the leader or role changed since the last Ready. Volatile: not persisted. */
  readonly softState?: SoftState;
  /** Set when term, vote or commit changed since the last Ready: persist (step 2). */
  readonly hardState?: HardState;
  /** Entries to append to the persisted log (step 2). */
  readonly entries: readonly Entry[];
  /** A snapshot received from the leader, to persist (step 2) and apply to the state machine (step 4). */
  readonly snapshot?: Snapshot;
  /** Committed entries to apply, in index order (step 4). */
  readonly committedEntries: readonly Entry[];
  /** Leader replication messages: may be sent before persisting (step 1). */
  readonly messages: readonly Message[];
  /** Messages that may be sent only after this Ready's entries, HardState and snapshot are durable (step 3). */
  readonly messagesAfterPersist: readonly Message[];
  /** Answers to readIndex requests (step 4). */
  readonly readStates: readonly ReadState[];
  /** Whether step 2 must be a synced write. */
  readonly mustSync: boolean;
}

/** Messages a leader may send before persisting its own Ready (see Ready step 1). */
export function isEarlySendable(m: Message): boolean {
  return m.type === 'MsgApp' || m.type === 'MsgHeartbeat' || m.type === 'MsgSnap';
}

export interface Status {
  readonly id: NodeId;
  readonly group: GroupId;
  readonly hardState: HardState;
  readonly softState: SoftState;
  /** Highest index handed out for applying (confirmed by advance). */
  readonly applied: number;
  readonly lastIndex: number;
  readonly firstIndex: number;
  /** Leader only: each peer's replication progress. */
  readonly progress?: ReadonlyMap<NodeId, { readonly match: number; readonly next: number; readonly state: ProgressState }>;
}

/**
 * One replica of one raft group, driven synchronously (etcd's RawNode). Create one per group; many
 * groups may share a store and a transport (route messages by `message.group` and `message.to`).
 *
 * Restart: build a Storage holding the persisted snapshot, entries and HardState, and pass the state
 * machine's applied index as `config.applied`; the node resumes as a follower in the persisted term.
 *
 * Not thread-safe in spirit: call it from one logical task.
 */
export class RawNode {
  readonly #raft: Raft;
  #prevSoft: SoftState;
  #prevHard: HardState;
  #outstanding: Ready | undefined;

  constructor(config: Config) {
    this.#raft = new Raft(config);
    this.#prevSoft = this.#raft.softState();
    this.#prevHard = this.#raft.hardState();
  }

  get id(): NodeId {
    return this.#raft.id;
  }

  get group(): GroupId {
    return this.#raft.group;
  }

  /** Advances logical time by one tick: election timeouts for followers, heartbeats for the leader. */
  tick(): void {
    this.#raft.tick();
  }

  /** Campaigns now instead of waiting for the election timeout (tests, or to pick a leader fast). */
  campaign(): void {
    this.#raft.hup();
  }

  /**
   * Handles a message from a peer. Messages for another group or node, or from a non-member, are a
   * routing error and throw. Stale or duplicate messages are fine.
   */
  step(m: Message): void {
    invariant(m.group === this.#raft.group, () => `message for group ${m.group} stepped into group ${this.#raft.group}`);
    invariant(m.to === this.#raft.id, () => `message for ${m.to} stepped into node ${this.#raft.id}`);
    if (!this.#raft.peers.includes(m.from) || m.from === this.#raft.id) return;
    this.#raft.step(m);
  }

  /**
   * Appends `data` to the log if this node is the leader. On success returns the entry's index and term:
   * the write succeeded once an entry with that index *and term* is applied (see Ready step 4).
   */
  propose(data: Uint8Array): ProposeResult {
    return this.#raft.propose(data);
  }

  /**
   * Requests a linearizable read. The answer arrives as a ReadState with the same `ctx` in a later Ready
   * (or never, if leadership changes: time out and retry). Requests made between two Ready cycles share
   * one heartbeat round. A follower forwards the request to its leader.
   */
  readIndex(ctx: string): ReadIndexResult {
    return this.#raft.readIndex(ctx);
  }

  /** The transport could not reach `id`: the leader stops streaming to it and probes instead. */
  reportUnreachable(id: NodeId): void {
    this.#raft.reportUnreachable(id);
  }

  /**
   * The transport finished sending a MsgSnap to `id` (`failed` if it could not deliver it). Must be
   * called for every MsgSnap sent: the leader sends nothing else to that follower until then (or until
   * the follower acknowledges).
   */
  reportSnapshot(id: NodeId, status: 'finish' | 'failure'): void {
    this.#raft.reportSnapshot(id, status === 'failure');
  }

  hasReady(): boolean {
    if (this.#outstanding) return false;
    const r = this.#raft;
    const ss = r.softState();
    if (ss.lead !== this.#prevSoft.lead || ss.role !== this.#prevSoft.role) return true;
    if (!hardStateEqual(r.hardState(), this.#prevHard)) return true;
    if (r.raftLog.hasPendingSnapshot()) return true;
    if (r.msgs.length > 0 || r.raftLog.unstableEntries().length > 0 || r.raftLog.hasNextEnts()) return true;
    return r.readStates.length > 0;
  }

  /** Takes the pending work. Call `advance()` when done with it (see Ready for the order of steps). */
  ready(): Ready {
    invariant(!this.#outstanding, 'ready() called again before advance()');
    const r = this.#raft;
    const ss = r.softState();
    const hs = r.hardState();
    const softChanged = ss.lead !== this.#prevSoft.lead || ss.role !== this.#prevSoft.role;
    const hardChanged = !hardStateEqual(hs, this.#prevHard);
    const entries = [...r.raftLog.unstableEntries()];
    const snapshot = r.raftLog.hasPendingSnapshot() ? r.raftLog.unstable.snapshot : undefined;
    const early: Message[] = [];
    const late: Message[] = [];
    for (const m of r.msgs) (isEarlySendable(m) ? early : late).push(m);
    const rd: Ready = {
      ...(softChanged ? { softState: ss } : {}),
      ...(hardChanged ? { hardState: hs } : {}),
      entries,
      ...(snapshot ? { snapshot } : {}),
      committedEntries: r.raftLog.nextEnts(),
      messages: early,
      messagesAfterPersist: late,
      readStates: r.readStates,
      mustSync: entries.length > 0 || hs.term !== this.#prevHard.term || hs.vote !== this.#prevHard.vote,
    };
    r.msgs = [];
    r.readStates = [];
    r.closeReadRound();
    if (softChanged) this.#prevSoft = ss;
    this.#outstanding = rd;
    return rd;
  }

  /**
   * Confirms that the last Ready was handled: its entries and snapshot are persisted and in the Storage
   * the core reads, and its committed entries applied.
   */
  advance(): void {
    const rd = this.#outstanding;
    invariant(rd, 'advance() without ready()');
    this.#outstanding = undefined;
    const log = this.#raft.raftLog;
    if (rd.hardState) this.#prevHard = rd.hardState;
    if (rd.snapshot) {
      log.stableSnapTo(rd.snapshot.metadata.index);
      // The state machine now reflects the snapshot.
      if (log.applied < rd.snapshot.metadata.index) log.appliedTo(rd.snapshot.metadata.index);
    }
    const lastCommitted = rd.committedEntries[rd.committedEntries.length - 1];
    // applied <= committed: committedEntries were committed when handed out.
    if (lastCommitted && lastCommitted.index > log.applied) log.appliedTo(lastCommitted.index);
    const lastEntry = rd.entries[rd.entries.length - 1];
    if (lastEntry) log.stableTo(lastEntry.index, lastEntry.term);
  }

  /** A Ready was taken and not yet advanced. */
  get awaitingAdvance(): boolean {
    return this.#outstanding !== undefined;
  }

  status(): Status {
    const r = this.#raft;
    let progress: Map<NodeId, { match: number; next: number; state: ProgressState }> | undefined;
    if (r.role === 'leader') {
      progress = new Map();
      for (const [id, pr] of r.prs) progress.set(id, { match: pr.match, next: pr.next, state: pr.state });
    }
    return {
      id: r.id,
      group: r.group,
      hardState: r.hardState(),
      softState: r.softState(),
      applied: r.raftLog.applied,
      lastIndex: r.raftLog.lastIndex(),
      firstIndex: r.raftLog.firstIndex(),
      ...(progress ? { progress } : {}),
    };
  }

  /** Read requests waiting for a ReadIndex round (leader only). */
  pendingReadCount(): number {
    return this.#raft.pendingReadCount();
  }

  /**
   * The whole log as the core sees it (stable and unstable), from firstIndex. For tests and debugging:
   * it copies.
   */
  logEntries(): readonly Entry[] {
    return this.#raft.raftLog.allEntries();
  }

  /** Term of entry i, or undefined if compacted or absent (tests and debugging). */
  termAt(i: number): number | undefined {
    return this.#raft.raftLog.termOrUndefined(i);
  }
}
