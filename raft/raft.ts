import { ErrCompacted, ErrSnapshotTemporarilyUnavailable, invariant } from './errors.ts';
import { RaftLog } from './log.ts';
import { Progress } from './progress.ts';
import { ReadOnly, type ReadRequest } from './read-only.ts';
import type { Storage } from './storage.ts';
import {
  NONE,
  message,
  type Entry,
  type EntryType,
  type GroupId,
  type HardState,
  type Message,
  type MessageType,
  type NodeId,
  type ReadState,
  type Role,
  type Snapshot,
  type SoftState,
} from './types.ts';

/** Configuration of one replica of one raft group. */
export interface Config {
  /** This replica's id (> 0); must be one of `peers`. */
  readonly id: NodeId;
  /** The raft group; copied into every message this node sends and checked on every message it steps. */
  readonly group?: GroupId;
  /** All voters of the group, this node included (static membership). Same list on every replica. */
  readonly peers: readonly NodeId[];
  /** The persisted log (see Storage). On restart it holds the HardState, snapshot and entries. */
  readonly storage: Storage;
  /** Ticks without hearing from a leader before a follower campaigns (randomized in [e, 2e)). Default 10. */
  readonly electionTick?: number;
  /** Ticks between a leader's heartbeats; must be < electionTick. Default 1. */
  readonly heartbeatTick?: number;
  /**
   * On restart: the state machine's applied index. Entries up to it are not handed out again.
   * Must be >= the storage snapshot's index (restore the state machine from the snapshot first)
   * and <= the persisted commit index. Default: the storage snapshot's index.
   */
  readonly applied?: number;
  /** Byte limit of the entries in one MsgApp (at least one entry is always sent). Default 1 MiB. */
  readonly maxSizePerMsg?: number;
  /** Byte limit of committedEntries in one Ready. Default unlimited. */
  readonly maxCommittedSizePerReady?: number;
  /** MsgApp messages in flight per follower in replicate state (flow control). Default 256. */
  readonly maxInflightMsgs?: number;
  /**
   * A leader steps down after an election timeout without hearing from a quorum; followers with a live
   * leader ignore vote requests (leader lease). Default false.
   */
  readonly checkQuorum?: boolean;
  /** Pre-vote (Raft thesis §9.6): a partitioned node does not disrupt the cluster on rejoin. Default true. */
  readonly preVote?: boolean;
  /**
   * Source of randomness: returns an integer in [0, n). Use a seeded PRNG (see `random.ts`) so runs
   * replay; this is the only randomness in the core.
   */
  readonly randomInt: (n: number) => number;
}

export type ProposeResult =
  | { readonly ok: true; readonly index: number; readonly term: number }
  | { readonly ok: false; readonly reason: 'not-leader'; readonly leader: NodeId };

export type ReadIndexResult = { readonly ok: true } | { readonly ok: false; readonly reason: 'no-leader' };

type StepFn = (m: Message) => void;
type CampaignType = 'pre-election' | 'election';

const EMPTY = new Uint8Array(0);

function voteRespType(t: MessageType): MessageType {
  return t === 'MsgVote' ? 'MsgVoteResp' : 'MsgPreVoteResp';
}

/**
 * The raft state machine of one replica (etcd's `raft` struct). Not for direct use: RawNode wraps it
 * with the Ready protocol. Every method runs to completion synchronously; outputs accumulate in
 * `msgs` and `readStates` until the RawNode takes them.
 */
export class Raft {
  readonly id: NodeId;
  readonly group: GroupId;
  readonly peers: readonly NodeId[];
  term = 0;
  vote: NodeId = NONE;
  lead: NodeId = NONE;
  role: Role = 'follower';
  readonly raftLog: RaftLog;
  readonly prs = new Map<NodeId, Progress>();
  msgs: Message[] = [];
  readStates: ReadState[] = [];

  readonly #maxMsgSize: number;
  readonly #maxInflight: number;
  readonly #checkQuorum: boolean;
  readonly #preVote: boolean;
  readonly #heartbeatTimeout: number;
  readonly #electionTimeout: number;
  readonly #randomInt: (n: number) => number;
  readonly #votes = new Map<NodeId, boolean>();
  #randomizedElectionTimeout = 0;
  /** Ticks since the last election timeout reset (followers: since hearing from the leader). */
  #electionElapsed = 0;
  #heartbeatElapsed = 0;
  #readOnly: ReadOnly;
  /** Read requests that arrived before this leader committed an entry of its term. */
  #pendingReads: ReadRequest[] = [];
  #step: StepFn;
  #tick: () => void;

  constructor(c: Config) {
    invariant(c.id !== NONE, 'cannot use none as id');
    invariant(c.peers.includes(c.id), () => `id ${c.id} is not among peers ${c.peers.join(',')}`);
    invariant(new Set(c.peers).size === c.peers.length && !c.peers.includes(NONE), 'peers must be distinct and non-zero');
    this.id = c.id;
    this.group = c.group ?? 0;
    this.peers = [...c.peers].sort((a, b) => a - b);
    this.#heartbeatTimeout = c.heartbeatTick ?? 1;
    this.#electionTimeout = c.electionTick ?? 10;
    invariant(this.#heartbeatTimeout > 0, 'heartbeat tick must be greater than 0');
    invariant(this.#electionTimeout > this.#heartbeatTimeout, 'election tick must be greater than heartbeat tick');
    this.#maxMsgSize = c.maxSizePerMsg ?? 1 << 20;
    this.#maxInflight = c.maxInflightMsgs ?? 256;
    this.#checkQuorum = c.checkQuorum ?? false;
    this.#preVote = c.preVote ?? true;
    this.#randomInt = c.randomInt;
    this.raftLog = new RaftLog(c.storage, c.maxCommittedSizePerReady ?? Infinity);
    this.#readOnly = new ReadOnly('0');
    this.#step = this.#stepFollower;
    this.#tick = this.#tickElection;

    const { hardState } = c.storage.initialState();
    if (hardState.term !== 0 || hardState.vote !== NONE || hardState.commit !== 0) this.#loadState(hardState);
    if (c.applied !== undefined && c.applied > 0) {
      invariant(c.applied >= this.raftLog.applied, () => `applied ${c.applied} is below the snapshot index ${this.raftLog.applied}`);
      this.raftLog.appliedTo(c.applied);
    }
    this.#becomeFollower(this.term, NONE);
  }

  #loadState(hs: HardState): void {
    invariant(
      hs.commit >= this.raftLog.committed && hs.commit <= this.raftLog.lastIndex(),
      () => `${this.id} state.commit ${hs.commit} is out of range [${this.raftLog.committed}, ${this.raftLog.lastIndex()}]`,
    );
    this.raftLog.committed = hs.commit;
    this.term = hs.term;
    this.vote = hs.vote;
  }

  get quorum(): number {
    return Math.floor(this.peers.length / 2) + 1;
  }

  softState(): SoftState {
    return { lead: this.lead, role: this.role };
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.raftLog.committed };
  }

  // ---- sending ---------------------------------------------------------------------------------

  #send(m: Partial<Message> & Pick<Message, 'type' | 'to'>): void {
    let term = m.term ?? 0;
    if (m.type === 'MsgVote' || m.type === 'MsgVoteResp' || m.type === 'MsgPreVote' || m.type === 'MsgPreVoteResp') {
      // Vote messages carry the term they are about (pre-votes: the future term), set by the caller.
      invariant(term !== 0, () => `term should be set when sending ${m.type}`);
    } else {
      invariant(term === 0, () => `term should not be set when sending ${m.type} (was ${term})`);
      // Forwarded read requests are local messages and carry no term.
      if (m.type !== 'MsgReadIndex') term = this.term;
    }
    this.msgs.push(message({ ...m, term, group: this.group, from: this.id }));
  }

  /** Sends entries (or a snapshot) to `to` if flow control allows. Returns whether a message was sent. */
  #maybeSendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const pr = this.prs.get(to);
    if (!pr || pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    const prevTerm = this.raftLog.termOrUndefined(prevIndex);
    let ents: readonly Entry[] | undefined;
    try {
      ents = this.raftLog.entries(pr.next, this.#maxMsgSize);
    } catch (e) {
      if (e !== ErrCompacted) throw e;
      ents = undefined;
    }
    if (ents !== undefined && ents.length === 0 && !sendIfEmpty) return false;

    if (prevTerm === undefined || ents === undefined) {
      // The follower needs entries we compacted away: send the snapshot instead.
      if (!pr.recentActive) return false;
      let snapshot: Snapshot;
      try {
        snapshot = this.raftLog.snapshot();
      } catch (e) {
        if (e === ErrSnapshotTemporarilyUnavailable) return false;
        throw e;
      }
      invariant(snapshot.metadata.index !== 0, 'need non-empty snapshot');
      this.#send({ type: 'MsgSnap', to, snapshot });
      pr.becomeSnapshot(snapshot.metadata.index);
      return true;
    }

    this.#send({ type: 'MsgApp', to, index: prevIndex, logTerm: prevTerm, entries: ents, commit: this.raftLog.committed });
    const last = ents[ents.length - 1];
    if (pr.state === 'replicate') {
      if (last) {
        pr.optimisticUpdate(last.index);
        pr.inflights.add(last.index);
      }
    } else if (pr.state === 'probe') {
      // One probe per heartbeat interval until the follower answers.
      pr.probeSent = true;
    }
    return true;
  }

  #sendAppend(to: NodeId): void {
    this.#maybeSendAppend(to, true);
  }

  #sendHeartbeat(to: NodeId, ctx: string | undefined): void {
    const pr = this.prs.get(to)!;
    // Never tell a follower to commit beyond what it is known to hold: it might not have it yet.
    const commit = Math.min(pr.match, this.raftLog.committed);
    this.#send({ type: 'MsgHeartbeat', to, commit, ...(ctx !== undefined ? { context: ctx } : {}) });
  }

  #bcastAppend(): void {
    for (const id of this.peers) if (id !== this.id) this.#sendAppend(id);
  }

  #bcastHeartbeat(ctx: string | undefined): void {
    for (const id of this.peers) if (id !== this.id) this.#sendHeartbeat(id, ctx);
  }

  // ---- commit ----------------------------------------------------------------------------------

  /** Largest index replicated on a quorum (the leader counts itself). */
  #quorumMatch(): number {
    const matches = this.peers.map((id) => this.prs.get(id)!.match).sort((a, b) => b - a);
    return matches[this.quorum - 1]!;
  }

  /** Advances commit by counting replicas; only an entry of the current term qualifies (Figure 8). */
  #maybeCommit(): boolean {
    return this.raftLog.maybeCommit(this.#quorumMatch(), this.term);
  }

  #committedEntryInCurrentTerm(): boolean {
    return this.raftLog.termOrZero(this.raftLog.committed) === this.term;
  }

  // ---- role changes ----------------------------------------------------------------------------

  #reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.#electionElapsed = 0;
    this.#heartbeatElapsed = 0;
    this.#resetRandomizedElectionTimeout();
    this.#votes.clear();
    this.prs.clear();
    const last = this.raftLog.lastIndex();
    for (const id of this.peers) {
      const pr = new Progress(last + 1, this.#maxInflight);
      if (id === this.id) {
        pr.match = last;
        pr.recentActive = true;
      }
      this.prs.set(id, pr);
    }
    // Outstanding reads are dropped: their clients retry (like etcd).
    this.#readOnly = new ReadOnly(`${this.term}`);
    this.#pendingReads = [];
  }

  #resetRandomizedElectionTimeout(): void {
    this.#randomizedElectionTimeout = this.#electionTimeout + this.#randomInt(this.#electionTimeout);
  }

  #becomeFollower(term: number, lead: NodeId): void {
    this.#step = this.#stepFollower;
    this.#reset(term);
    this.#tick = this.#tickElection;
    this.lead = lead;
    this.role = 'follower';
  }

  #becomeCandidate(): void {
    invariant(this.role !== 'leader', 'invalid transition [leader -> candidate]');
    this.#step = this.#stepCandidate;
    this.#reset(this.term + 1);
    this.#tick = this.#tickElection;
    this.vote = this.id;
    this.role = 'candidate';
  }

  #becomePreCandidate(): void {
    invariant(this.role !== 'leader', 'invalid transition [leader -> pre-candidate]');
    // Pre-candidacy changes neither term nor vote: nothing to persist.
    this.#step = this.#stepCandidate;
    this.#votes.clear();
    this.#tick = this.#tickElection;
    this.lead = NONE;
    this.role = 'pre-candidate';
  }

  #becomeLeader(): void {
    invariant(this.role !== 'follower', 'invalid transition [follower -> leader]');
    this.#step = this.#stepLeader;
    this.#reset(this.term);
    this.#tick = this.#tickHeartbeat;
    this.lead = this.id;
    this.role = 'leader';
    this.prs.get(this.id)!.becomeReplicate();
    // An empty entry of the new term: committing it commits everything before it (Raft §5.4.2)
    // and lets ReadIndex trust the commit index.
    this.#appendEntry([{ type: 'noop', data: EMPTY }]);
  }

  #appendEntry(es: ReadonlyArray<{ type: EntryType; data: Uint8Array }>): number {
    let li = this.raftLog.lastIndex();
    const ents: Entry[] = es.map((e) => ({ term: this.term, index: ++li, type: e.type, data: e.data }));
    li = this.raftLog.append(ents);
    // The leader counts its own copy before it is persisted. This is safe because nothing that depends on
    // the resulting commit index leaves the node before the driver persisted these entries: committed
    // entries are applied (and acknowledged) only after the Ready carrying them was persisted, and
    // messages carrying the new commit index go out in a later Ready, which the driver can only take
    // after advance(), that is after persisting.
    this.prs.get(this.id)!.maybeUpdate(li);
    this.#maybeCommit();
    return li;
  }

  // ---- ticks -----------------------------------------------------------------------------------

  tick(): void {
    this.#tick();
  }

  #pastElectionTimeout(): boolean {
    return this.#electionElapsed >= this.#randomizedElectionTimeout;
  }

  #tickElection = (): void => {
    this.#electionElapsed++;
    if (this.#pastElectionTimeout()) {
      this.#electionElapsed = 0;
      this.hup();
    }
  };

  #tickHeartbeat = (): void => {
    this.#heartbeatElapsed++;
    this.#electionElapsed++;
    if (this.#electionElapsed >= this.#electionTimeout) {
      this.#electionElapsed = 0;
      if (this.#checkQuorum) {
        if (!this.#quorumActive()) {
          this.#becomeFollower(this.term, NONE);
          return;
        }
      }
    }
    if (this.role !== 'leader') return;
    if (this.#heartbeatElapsed >= this.#heartbeatTimeout) {
      this.#heartbeatElapsed = 0;
      this.#bcastHeartbeat(this.#readOnly.lastRoundId());
    }
  };

  /** Whether a quorum was heard from since the last check; resets the marks for the next round. */
  #quorumActive(): boolean {
    let active = 0;
    for (const [id, pr] of this.prs) {
      if (id === this.id || pr.recentActive) active++;
      if (id !== this.id) pr.recentActive = false;
    }
    return active >= this.quorum;
  }

  /** Starts an election now (pre-vote first if enabled). No-op for a leader. */
  hup(): void {
    if (this.role === 'leader') return;
    this.#campaign(this.#preVote ? 'pre-election' : 'election');
  }

  #campaign(t: CampaignType): void {
    let voteMsg: MessageType;
    let term: number;
    if (t === 'pre-election') {
      this.#becomePreCandidate();
      voteMsg = 'MsgPreVote';
      // Pre-votes ask about the next term without moving to it.
      term = this.term + 1;
    } else {
      this.#becomeCandidate();
      voteMsg = 'MsgVote';
      term = this.term;
    }
    const res = this.#poll(this.id, true);
    if (res === 'won') {
      // Single-node group: won on our own vote.
      if (t === 'pre-election') this.#campaign('election');
      else this.#becomeLeader();
      return;
    }
    for (const id of this.peers) {
      if (id === this.id) continue;
      this.#send({ type: voteMsg, to: id, term, index: this.raftLog.lastIndex(), logTerm: this.raftLog.lastTerm() });
    }
  }

  #poll(id: NodeId, granted: boolean): 'won' | 'lost' | 'pending' {
    if (!this.#votes.has(id)) this.#votes.set(id, granted);
    let yes = 0;
    let no = 0;
    for (const v of this.#votes.values()) {
      if (v) yes++;
      else no++;
    }
    if (yes >= this.quorum) return 'won';
    if (no > this.peers.length - this.quorum) return 'lost';
    return 'pending';
  }

  // ---- step ------------------------------------------------------------------------------------

  step(m: Message): void {
    // Term handling common to all roles (Raft §5.1; pre-vote and lease rules from the thesis §9.6, §6.4).
    if (m.term === 0) {
      // Local message (a forwarded read request).
    } else if (m.term > this.term) {
      if (m.type === 'MsgVote' || m.type === 'MsgPreVote') {
        const inLease = this.#checkQuorum && this.lead !== NONE && this.#electionElapsed < this.#electionTimeout;
        // We heard from a leader within the minimum election timeout: do not let a disruptive node
        // depose it. Ignore (do not even reject: a rejection would carry no information).
        if (inLease) return;
      }
      if (m.type === 'MsgPreVote') {
        // Never change term on a pre-vote request.
      } else if (m.type === 'MsgPreVoteResp' && !m.reject) {
        // A granted pre-vote carries the future term; we move to it only when we win the pre-election.
      } else if (m.type === 'MsgApp' || m.type === 'MsgHeartbeat' || m.type === 'MsgSnap') {
        this.#becomeFollower(m.term, m.from);
      } else {
        this.#becomeFollower(m.term, NONE);
      }
    } else if (m.term < this.term) {
      if ((this.#checkQuorum || this.#preVote) && (m.type === 'MsgHeartbeat' || m.type === 'MsgApp')) {
        // A stale leader (e.g. back from a partition) would otherwise never learn the new term when our
        // pre-vote or lease rules keep us from disrupting it: tell it.
        this.#send({ type: 'MsgAppResp', to: m.from });
      } else if (m.type === 'MsgPreVote') {
        this.#send({ type: 'MsgPreVoteResp', to: m.from, term: this.term, reject: true });
      }
      // Everything else from an older term is ignored.
      return;
    }

    if (m.type === 'MsgVote' || m.type === 'MsgPreVote') {
      const canVote =
        this.vote === m.from ||
        (this.vote === NONE && this.lead === NONE) ||
        (m.type === 'MsgPreVote' && m.term > this.term);
      if (canVote && this.raftLog.isUpToDate(m.index, m.logTerm)) {
        // A real vote is answered in m.term (we moved there above); a pre-vote too, so the
        // pre-candidate can tell the answer is about its proposed term.
        this.#send({ type: voteRespType(m.type), to: m.from, term: m.term });
        if (m.type === 'MsgVote') {
          this.#electionElapsed = 0;
          this.vote = m.from;
        }
      } else {
        this.#send({ type: voteRespType(m.type), to: m.from, term: this.term, reject: true });
      }
      return;
    }
    this.#step(m);
  }

  #stepLeader = (m: Message): void => {
    if (m.type === 'MsgReadIndex') {
      this.#handleReadRequest({ from: m.from, ctx: m.context ?? '' });
      return;
    }
    const pr = this.prs.get(m.from);
    if (!pr || m.from === this.id) return;
    switch (m.type) {
      case 'MsgAppResp': {
        pr.recentActive = true;
        if (m.reject) {
          let nextProbeIdx = m.rejectHint;
          if (m.logTerm > 0) {
            // Skip every entry of terms the follower does not have (fast backtracking).
            nextProbeIdx = this.raftLog.findConflictByTerm(m.rejectHint, m.logTerm)[0];
          }
          if (pr.maybeDecrTo(m.index, nextProbeIdx)) {
            if (pr.state === 'replicate') pr.becomeProbe();
            this.#sendAppend(m.from);
          }
        } else {
          const oldPaused = pr.isPaused();
          if (pr.maybeUpdate(m.index)) {
            if (pr.state === 'probe') {
              pr.becomeReplicate();
            } else if (pr.state === 'snapshot' && pr.match + 1 >= this.raftLog.firstIndex()) {
              // Caught up by the snapshot: the log from here on is available again.
              pr.becomeProbe();
              pr.becomeReplicate();
            } else if (pr.state === 'replicate') {
              pr.inflights.freeLE(m.index);
            }
            if (this.#maybeCommit()) {
              this.#releasePendingReads();
              this.#bcastAppend();
            } else if (oldPaused) {
              this.#sendAppend(m.from);
            }
            // Stream as much as flow control allows.
            while (this.#maybeSendAppend(m.from, false)) {
              /* keep sending */
            }
          }
        }
        break;
      }
      case 'MsgHeartbeatResp': {
        pr.recentActive = true;
        pr.probeSent = false;
        // A heartbeat round trip frees one slot: a lost MsgApp must not stall replication forever.
        if (pr.state === 'replicate' && pr.inflights.full()) pr.inflights.freeFirstOne();
        if (pr.match < this.raftLog.lastIndex() || pr.state === 'probe') this.#sendAppend(m.from);
        if (m.context !== undefined) {
          for (const { req, index } of this.#readOnly.ack(m.from, m.context, this.quorum)) this.#answerRead(req, index);
        }
        break;
      }
      default:
        // Stale responses of other kinds (e.g. a vote response after we already won) are ignored.
        break;
    }
  };

  #stepCandidate = (m: Message): void => {
    // A pre-candidate counts only pre-votes; a candidate only votes of its term.
    const myVoteResp: MessageType = this.role === 'pre-candidate' ? 'MsgPreVoteResp' : 'MsgVoteResp';
    switch (m.type) {
      case 'MsgApp':
        this.#becomeFollower(m.term, m.from); // a leader exists in our term
        this.#handleAppendEntries(m);
        return;
      case 'MsgHeartbeat':
        this.#becomeFollower(m.term, m.from);
        this.#handleHeartbeat(m);
        return;
      case 'MsgSnap':
        this.#becomeFollower(m.term, m.from);
        this.#handleSnapshot(m);
        return;
      default:
        if (m.type === myVoteResp) {
          const res = this.#poll(m.from, !m.reject);
          if (res === 'won') {
            if (this.role === 'pre-candidate') {
              this.#campaign('election');
            } else {
              this.#becomeLeader();
              this.#bcastAppend();
            }
          } else if (res === 'lost') {
            // A rejection of a pre-vote or vote from a quorum: back to follower in our term.
            this.#becomeFollower(this.term, NONE);
          }
        }
    }
  };

  #stepFollower = (m: Message): void => {
    switch (m.type) {
      case 'MsgApp':
        this.#electionElapsed = 0;
        this.lead = m.from;
        this.#handleAppendEntries(m);
        return;
      case 'MsgHeartbeat':
        this.#electionElapsed = 0;
        this.lead = m.from;
        this.#handleHeartbeat(m);
        return;
      case 'MsgSnap':
        this.#electionElapsed = 0;
        this.lead = m.from;
        this.#handleSnapshot(m);
        return;
      case 'MsgReadIndexResp':
        this.readStates.push({ index: m.index, requestCtx: m.context ?? '' });
        return;
      default:
        return;
    }
  };

  #handleAppendEntries(m: Message): void {
    if (m.index < this.raftLog.committed) {
      // Everything up to our commit index matches by definition; tell the leader where we are.
      this.#send({ type: 'MsgAppResp', to: m.from, index: this.raftLog.committed });
      return;
    }
    const lastNew = this.raftLog.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (lastNew !== undefined) {
      this.#send({ type: 'MsgAppResp', to: m.from, index: lastNew });
      return;
    }
    // Mismatch at m.index: hint the largest index whose term is <= m.logTerm, so the leader can skip
    // whole terms of entries we cannot match.
    const [hintIndex, hintTerm] = this.raftLog.findConflictByTerm(Math.min(m.index, this.raftLog.lastIndex()), m.logTerm);
    this.#send({ type: 'MsgAppResp', to: m.from, index: m.index, reject: true, rejectHint: hintIndex, logTerm: hintTerm });
  }

  #handleHeartbeat(m: Message): void {
    this.raftLog.commitTo(m.commit);
    this.#send({ type: 'MsgHeartbeatResp', to: m.from, ...(m.context !== undefined ? { context: m.context } : {}) });
  }

  #handleSnapshot(m: Message): void {
    const s = m.snapshot;
    if (!s) return;
    if (this.#restore(s)) {
      this.#send({ type: 'MsgAppResp', to: m.from, index: this.raftLog.lastIndex() });
    } else {
      this.#send({ type: 'MsgAppResp', to: m.from, index: this.raftLog.committed });
    }
  }

  /** Installs snapshot `s` unless the log already holds it. Returns whether the log was replaced. */
  #restore(s: Snapshot): boolean {
    if (s.metadata.index <= this.raftLog.committed) return false;
    if (this.raftLog.matchTerm(s.metadata.index, s.metadata.term)) {
      // We have the snapshot's last entry: just fast-forward commit, keep the log.
      this.raftLog.commitTo(s.metadata.index);
      return false;
    }
    this.raftLog.restore(s);
    return true;
  }

  // ---- client requests -------------------------------------------------------------------------

  propose(data: Uint8Array): ProposeResult {
    if (this.role !== 'leader') return { ok: false, reason: 'not-leader', leader: this.lead };
    const index = this.#appendEntry([{ type: 'normal', data }]);
    this.#bcastAppend();
    return { ok: true, index, term: this.term };
  }

  readIndex(ctx: string): ReadIndexResult {
    if (this.role === 'leader') {
      this.#handleReadRequest({ from: this.id, ctx });
      return { ok: true };
    }
    if (this.lead === NONE) return { ok: false, reason: 'no-leader' };
    this.#send({ type: 'MsgReadIndex', to: this.lead, context: ctx });
    return { ok: true };
  }

  #handleReadRequest(req: ReadRequest): void {
    if (this.peers.length === 1) {
      // Nobody can have deposed a single-node leader.
      this.#answerRead(req, this.raftLog.committed);
      return;
    }
    if (!this.#committedEntryInCurrentTerm()) {
      // Our commit index may lag the previous leader's until our noop commits.
      this.#pendingReads.push(req);
      return;
    }
    const id = this.#readOnly.add(req, this.raftLog.committed, this.id);
    if (id !== undefined) this.#bcastHeartbeat(id);
  }

  #releasePendingReads(): void {
    if (this.#pendingReads.length === 0 || !this.#committedEntryInCurrentTerm()) return;
    const reqs = this.#pendingReads;
    this.#pendingReads = [];
    for (const r of reqs) this.#handleReadRequest(r);
  }

  #answerRead(req: ReadRequest, index: number): void {
    if (req.from === this.id) this.readStates.push({ index, requestCtx: req.ctx });
    else this.#send({ type: 'MsgReadIndexResp', to: req.from, index, context: req.ctx });
  }

  /** Called when the driver took the messages: the open ReadIndex round's heartbeats are on their way. */
  closeReadRound(): void {
    this.#readOnly.close();
  }

  pendingReadCount(): number {
    return this.#readOnly.pendingCount() + this.#pendingReads.length;
  }

  // ---- transport feedback ----------------------------------------------------------------------

  reportUnreachable(id: NodeId): void {
    const pr = this.prs.get(id);
    if (this.role !== 'leader' || !pr || id === this.id) return;
    // Stop streaming optimistically; probe until the follower answers.
    if (pr.state === 'replicate') pr.becomeProbe();
  }

  reportSnapshot(id: NodeId, failed: boolean): void {
    const pr = this.prs.get(id);
    if (this.role !== 'leader' || !pr || pr.state !== 'snapshot') return;
    if (failed) pr.pendingSnapshot = 0;
    // Resume probing after the snapshot (or from match on failure), but wait for the follower's next
    // heartbeat response before sending, giving the snapshot time to be applied.
    pr.becomeProbe();
    pr.probeSent = true;
  }
}
