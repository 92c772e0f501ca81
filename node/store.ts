import { RawNode, SeededRandom, type Entry, type GroupId, type Message, type NodeId, type Ready } from '../raft/index.ts';
import type { BatchOp } from '../engines/engine.ts';
import type { Layout } from '../engines/layouts/index.ts';
import { decodePut, encodePut } from './command.ts';
import { appliedKey, encodeApplied, encodeEntry, encodeHardState, hardStateKey, kvKey, logKey, type AppliedState } from './keys.ts';
import { recoverGroup } from './recover.ts';
import { captureSnapshotData, installSnapshotOps } from './snapshot-data.ts';

/** A write or read was sent to a replica that is not the group's leader. */
export class NotLeaderError extends Error {
  override readonly name = 'NotLeaderError';
  constructor(readonly group: GroupId, readonly leader: NodeId) {
    super(`group ${group}: not the leader (leader: ${leader || 'unknown'})`);
  }
}

/** A proposal was overwritten by another leader's entry, or the store closed before it applied. */
export class ProposalDroppedError extends Error {
  override readonly name = 'ProposalDroppedError';
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
}

interface Pending {
  readonly term: number;
  resolve(): void;
  reject(err: Error): void;
}

interface Group {
  readonly id: GroupId;
  readonly node: RawNode;
  readonly storage: import('../raft/index.ts').MemoryStorage;
  applied: AppliedState;
  /** Last index persisted in the raft engine. */
  lastPersisted: number;
  /** Applied index known durable in the state engine. */
  durableApplied: number;
  readonly queue: Array<{ data: Uint8Array; resolve: () => void; reject: (e: Error) => void }>;
  readonly pending: Map<number, Pending>;
  readonly reads: Map<string, { resolve: (index: number) => void; reject: (e: Error) => void }>;
  readonly waitingReads: Array<{ index: number; resolve: () => void }>;
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
        randomInt: (n) => rng.int(n),
      });
      s.#groups.set(gid, {
        id: gid, node, storage: rec.storage, applied: rec.applied, lastPersisted: rec.lastIndex,
        durableApplied: rec.applied.applied, queue: [], pending: new Map(), reads: new Map(), waitingReads: [], nextRound: [], roundInFlight: false, lead: 0,
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

  /** Puts `key` through raft; resolves when applied here (on the leader). */
  put(group: GroupId, key: Uint8Array, value: Uint8Array): Promise<void> {
    this.#checkOpen();
    const g = this.#group(group);
    return new Promise((resolve, reject) => {
      g.queue.push({ data: encodePut(key, value), resolve, reject });
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
  async get(group: GroupId, key: Uint8Array): Promise<Uint8Array | undefined> {
    this.#checkOpen();
    const g = this.#group(group);
    const index = await new Promise<number>((resolve, reject) => {
      g.nextRound.push({ resolve, reject });
      if (!g.roundInFlight) this.#startReadRound(g);
    });
    if (g.applied.applied < index) await new Promise<void>((resolve) => g.waitingReads.push({ index, resolve }));
    return this.layout.state.get(kvKey(group, key));
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
    const timer = setTimeout(() => g.reads.get(ctx)?.reject(new ProposalDroppedError(`group ${g.id}: read index round timed out`)), timeoutMs);
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
    this.#failAll(new ProposalDroppedError('store closed'));
    await this.layout.close();
  }

  /** Stops without closing engines (the caller simulates a crash and discards them). */
  async halt(): Promise<void> {
    this.#closed = true;
    if (this.#ticker) clearInterval(this.#ticker);
    this.#kick();
    await this.#loop.catch(() => {});
    this.#failAll(new ProposalDroppedError('store halted'));
  }

  #group(id: GroupId): Group {
    const g = this.#groups.get(id);
    if (!g) throw new Error(`store ${this.id} has no group ${id}`);
    return g;
  }

  #checkOpen(): void {
    if (this.#failure) throw this.#failure;
    if (this.#closed) throw new ProposalDroppedError('store closed');
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
          const prev = g.pending.get(r.index);
          if (prev) prev.reject(new ProposalDroppedError(`group ${g.id}: index ${r.index} reused`));
          g.pending.set(r.index, { term: r.term, resolve: p.resolve, reject: p.reject });
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
    const snapOps: BatchOp[] = [];
    for (const [g, rd] of readies) {
      if (!rd.snapshot) continue;
      const { index, term } = rd.snapshot.metadata;
      snapOps.push(...installSnapshotOps(g.id, rd.snapshot.data));
      g.applied = { applied: index, truncIndex: index, truncTerm: term };
      snapOps.push({ type: 'put', key: appliedKey(g.id), value: encodeApplied(g.applied) });
      this.stats.snapshotsInstalled++;
    }
    if (snapOps.length > 0) await layout.state.write(snapOps, { sync: !layout.syncCoversState });

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
    for (const [g, rd] of readies) {
      if (rd.committedEntries.length === 0) continue;
      for (const e of rd.committedEntries) {
        if (e.index <= g.applied.applied) continue;
        if (e.type === 'normal' && e.data.byteLength > 0) {
          const { key, value } = decodePut(e.data);
          applyOps.push({ type: 'put', key: kvKey(g.id, key), value });
        }
      }
      const last = rd.committedEntries[rd.committedEntries.length - 1]!;
      if (last.index > g.applied.applied) {
        g.applied = { ...g.applied, applied: last.index };
        applyOps.push({ type: 'put', key: appliedKey(g.id), value: encodeApplied(g.applied) });
      }
      applied.push([g, rd.committedEntries]);
      this.stats.entriesApplied += rd.committedEntries.length;
    }
    if (applyOps.length > 0) await layout.state.write(applyOps, { sync: false });

    for (const [g, entries] of applied) {
      for (const e of entries) {
        const p = g.pending.get(e.index);
        if (!p) continue;
        g.pending.delete(e.index);
        if (p.term === e.term) p.resolve();
        else p.reject(new ProposalDroppedError(`group ${g.id}: entry ${e.index} was replaced by term ${e.term}`));
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
      const data = await captureSnapshotData(this.layout.state, m.group);
      this.#opts.send?.([{ ...m, snapshot: { metadata: m.snapshot.metadata, data } }]);
      this.stats.snapshotsSent++;
      g.node.reportSnapshot(m.to, 'finish');
    } catch {
      if (!this.#closed) g.node.reportSnapshot(m.to, 'failure');
    }
    this.#kick();
  }

  #failPending(g: Group): void {
    for (const p of g.pending.values()) p.reject(new ProposalDroppedError(`group ${g.id}: leadership lost`));
    g.pending.clear();
    for (const r of [...g.reads.values()]) r.reject(new NotLeaderError(g.id, g.lead));
    g.reads.clear();
  }

  #failAll(err: Error): void {
    for (const g of this.#groups.values()) {
      for (const q of g.queue.splice(0)) q.reject(err);
      for (const p of g.pending.values()) p.reject(err);
      g.pending.clear();
      for (const r of [...g.reads.values()]) r.reject(err);
      g.reads.clear();
      for (const w of g.nextRound.splice(0)) w.reject(err);
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
