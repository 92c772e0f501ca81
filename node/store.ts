import { setTimeout as sleep } from 'node:timers/promises';
import { RawNode, SeededRandom, type Entry, type GroupId, type Message, type NodeId, type Ready } from '../raft/index.ts';
import type { BatchOp } from '../engines/engine.ts';
import type { Layout } from '../engines/layouts/index.ts';
import { NotLeaderError, ProposalDroppedError } from './client-errors.ts';
import { decodePut, encodePut, type Session } from './command.ts';
import {
  appliedKey,
  encodeApplied,
  encodeEntry,
  encodeHardState,
  encodeSession,
  hardStateKey,
  kvKey,
  logKey,
  sessionKey,
  type AppliedState,
  type SessionRecord,
} from './keys.ts';
import { recoverGroup } from './recover.ts';
import { captureSnapshotData, installSnapshotOps } from './snapshot-data.ts';

export { NotLeaderError, ProposalDroppedError } from './client-errors.ts';
export type { Session } from './command.ts';

/**
 * Faults a test switches on to show that a check catches what they break. Never on by default; each one
 * makes the store incorrect.
 */
export interface StoreFaults {
  /**
   * Linearizable reads answer as soon as the read index arrives, without waiting until this node applied
   * up to it: a follower that lags serves stale values.
   */
  readonly readBeforeApplied?: boolean;
}

export interface PutOptions {
  /** The client session that makes retries of this write apply at most once; none: a blind put. */
  readonly session?: Session;
  /** Give up after this many ms (failed while still queued here, unknown once proposed). */
  readonly timeoutMs?: number;
  /** Give up when aborted (failed while still queued here, unknown once proposed). */
  readonly signal?: AbortSignal;
}

export interface GetOptions {
  /** Give up after this many ms. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface TruncationPolicy {
  /** Entries to keep behind the applied index (followers catching up read them). */
  readonly keep: number;
  /** Truncate once the log holds `keep + every` applied entries. */
  readonly every: number;
}

export interface StoreOptions {
  readonly id: NodeId;
  /** Voters of every group (static membership); `[id]` for a single-node replica. */
  readonly peers: readonly NodeId[];
  readonly groups: readonly GroupId[];
  readonly layout: Layout;
  /** Sends messages to peers; absent for a single node. */
  readonly send?: (msgs: readonly Message[]) => void;
  /** Wall-clock ms per raft tick (default 10). */
  readonly tickMs?: number;
  readonly electionTick?: number;
  readonly heartbeatTick?: number;
  /** Most proposals one group takes into one Ready (group commit bound; default 4096). */
  readonly maxBatch?: number;
  /** Microseconds to wait for more proposals before taking a Ready with few of them (default 0). */
  readonly batchWaitUs?: number;
  readonly truncation?: TruncationPolicy | null;
  /**
   * The RFC's rule: before deleting log entries whose applications live in a separate engine, sync that
   * engine. Default true; false exists to show what goes wrong without it.
   */
  readonly truncationSync?: boolean;
  readonly seed?: number;
  /**
   * A leader that has not heard from a quorum within an election timeout steps down (etcd's CheckQuorum),
   * so a partitioned leader fails its waiting proposals instead of holding them forever. Default true.
   */
  readonly checkQuorum?: boolean;
  /**
   * An emulated slower log medium (a slow member): every synced raft append waits this many
   * microseconds more before the Ready goes on, as if the device's flush took that much longer. An
   * emulation, recorded as such by whoever sets it; default 0.
   */
  readonly syncDelayUs?: number;
  /** Test-only faults (see StoreFaults). */
  readonly faults?: StoreFaults;
  /** The monotonic clock, in nanoseconds, that times truncation syncs (default `process.hrtime`). */
  readonly now?: () => number;
}

const hrtimeNs = (): number => Number(process.hrtime.bigint());

export interface StoreStats {
  readies: number;
  /** Synced batches written to the raft engine for Readies. */
  logSyncs: number;
  /** Entries appended to the raft engine. */
  entriesPersisted: number;
  entriesApplied: number;
  truncations: number;
  /** Syncs of the state engine forced by the truncation rule, and their total time. */
  truncationSyncs: number;
  truncationSyncNs: number;
  snapshotsSent: number;
  snapshotsInstalled: number;
  /** ReadIndex rounds requested (each serves every read that waited for it). */
  readRounds: number;
  /** Committed writes the state machine did not apply: retries of a request it applied before, or older requests. */
  duplicatesSkipped: number;
}

/** A client write: queued until the loop proposes it (index 0), then pending at (index, term) until applied. */
interface Proposal {
  readonly data: Uint8Array;
  index: number;
  term: number;
  resolve(): void;
  reject(err: Error): void;
}

/** What applying a committed write did: applied now, applied before (same session and seq), or skipped (older seq). */
type Verdict = 'applied' | 'duplicate' | 'superseded';

interface Group {
  readonly id: GroupId;
  readonly node: RawNode;
  readonly storage: import('../raft/index.ts').MemoryStorage;
  applied: AppliedState;
  /** Last index persisted in the raft engine. */
  lastPersisted: number;
  /** Applied index known durable in the state engine. */
  durableApplied: number;
  readonly queue: Proposal[];
  readonly pending: Map<number, Proposal>;
  /** Client sessions of the state machine, as in the state engine. */
  sessions: Map<number, SessionRecord>;
  readonly reads: Map<string, { resolve: (index: number) => void; reject: (e: Error) => void }>;
  readonly waitingReads: Array<{ index: number; resolve: () => void; reject: (e: Error) => void }>;
  /** Reads waiting for the next ReadIndex round, and whether a round is in flight. */
  readonly nextRound: Array<{ resolve: (index: number) => void; reject: (e: Error) => void }>;
  roundInFlight: boolean;
  lead: NodeId;
}

/**
 * One node's replicas of one or more raft groups over one storage layout: the async Ready loop around
 * the pure core (etcd's `node.go`). All groups share one loop, so the log appends of every group taken
 * in one turn go into one synced batch (group commit across groups, as in CockroachDB's store).
 *
 * Each turn: feed queued proposals; take a Ready from every group that has one; send leader messages;
 * write snapshots, entries and HardState to the raft engine in one batch (synced if any Ready needs
 * it); send the rest of the messages; apply committed entries and the applied index to the state
 * engine in one unsynced batch; acknowledge clients; advance; truncate logs per policy.
 */
export class Store {
  readonly id: NodeId;
  readonly layout: Layout;
  readonly stats: StoreStats = {
    readies: 0, logSyncs: 0, entriesPersisted: 0, entriesApplied: 0, truncations: 0,
    truncationSyncs: 0, truncationSyncNs: 0, snapshotsSent: 0, snapshotsInstalled: 0, readRounds: 0,
    duplicatesSkipped: 0,
  };
  readonly #opts: StoreOptions;
  readonly #groups = new Map<GroupId, Group>();
  #wake: (() => void) | null = null;
  #dirty = false;
  #closed = false;
  #loop: Promise<void> = Promise.resolve();
  #ticker: NodeJS.Timeout | null = null;
  #readSeq = 0;
  #failure: Error | null = null;
  readonly #truncationListeners = new Set<(group: GroupId, upTo: number) => void>();

  private constructor(opts: StoreOptions) {
    this.id = opts.id;
    this.layout = opts.layout;
    this.#opts = opts;
    this.now = opts.now ?? hrtimeNs;
  }

  private readonly now: () => number;

  /** Opens the store over `layout`, recovering every group from what the engines hold. */
  static async open(opts: StoreOptions): Promise<Store> {
    const s = new Store(opts);
    const rng = new SeededRandom((opts.seed ?? 1) * 7919 + opts.id);
    // Recover groups concurrently (a store may hold thousands: one by one, 1000 groups took 0.6 s on
    // RocksDB); nodes are still built in group order, so the seeded random draws stay the same.
    const recovered = await mapConcurrent(opts.groups, RECOVERY_CONCURRENCY, (gid) => recoverGroup(opts.layout, gid));
    for (const [i, gid] of opts.groups.entries()) {
      const rec = recovered[i]!;
      const node = new RawNode({
        id: opts.id,
        group: gid,
        peers: opts.peers,
        storage: rec.storage,
        applied: rec.applied.applied,
        electionTick: opts.electionTick ?? 10,
        heartbeatTick: opts.heartbeatTick ?? 1,
        checkQuorum: opts.checkQuorum ?? true,
        randomInt: (n) => rng.int(n),
      });
      s.#groups.set(gid, {
        id: gid, node, storage: rec.storage, applied: rec.applied, lastPersisted: rec.lastIndex,
        durableApplied: rec.applied.applied, queue: [], pending: new Map(), sessions: rec.sessions, reads: new Map(), waitingReads: [], nextRound: [], roundInFlight: false, lead: 0,
      });
    }
    s.#loop = s.#run();
    const tickMs = opts.tickMs ?? 10;
    s.#ticker = setInterval(() => {
      for (const g of s.#groups.values()) g.node.tick();
      s.#kick();
    }, tickMs);
    s.#ticker.unref();
    if (opts.peers.length === 1) s.campaignAll();
    return s;
  }

  /** Campaigns for every group now (a single node elects itself at once). */
  campaignAll(): void {
    for (const g of this.#groups.values()) g.node.campaign();
    this.#kick();
  }

  campaign(group: GroupId): void {
    this.#group(group).node.campaign();
    this.#kick();
  }

  /** This node's current term in `group`. */
  term(group: GroupId): number {
    return this.#group(group).node.status().hardState.term;
  }

  isLeader(group: GroupId): boolean {
    return this.#group(group).node.status().softState.role === 'leader';
  }

  leaderOf(group: GroupId): NodeId {
    return this.#group(group).lead;
  }

  appliedIndex(group: GroupId): number {
    return this.#group(group).applied.applied;
  }

  /** First index still in the raft log and last index. */
  logBounds(group: GroupId): { first: number; last: number } {
    const g = this.#group(group);
    return { first: g.storage.firstIndex(), last: g.storage.lastIndex() };
  }

  /**
   * Puts `key` through raft; resolves when applied here (on the leader), or when the state machine finds
   * that the session's request was applied before. Rejects with an error whose `fate` (see `fateOf`)
   * says whether the write may still apply: NotLeaderError (failed), ProposalDroppedError (its `fate`).
   */
  put(group: GroupId, key: Uint8Array, value: Uint8Array, opts: PutOptions = {}): Promise<void> {
    this.#checkOpen();
    const g = this.#group(group);
    return new Promise((resolve, reject) => {
      const { timeoutMs, signal } = opts;
      if (signal?.aborted) {
        reject(new ProposalDroppedError('aborted', 'failed', `group ${group}: put aborted before it was proposed`));
        return;
      }
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => cancel('aborted');
      const settle = () => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const p: Proposal = {
        data: encodePut(key, value, opts.session),
        index: 0,
        term: 0,
        resolve: () => {
          settle();
          resolve();
        },
        reject: (err) => {
          settle();
          reject(err);
        },
      };
      const cancel = (code: 'timeout' | 'aborted') => {
        const at = g.queue.indexOf(p);
        if (at >= 0) {
          g.queue.splice(at, 1);
          p.reject(new ProposalDroppedError(code, 'failed', `group ${group}: put ${code === 'timeout' ? 'timed out' : 'aborted'} before it was proposed`));
        } else if (p.index > 0 && g.pending.get(p.index) === p) {
          g.pending.delete(p.index);
          p.reject(new ProposalDroppedError(code, 'unknown', `group ${group}: put ${code === 'timeout' ? 'timed out' : 'aborted'} after it was proposed at index ${p.index}; it may still apply`));
        }
      };
      // Not unref'd: a caller waiting on a put keeps the process (and so the store's ticks) alive.
      if (timeoutMs !== undefined) timer = setTimeout(() => cancel('timeout'), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      g.queue.push(p);
      this.#kick();
    });
  }

  /** Serializable read: the local state machine as applied so far. */
  async getLocal(group: GroupId, key: Uint8Array): Promise<Uint8Array | undefined> {
    this.#checkOpen();
    return this.layout.state.get(kvKey(group, key));
  }

  /**
   * Linearizable read (ReadIndex): waits for a read index from the leader (one heartbeat round, no log
   * write, no fsync), until this node applied that far, then reads locally. Reads share rounds as etcd's
   * server does: every read that arrives while a round is in flight joins the next round, so a round
   * serves all reads waiting for it however many readers there are.
   */
  async get(group: GroupId, key: Uint8Array, opts: GetOptions = {}): Promise<Uint8Array | undefined> {
    this.#checkOpen();
    const g = this.#group(group);
    const { timeoutMs, signal } = opts;
    if (timeoutMs === undefined && signal === undefined) return this.#get(g, key);
    // A read changes nothing: giving up on it is always safe; what it would have read is dropped.
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const giveUp = new Promise<never>((_, reject) => {
      const fail = (code: 'timeout' | 'aborted') => reject(new ProposalDroppedError(code, 'failed', `group ${group}: read ${code === 'timeout' ? 'timed out' : 'aborted'}`));
      if (signal?.aborted) fail('aborted');
      onAbort = () => fail('aborted');
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined) timer = setTimeout(() => fail('timeout'), timeoutMs);
    });
    const read = this.#get(g, key);
    read.catch(() => {});
    try {
      return await Promise.race([read, giveUp]);
    } finally {
      if (timer) clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  async #get(g: Group, key: Uint8Array): Promise<Uint8Array | undefined> {
    const index = await new Promise<number>((resolve, reject) => {
      g.nextRound.push({ resolve, reject });
      if (!g.roundInFlight) this.#startReadRound(g);
    });
    if (g.applied.applied < index && !this.#opts.faults?.readBeforeApplied) {
      await new Promise<void>((resolve, reject) => g.waitingReads.push({ index, resolve, reject }));
    }
    return this.layout.state.get(kvKey(g.id, key));
  }

  /** Sends one ReadIndex request for every read waiting for a round. */
  #startReadRound(g: Group): void {
    const batch = g.nextRound.splice(0);
    if (batch.length === 0) return;
    const ctx = `${this.id}:${++this.#readSeq}`;
    const r = g.node.readIndex(ctx);
    if (!r.ok) {
      for (const w of batch) w.reject(new NotLeaderError(g.id, g.lead));
      return;
    }
    g.roundInFlight = true;
    this.stats.readRounds++;
    // The core drops a round when leadership moves; time it out so its readers can retry.
    const timeoutMs = 2 * (this.#opts.electionTick ?? 10) * (this.#opts.tickMs ?? 10);
    const timer = setTimeout(() => g.reads.get(ctx)?.reject(new ProposalDroppedError('read-timeout', 'failed', `group ${g.id}: read index round timed out`)), timeoutMs);
    timer.unref();
    const done = () => {
      clearTimeout(timer);
      g.reads.delete(ctx);
      g.roundInFlight = false;
      if (g.nextRound.length > 0 && !this.#closed) this.#startReadRound(g);
    };
    g.reads.set(ctx, {
      resolve: (index) => {
        done();
        for (const w of batch) w.resolve(index);
      },
      reject: (err) => {
        done();
        for (const w of batch) w.reject(err);
      },
    });
    this.#kick();
  }

  /** Delivers a message from a peer. */
  step(m: Message): void {
    if (this.#closed) return;
    const g = this.#groups.get(m.group);
    if (!g) return;
    g.node.step(m);
    this.#kick();
  }

  /** The peer `id` could not be reached. */
  reportUnreachable(group: GroupId, id: NodeId): void {
    this.#groups.get(group)?.node.reportUnreachable(id);
  }

  /** Stops the loop, fails waiting clients, closes the layout. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ticker) clearInterval(this.#ticker);
    this.#kick();
    await this.#loop.catch(() => {});
    this.#failAll('closed');
    await this.layout.close();
  }

  /** Stops without closing engines (the caller simulates a crash and discards them). */
  async halt(): Promise<void> {
    this.#closed = true;
    if (this.#ticker) clearInterval(this.#ticker);
    this.#kick();
    await this.#loop.catch(() => {});
    this.#failAll('halted');
  }

  #group(id: GroupId): Group {
    const g = this.#groups.get(id);
    if (!g) throw new Error(`store ${this.id} has no group ${id}`);
    return g;
  }

  #checkOpen(): void {
    if (this.#failure) throw this.#failure;
    if (this.#closed) throw new ProposalDroppedError('closed', 'failed', 'store closed');
  }

  #kick(): void {
    this.#dirty = true;
    const w = this.#wake;
    if (w) {
      this.#wake = null;
      w();
    }
  }

  async #run(): Promise<void> {
    try {
      while (!this.#closed) {
        this.#dirty = false;
        await this.#feedProposals();
        const readies: Array<[Group, Ready]> = [];
        for (const g of this.#groups.values()) if (g.node.hasReady()) readies.push([g, g.node.ready()]);
        if (readies.length === 0) {
          if (!this.#dirty) await new Promise<void>((resolve) => (this.#wake = resolve));
          continue;
        }
        await this.#handle(readies);
        await this.#maybeTruncate();
      }
    } catch (err) {
      this.#failure = err instanceof Error ? err : new Error(String(err));
      this.#failAll(this.#failure);
      throw this.#failure;
    }
  }

  async #feedProposals(): Promise<void> {
    const max = this.#opts.maxBatch ?? 4096;
    const waitUs = this.#opts.batchWaitUs ?? 0;
    if (waitUs > 0 && [...this.#groups.values()].some((g) => g.queue.length > 0 && g.queue.length < max)) {
      await new Promise((r) => setTimeout(r, waitUs / 1000));
    }
    for (const g of this.#groups.values()) {
      const n = Math.min(max, g.queue.length);
      if (n === 0) continue;
      for (const p of g.queue.splice(0, n)) {
        const r = g.node.propose(p.data);
        if (!r.ok) p.reject(new NotLeaderError(g.id, r.leader));
        else {
          // A new leader term overwrote the slot of an earlier proposal of ours: that one never commits.
          const prev = g.pending.get(r.index);
          if (prev) prev.reject(new ProposalDroppedError('replaced', 'failed', `group ${g.id}: index ${r.index} was reused by term ${r.term}`));
          p.index = r.index;
          p.term = r.term;
          g.pending.set(r.index, p);
        }
      }
    }
  }

  async #handle(readies: Array<[Group, Ready]>): Promise<void> {
    const layout = this.layout;
    this.stats.readies += readies.length;
    for (const [g, rd] of readies) {
      if (rd.softState) g.lead = rd.softState.lead;
      this.#send(rd.messages);
    }

    // A snapshot replaces the state machine. Install it durably before the log it replaces is deleted,
    // for the same reason as the truncation rule.
    // The applied indexes move only once the state write holding them is done (`appliedIndex` readers
    // then read the state): here, and for the apply batch below.
    const snapOps: BatchOp[] = [];
    const snapApplied: Array<[Group, AppliedState]> = [];
    for (const [g, rd] of readies) {
      if (!rd.snapshot) continue;
      const { index, term } = rd.snapshot.metadata;
      const image = installSnapshotOps(g.id, rd.snapshot.data);
      snapOps.push(...image.ops);
      g.sessions = image.sessions;
      const next = { applied: index, truncIndex: index, truncTerm: term };
      snapApplied.push([g, next]);
      snapOps.push({ type: 'put', key: appliedKey(g.id), value: encodeApplied(next) });
      this.stats.snapshotsInstalled++;
    }
    if (snapOps.length > 0) await layout.state.write(snapOps, { sync: !layout.syncCoversState });
    for (const [g, next] of snapApplied) g.applied = next;

    // Persist: one batch to the raft engine for every group's snapshot, entries and HardState.
    const ops: BatchOp[] = [];
    let sync = false;
    for (const [g, rd] of readies) {
      if (rd.snapshot) {
        ops.push({ type: 'delRange', start: logKey(g.id, 0), end: logKey(g.id, rd.snapshot.metadata.index + 1) });
        g.lastPersisted = Math.max(g.lastPersisted, rd.snapshot.metadata.index);
      }
      const first = rd.entries[0];
      if (first) {
        const last = rd.entries[rd.entries.length - 1]!;
        // A new leader's entries replace a conflicting suffix: delete persisted entries beyond them.
        if (g.lastPersisted > last.index) ops.push({ type: 'delRange', start: logKey(g.id, last.index + 1), end: logKey(g.id, g.lastPersisted + 1) });
        for (const e of rd.entries) ops.push({ type: 'put', key: logKey(g.id, e.index), value: encodeEntry(e) });
        g.lastPersisted = last.index;
        this.stats.entriesPersisted += rd.entries.length;
      }
      if (rd.hardState) ops.push({ type: 'put', key: hardStateKey(g.id), value: encodeHardState(rd.hardState) });
      if (rd.mustSync) sync = true;
    }
    if (ops.length > 0) {
      await layout.raft.write(ops, { sync });
      if (sync) this.stats.logSyncs++;
      if (sync && (this.#opts.syncDelayUs ?? 0) > 0) await sleep(this.#opts.syncDelayUs! / 1000);
    }

    for (const [g, rd] of readies) {
      this.#send(rd.messagesAfterPersist);
      if (rd.snapshot) {
        g.storage.applySnapshot(rd.snapshot);
      }
      g.storage.append(rd.entries);
      if (rd.hardState) g.storage.setHardState(rd.hardState);
    }

    // Apply committed entries of every group with their applied index, in one unsynced batch.
    const applyOps: BatchOp[] = [];
    const applied: Array<[Group, readonly Entry[]]> = [];
    const nextApplied: Array<[Group, AppliedState]> = [];
    const verdicts = new Map<Group, Map<number, Verdict>>();
    for (const [g, rd] of readies) {
      if (rd.committedEntries.length === 0) continue;
      const gv = new Map<number, Verdict>();
      verdicts.set(g, gv);
      for (const e of rd.committedEntries) {
        if (e.index <= g.applied.applied) continue;
        if (e.type === 'normal' && e.data.byteLength > 0) {
          const cmd = decodePut(e.data);
          const verdict = this.#admit(g, cmd.client, cmd.seq, e.index, applyOps);
          gv.set(e.index, verdict);
          if (verdict === 'applied') applyOps.push({ type: 'put', key: kvKey(g.id, cmd.key), value: cmd.value });
        }
      }
      const last = rd.committedEntries[rd.committedEntries.length - 1]!;
      if (last.index > g.applied.applied) {
        const next = { ...g.applied, applied: last.index };
        nextApplied.push([g, next]);
        applyOps.push({ type: 'put', key: appliedKey(g.id), value: encodeApplied(next) });
      }
      applied.push([g, rd.committedEntries]);
      this.stats.entriesApplied += rd.committedEntries.length;
    }
    if (applyOps.length > 0) await layout.state.write(applyOps, { sync: false });
    for (const [g, next] of nextApplied) g.applied = next;

    for (const [g, entries] of applied) {
      const gv = verdicts.get(g);
      for (const e of entries) {
        const p = g.pending.get(e.index);
        if (!p) continue;
        g.pending.delete(e.index);
        if (p.term !== e.term) p.reject(new ProposalDroppedError('replaced', 'failed', `group ${g.id}: entry ${e.index} was replaced by term ${e.term}`));
        else if (gv?.get(e.index) === 'superseded') {
          p.reject(new ProposalDroppedError('superseded', 'unknown', `group ${g.id}: entry ${e.index} skipped: its client already applied a later request`));
        } else p.resolve();
      }
    }
    for (const [g, rd] of readies) {
      for (const rs of rd.readStates) {
        const r = g.reads.get(rs.requestCtx);
        if (r) {
          g.reads.delete(rs.requestCtx);
          r.resolve(rs.index);
        }
      }
      if (g.waitingReads.length > 0) {
        const still = g.waitingReads.filter((w) => w.index > g.applied.applied);
        for (const w of g.waitingReads) if (w.index <= g.applied.applied) w.resolve();
        g.waitingReads.length = 0;
        g.waitingReads.push(...still);
      }
      if (rd.softState && rd.softState.role !== 'leader') this.#failPending(g);
      g.node.advance();
    }
  }

  /**
   * The exactly-once rule (Raft paper §6.3): a write of client c with sequence number s applies only if s
   * is above the latest s' the state machine applied for c; s == s' is a retry of a request already
   * applied (answered as committed from the session, not applied again); s < s' is an abandoned request
   * the client has moved on from. The session update goes into the same batch as the application.
   */
  #admit(g: Group, client: number, seq: number, index: number, ops: BatchOp[]): Verdict {
    if (client === 0) return 'applied';
    const prev = g.sessions.get(client);
    if (prev && seq <= prev.seq) {
      this.stats.duplicatesSkipped++;
      return seq === prev.seq ? 'duplicate' : 'superseded';
    }
    const rec = { seq, index };
    g.sessions.set(client, rec);
    ops.push({ type: 'put', key: sessionKey(g.id, client), value: encodeSession(rec) });
    return 'applied';
  }

  /** Truncates each group's log per policy, following the RFC's rule. */
  async #maybeTruncate(): Promise<void> {
    const policy = this.#opts.truncation;
    if (!policy) return;
    for (const g of this.#groups.values()) {
      const first = g.storage.firstIndex();
      const upTo = g.applied.applied - policy.keep;
      if (upTo < first || g.applied.applied - first + 1 < policy.keep + policy.every) continue;
      await this.#truncate(g, upTo);
    }
  }

  async #truncate(g: Group, upTo: number): Promise<void> {
    const layout = this.layout;
    const term = g.storage.term(upTo);
    g.applied = { ...g.applied, truncIndex: upTo, truncTerm: term };
    // The truncated state goes where the applied index lives, with it.
    await layout.state.write([{ type: 'put', key: appliedKey(g.id), value: encodeApplied(g.applied) }], { sync: false });
    if (!layout.syncCoversState && (this.#opts.truncationSync ?? true) && g.durableApplied < upTo) {
      const t0 = this.now();
      await layout.state.sync();
      this.stats.truncationSyncNs += this.now() - t0;
      this.stats.truncationSyncs++;
      g.durableApplied = g.applied.applied;
    }
    await layout.raft.write([{ type: 'delRange', start: logKey(g.id, 0), end: logKey(g.id, upTo + 1) }], { sync: false });
    g.storage.createSnapshot(upTo, new Uint8Array(0));
    g.storage.compact(upTo);
    this.stats.truncations++;
    for (const fn of this.#truncationListeners) fn(g.id, upTo);
  }

  /** Calls `fn` after each log truncation (group, last index removed); returns the unsubscribe. */
  onTruncation(fn: (group: GroupId, upTo: number) => void): () => void {
    this.#truncationListeners.add(fn);
    return () => this.#truncationListeners.delete(fn);
  }

  #send(msgs: readonly Message[]): void {
    if (msgs.length === 0 || !this.#opts.send) return;
    const plain: Message[] = [];
    for (const m of msgs) {
      if (m.type === 'MsgSnap' && m.snapshot) void this.#sendSnapshot(m);
      else plain.push(m);
    }
    if (plain.length > 0) this.#opts.send(plain);
  }

  /** Fills a MsgSnap with the state machine image (captured now), sends it and reports it sent. */
  async #sendSnapshot(m: Message): Promise<void> {
    const g = this.#groups.get(m.group);
    if (!g || !m.snapshot) return;
    try {
      // Sent at the index the image was captured at (at or past the one the core asked for), so that the
      // follower's state machine and sessions match its log exactly.
      const { data, applied } = await captureSnapshotData(this.layout.state, m.group);
      const index = applied?.applied ?? 0;
      if (index < m.snapshot.metadata.index) throw new Error(`snapshot image at ${index} is behind ${m.snapshot.metadata.index}`);
      const term = g.storage.term(index);
      this.#opts.send?.([{ ...m, snapshot: { metadata: { index, term }, data } }]);
      this.stats.snapshotsSent++;
      g.node.reportSnapshot(m.to, 'finish');
    } catch {
      if (!this.#closed) g.node.reportSnapshot(m.to, 'failure');
    }
    this.#kick();
  }

  #failPending(g: Group): void {
    // The entries are in this node's log and may have reached others: the new leader may commit them.
    for (const p of g.pending.values()) p.reject(new ProposalDroppedError('leadership-lost', 'unknown', `group ${g.id}: leadership lost; the write may still apply`));
    g.pending.clear();
    for (const r of [...g.reads.values()]) r.reject(new NotLeaderError(g.id, g.lead));
    g.reads.clear();
  }

  /** Fails every waiting client: writes still queued certainly never apply; proposed ones may. */
  #failAll(why: 'closed' | 'halted' | Error): void {
    const err = (fate: 'failed' | 'unknown'): Error =>
      why instanceof Error ? why : new ProposalDroppedError('closed', fate, `store ${why}${fate === 'unknown' ? '; a proposed write may still apply' : ''}`);
    for (const g of this.#groups.values()) {
      for (const q of g.queue.splice(0)) q.reject(err('failed'));
      for (const p of g.pending.values()) p.reject(err('unknown'));
      g.pending.clear();
      for (const r of [...g.reads.values()]) r.reject(err('failed'));
      g.reads.clear();
      for (const w of g.nextRound.splice(0)) w.reject(err('failed'));
      for (const w of g.waitingReads.splice(0)) w.reject(err('failed'));
    }
  }
}

/** Group recoveries in flight at once when a store opens. */
const RECOVERY_CONCURRENCY = 64;

/** `fn` over `items` with at most `limit` calls in flight; results in input order. */
async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
