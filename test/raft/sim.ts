/**
 * A seeded, deterministic simulation of a raft group under faults: message drops, reordering and
 * duplication, network partitions, and node crashes with restart from the persisted state only.
 *
 * Each node follows the driver protocol of `Ready` literally, with persistence as a separate event:
 * taking a Ready sends its early messages (a leader's appends) at once; some later event "finishes
 * the sync", which persists, sends `messagesAfterPersist`, applies and advances. Between the two the
 * node keeps stepping messages, ticking and taking proposals, like the async driver. A crash in
 * between loses the unpersisted Ready.
 *
 * Checked continuously: election safety, log matching, leader completeness, state machine safety,
 * read linearizability; at the end, after healing: every acknowledged write is applied on every node.
 * All randomness comes from one seed, so a failure replays exactly.
 */
import {
  MemoryStorage,
  RawNode,
  SeededRandom,
  type Entry,
  type Message,
  type NodeId,
  type Ready,
  type Snapshot,
} from '../../raft/index.ts';

const te = new TextEncoder();
const td = new TextDecoder();

export interface SimOptions {
  readonly seed: number;
  readonly nodes: number;
  /** Fault-phase events. */
  readonly steps: number;
  /** Print a trace line per event (debugging a seed). */
  readonly trace?: boolean;
}

export interface SimResult {
  readonly seed: number;
  readonly acked: number;
  readonly proposed: number;
  readonly leadersElected: number;
  readonly crashes: number;
  readonly snapshotsSent: number;
  readonly reads: number;
  readonly maxTerm: number;
  /** A digest of the whole run, to check that a seed replays exactly. */
  readonly digest: string;
}

interface StateMachine {
  /** Applied index. Persisted atomically with the entries (the state engine's batch). */
  index: number;
  /** index -> "term:type:data" of every applied entry. */
  entries: Map<number, string>;
}

interface Disk {
  /** The durable raft log and HardState (what the raft engine synced). */
  log: MemoryStorage;
  /** The state machine as applied; its writes are not synced (design: apply in an unsynced batch). */
  sm: StateMachine;
  /** What of the state machine survives a crash: the state as of its last sync. */
  smSynced: StateMachine;
}

const copySm = (sm: StateMachine): StateMachine => ({ index: sm.index, entries: new Map(sm.entries) });

interface SimNode {
  readonly id: NodeId;
  up: boolean;
  incarnation: number;
  disk: Disk;
  /** The core's view of the log (the driver's cache), rebuilt from disk on restart. */
  mem: MemoryStorage;
  node: RawNode | undefined;
  pending: Ready | undefined;
  /** ReadStates waiting until the state machine reaches their index. */
  waitingReads: Array<{ ctx: string; index: number }>;
  role: string;
}

interface Envelope {
  readonly m: Message;
  readonly fromIncarnation: number;
}

export class SimFailure extends Error {
  constructor(
    readonly seed: number,
    readonly nodes: number,
    readonly step: number,
    detail: string,
  ) {
    super(`raft simulation failed: seed=${seed} nodes=${nodes} step=${step}: ${detail}\n` +
      `  replay: RAFT_SIM_SEED=${seed} RAFT_SIM_NODES=${nodes} node --import tsx --test test/raft/simulation.test.ts`);
    this.name = 'SimFailure';
  }
}

const key = (e: Entry): string => `${e.term}:${e.type}:${td.decode(e.data)}`;

function encodeSm(sm: StateMachine): Uint8Array {
  return te.encode(JSON.stringify([...sm.entries]));
}

function decodeSm(s: Snapshot): StateMachine {
  return { index: s.metadata.index, entries: new Map(JSON.parse(td.decode(s.data)) as Array<[number, string]>) };
}

/** The client write ids applied to a state machine. */
function writesOf(sm: StateMachine): Set<string> {
  const have = new Set<string>();
  for (const k of sm.entries.values()) {
    const p = k.indexOf(':normal:');
    if (p >= 0) have.add(k.slice(p + ':normal:'.length));
  }
  return have;
}

function copyStorage(src: MemoryStorage): MemoryStorage {
  const dst = new MemoryStorage();
  const snap = src.snapshot();
  if (snap.metadata.index > 0) dst.applySnapshot(snap);
  const first = src.firstIndex();
  const last = src.lastIndex();
  if (last >= first) dst.append(src.entries(first, last + 1, Infinity));
  dst.setHardState(src.initialState().hardState);
  return dst;
}

export class Simulation {
  readonly #o: SimOptions;
  readonly #rng: SeededRandom;
  readonly #ids: NodeId[];
  readonly #nodes = new Map<NodeId, SimNode>();
  #net: Envelope[] = [];
  /** Partition: node -> side; messages cross only between nodes on the same side. */
  #side = new Map<NodeId, number>();
  #faults = true;
  #step = 0;
  #digest = 0;
  readonly #preVote: boolean;
  readonly #checkQuorum: boolean;
  readonly #maxSizePerMsg: number;
  readonly #maxInflight: number;

  // Global knowledge for the safety checks.
  readonly #leaderOfTerm = new Map<number, NodeId>();
  /** index -> key of the entry applied there by anyone. */
  readonly #appliedAt = new Map<number, string>();
  /** index -> key of the entry known committed (a persisted commit index covers it). */
  readonly #committed = new Map<number, string>();
  readonly #proposals = new Map<string, { node: NodeId; index: number; term: number }>();
  readonly #acked: string[] = [];
  readonly #reads = new Map<string, { node: NodeId; ackedBefore: number }>();
  #nextWrite = 0;
  #maxAckedIndex = 0;
  #nextRead = 0;
  #stats = { leadersElected: 0, crashes: 0, snapshotsSent: 0, reads: 0, maxTerm: 0 };

  constructor(o: SimOptions) {
    this.#o = o;
    this.#rng = new SeededRandom(o.seed);
    this.#ids = Array.from({ length: o.nodes }, (_, i) => i + 1);
    this.#preVote = this.#rng.chance(0.7);
    this.#checkQuorum = this.#rng.chance(0.5);
    // Small messages make partial replication (and so the Figure 8 situations) common.
    this.#maxSizePerMsg = [1, 64, 256, 4096][this.#rng.int(4)]!;
    this.#maxInflight = [1, 4, 64][this.#rng.int(3)]!;
    for (const id of this.#ids) {
      const sn: SimNode = {
        id,
        up: false,
        incarnation: 0,
        disk: { log: new MemoryStorage(), sm: { index: 0, entries: new Map() }, smSynced: { index: 0, entries: new Map() } },
        mem: new MemoryStorage(),
        node: undefined,
        pending: undefined,
        waitingReads: [],
        role: 'follower',
      };
      this.#nodes.set(id, sn);
      this.#restart(sn);
    }
  }

  #fail(detail: string): never {
    throw new SimFailure(this.#o.seed, this.#o.nodes, this.#step, detail);
  }

  #mix(s: string): void {
    for (let i = 0; i < s.length; i++) this.#digest = (Math.imul(this.#digest ^ s.charCodeAt(i), 16777619) >>> 0);
  }

  #trace(s: string): void {
    this.#mix(s);
    if (this.#o.trace) console.log(`[${this.#step}] ${s}`);
  }

  // ---- node lifecycle --------------------------------------------------------------------------

  #restart(sn: SimNode): void {
    sn.incarnation++;
    sn.up = true;
    sn.mem = copyStorage(sn.disk.log);
    sn.pending = undefined;
    sn.waitingReads = [];
    sn.role = 'follower';
    sn.node = new RawNode({
      id: sn.id,
      peers: this.#ids,
      storage: sn.mem,
      applied: sn.disk.sm.index,
      electionTick: 10,
      heartbeatTick: 1,
      maxSizePerMsg: this.#maxSizePerMsg,
      maxInflightMsgs: this.#maxInflight,
      preVote: this.#preVote,
      checkQuorum: this.#checkQuorum,
      randomInt: this.#rng.fork().randomInt,
    });
    this.#trace(`restart ${sn.id} inc=${sn.incarnation} applied=${sn.disk.sm.index} last=${sn.mem.lastIndex()}`);
  }

  #crash(sn: SimNode): void {
    // Everything not persisted is gone: the unpersisted Ready, the in-memory log, pending reads, and
    // state machine writes since its last sync (the restarted node re-applies them from the log).
    sn.up = false;
    sn.disk.sm = copySm(sn.disk.smSynced);
    sn.node = undefined;
    sn.pending = undefined;
    sn.waitingReads = [];
    this.#stats.crashes++;
    this.#trace(`crash ${sn.id}`);
  }

  // ---- the driver, split into its two halves ---------------------------------------------------

  #takeReady(sn: SimNode): void {
    const rd = sn.node!.ready();
    sn.pending = rd;
    // Step 1: a leader's appends and heartbeats go out while we persist.
    this.#sendAll(sn, rd.messages);
    this.#trace(`ready ${sn.id} ents=${rd.entries.length} committed=${rd.committedEntries.length} early=${rd.messages.length}`);
  }

  #finishPersist(sn: SimNode): void {
    const rd = sn.pending!;
    sn.pending = undefined;
    const node = sn.node!;
    // Step 2: persist snapshot, entries, HardState (one atomic synced batch).
    for (const s of [sn.disk.log, sn.mem]) {
      if (rd.snapshot) s.applySnapshot(rd.snapshot);
      s.append(rd.entries);
      if (rd.hardState) s.setHardState(rd.hardState);
    }
    if (rd.hardState) this.#recordCommitted(sn, rd.hardState.commit);
    // Step 3: now the votes and acks may go.
    this.#sendAll(sn, rd.messagesAfterPersist);
    // Step 4: apply.
    if (rd.snapshot) this.#applySnapshot(sn, rd.snapshot);
    for (const e of rd.committedEntries) this.#apply(sn, e);
    for (const r of rd.readStates) sn.waitingReads.push({ ctx: r.requestCtx, index: r.index });
    this.#serveReads(sn);
    // Step 5.
    node.advance();
    this.#trace(`persist ${sn.id} ents=${rd.entries.length} hs=${rd.hardState ? `${rd.hardState.term}/${rd.hardState.vote}/${rd.hardState.commit}` : '-'} snap=${rd.snapshot?.metadata.index ?? '-'}`);
  }

  #recordCommitted(sn: SimNode, commit: number): void {
    // A persisted commit index: everything up to it is committed for good.
    const first = sn.mem.firstIndex();
    for (let i = commit; i >= first; i--) {
      const e = sn.mem.entries(i, i + 1, Infinity)[0]!;
      const k = key(e);
      const prev = this.#committed.get(i);
      if (prev === undefined) this.#committed.set(i, k);
      else if (prev !== k) this.#fail(`committed entry at ${i} changed: ${prev} vs ${k} on node ${sn.id}`);
      else break; // everything below was checked when it was recorded
    }
  }

  #apply(sn: SimNode, e: Entry): void {
    const sm = sn.disk.sm;
    if (e.index !== sm.index + 1) this.#fail(`node ${sn.id} applies ${e.index} after ${sm.index}`);
    const k = key(e);
    const prev = this.#appliedAt.get(e.index);
    if (prev === undefined) this.#appliedAt.set(e.index, k);
    else if (prev !== k) this.#fail(`state machine safety: index ${e.index} applied as ${prev} and as ${k} (node ${sn.id})`);
    sm.entries.set(e.index, k);
    sm.index = e.index;
    if (e.type === 'normal') {
      const id = td.decode(e.data);
      const p = this.#proposals.get(id);
      // Acknowledge to the client: the proposing node applied the entry with the proposed index and term.
      if (p && p.node === sn.id && p.index === e.index && p.term === e.term) {
        this.#acked.push(id);
        this.#maxAckedIndex = Math.max(this.#maxAckedIndex, e.index);
        this.#proposals.delete(id);
        this.#trace(`ack ${id}@${e.index}`);
      }
    }
  }

  #applySnapshot(sn: SimNode, s: Snapshot): void {
    const sm = decodeSm(s);
    for (const [i, k] of sm.entries) {
      const prev = this.#appliedAt.get(i);
      if (prev === undefined) this.#appliedAt.set(i, k);
      else if (prev !== k) this.#fail(`snapshot ${s.metadata.index} holds ${k} at ${i}, applied elsewhere as ${prev}`);
    }
    for (const [i, k] of sn.disk.sm.entries) {
      if (sm.entries.get(i) !== k) this.#fail(`snapshot ${s.metadata.index} disagrees with node ${sn.id}'s applied entry ${i}`);
    }
    sn.disk.sm = sm;
    // Installing a snapshot replaces the log's prefix, so the state must be durable first.
    sn.disk.smSynced = copySm(sm);
  }

  #serveReads(sn: SimNode): void {
    sn.waitingReads = sn.waitingReads.filter((r) => {
      if (sn.disk.sm.index < r.index) return true;
      const req = this.#reads.get(r.ctx);
      if (!req) return false;
      this.#reads.delete(r.ctx);
      // Linearizability: every write acknowledged before the read began is visible.
      const have = writesOf(sn.disk.sm);
      for (const id of this.#acked.slice(0, req.ackedBefore)) {
        if (!have.has(id)) this.#fail(`read ${r.ctx} on ${sn.id} at ${r.index} misses acked write ${id}`);
      }
      this.#stats.reads++;
      return false;
    });
  }

  #sendAll(sn: SimNode, ms: readonly Message[]): void {
    for (const m of ms) {
      this.#net.push({ m, fromIncarnation: sn.incarnation });
      if (m.type === 'MsgSnap') this.#stats.snapshotsSent++;
    }
    // Bound the network so duplicates cannot grow it without limit.
    if (this.#net.length > 1000) {
      for (const env of this.#net.splice(0, this.#net.length - 1000)) this.#dropped(env);
    }
  }

  /** The transport tells the sender about lost snapshots (required) and unreachable peers. */
  #dropped(env: Envelope): void {
    const { m } = env;
    const from = this.#nodes.get(m.from)!;
    if (!from.up || from.incarnation !== env.fromIncarnation) return;
    if (m.type === 'MsgSnap') from.node!.reportSnapshot(m.to, 'failure');
    else if (m.type === 'MsgApp') from.node!.reportUnreachable(m.to);
  }

  #connected(a: NodeId, b: NodeId): boolean {
    return (this.#side.get(a) ?? 0) === (this.#side.get(b) ?? 0);
  }

  #deliver(i: number): void {
    const [env] = this.#net.splice(i, 1);
    const { m } = env!;
    const from = this.#nodes.get(m.from)!;
    const to = this.#nodes.get(m.to)!;
    const senderAlive = from.up && from.incarnation === env!.fromIncarnation;
    const dropped = !to.up || !this.#connected(m.from, m.to) || (this.#faults && this.#rng.chance(0.05));
    if (this.#faults && !dropped && this.#rng.chance(0.03)) this.#net.push(env!); // duplicate
    this.#trace(`${dropped ? 'drop' : 'deliver'} ${m.type} ${m.from}->${m.to} t${m.term} i${m.index} n${m.entries.length} c${m.commit}${m.reject ? ' rej' : ''}`);
    if (dropped) {
      this.#dropped(env!);
      return;
    }
    to.node!.step(m);
    if (m.type === 'MsgSnap' && senderAlive) from.node!.reportSnapshot(m.to, 'finish');
    this.#afterStep(to);
  }

  // ---- checks ----------------------------------------------------------------------------------

  #afterStep(sn: SimNode): void {
    const st = sn.node!.status();
    const role = st.softState.role;
    this.#stats.maxTerm = Math.max(this.#stats.maxTerm, st.hardState.term);
    if (role === 'leader') {
      const term = st.hardState.term;
      const prev = this.#leaderOfTerm.get(term);
      if (prev === undefined) {
        this.#leaderOfTerm.set(term, sn.id);
        this.#stats.leadersElected++;
        this.#trace(`leader ${sn.id} term ${term}`);
        this.#checkLeaderCompleteness(sn);
      } else if (prev !== sn.id) {
        this.#fail(`election safety: nodes ${prev} and ${sn.id} both leaders of term ${term}`);
      }
    }
    sn.role = role;
  }

  #checkLeaderCompleteness(sn: SimNode): void {
    const node = sn.node!;
    const first = node.status().firstIndex;
    for (const [i, k] of this.#committed) {
      if (i < first) continue; // compacted into the leader's snapshot (checked on apply)
      const t = node.termAt(i);
      if (t === undefined || String(t) !== k.slice(0, k.indexOf(':')))
        this.#fail(`leader completeness: new leader ${sn.id} (term ${node.status().hardState.term}) lacks committed ${k} at ${i} (has term ${t})`);
    }
  }

  /** Log matching: if two logs hold an entry with the same index and term, they are identical up to it. */
  #checkLogMatching(): void {
    const logs = this.#ids
      .map((id) => this.#nodes.get(id)!)
      .filter((sn) => sn.up)
      .map((sn) => ({ id: sn.id, byIndex: new Map(sn.node!.logEntries().map((e) => [e.index, e])) }));
    for (let a = 0; a < logs.length; a++) {
      for (let b = a + 1; b < logs.length; b++) {
        const la = logs[a]!;
        const lb = logs[b]!;
        let matched = false;
        const maxI = Math.max(...la.byIndex.keys(), ...lb.byIndex.keys(), 0);
        for (let i = maxI; i > 0; i--) {
          const ea = la.byIndex.get(i);
          const eb = lb.byIndex.get(i);
          if (!ea || !eb) {
            if (matched && (ea || eb)) continue; // one side compacted below
            continue;
          }
          if (!matched && ea.term === eb.term) matched = true;
          if (matched && key(ea) !== key(eb))
            this.#fail(`log matching: nodes ${la.id} and ${lb.id} agree at a later index but differ at ${i}: ${key(ea)} vs ${key(eb)}`);
        }
      }
    }
  }

  // ---- the event loop --------------------------------------------------------------------------

  #up(): SimNode[] {
    return this.#ids.map((id) => this.#nodes.get(id)!).filter((sn) => sn.up);
  }

  #pick<T>(xs: readonly T[]): T | undefined {
    return xs.length === 0 ? undefined : xs[this.#rng.int(xs.length)];
  }

  #event(): void {
    const r = this.#rng.next();
    const up = this.#up();
    if (r < 0.035) {
      for (const sn of up) {
        sn.node!.tick();
        this.#afterStep(sn);
      }
      this.#trace('tick');
    } else if (r < 0.5) {
      // The network keeps up with load: the more is queued, the more one event delivers.
      const n = 1 + Math.floor(this.#net.length / 40);
      for (let k = 0; k < n && this.#net.length > 0; k++) {
        // Random pick: reordering. With faults off, mostly in order.
        const i = this.#faults ? this.#rng.int(this.#net.length) : this.#rng.chance(0.8) ? 0 : this.#rng.int(this.#net.length);
        this.#deliver(i);
      }
    } else if (r < 0.7) {
      const sn = this.#pick(up.filter((s) => !s.pending && s.node!.hasReady()));
      if (sn) this.#takeReady(sn);
    } else if (r < 0.88) {
      const sn = this.#pick(up.filter((s) => s.pending));
      if (sn) this.#finishPersist(sn);
    } else if (r < 0.94) {
      // Clients mostly find the leader; sometimes they ask a follower and are turned away.
      const leader = up.find((x) => x.role === 'leader');
      const sn = leader && this.#rng.chance(0.8) ? leader : this.#pick(up);
      // After healing, only the final write: the target must stop moving.
      if (sn && this.#faults) {
        const id = `w${this.#nextWrite++}`;
        const res = sn.node!.propose(te.encode(id));
        if (res.ok) {
          this.#proposals.set(id, { node: sn.id, index: res.index, term: res.term });
          this.#trace(`propose ${id} on ${sn.id} -> ${res.index}/${res.term}`);
        }
      }
    } else if (r < 0.96) {
      const sn = this.#pick(up);
      if (sn) {
        const ctx = `r${this.#nextRead++}`;
        if (sn.node!.readIndex(ctx).ok) this.#reads.set(ctx, { node: sn.id, ackedBefore: this.#acked.length });
      }
    } else if (r < 0.975) {
      const sn = this.#pick(up);
      if (sn) this.#compact(sn);
    } else if (r < 0.98) {
      // The state engine flushes on its own now and then.
      const sn = this.#pick(up);
      if (sn) sn.disk.smSynced = copySm(sn.disk.sm);
    } else if (!this.#faults) {
      return;
    } else if (r < 0.984) {
      const sn = this.#pick(up);
      if (sn && up.length > 1) this.#crash(sn);
    } else if (r < 0.992) {
      const sn = this.#pick(this.#ids.map((id) => this.#nodes.get(id)!).filter((s) => !s.up));
      if (sn) this.#restart(sn);
    } else if (r < 0.995) {
      this.#side = new Map(this.#ids.map((id) => [id, this.#rng.int(2)]));
      this.#trace(`partition ${[...this.#side].map(([id, s]) => `${id}:${s}`).join(' ')}`);
    } else {
      this.#side = new Map();
      this.#trace('heal');
    }
  }

  #compact(sn: SimNode): void {
    // Truncate up to the applied index (the state machine is durable here, so the RFC's rule holds).
    const i = sn.disk.sm.index;
    if (i - sn.disk.log.firstIndex() < 8 || i <= sn.disk.log.snapshot().metadata.index) return;
    // The RFC's rule: before deleting log entries up to i, the state engine durably holds them.
    sn.disk.smSynced = copySm(sn.disk.sm);
    const data = encodeSm(sn.disk.sm);
    for (const s of [sn.disk.log, sn.mem]) {
      if (i > s.lastIndex() || i <= s.snapshot().metadata.index) continue;
      s.createSnapshot(i, data);
      s.compact(i);
    }
    this.#trace(`compact ${sn.id} to ${i}`);
  }

  run(): SimResult {
    const { steps } = this.#o;
    for (this.#step = 0; this.#step < steps; this.#step++) {
      this.#event();
      if (this.#step % 50 === 0) this.#checkLogMatching();
    }
    // Heal: no more faults, every node back up; the cluster must converge.
    this.#faults = false;
    this.#side = new Map();
    for (const sn of this.#nodes.values()) if (!sn.up) this.#restart(sn);
    this.#trace('heal all');
    // Liveness: a write proposed after healing is acknowledged and reaches every node.
    let finalId: string | undefined;
    let proposedAt = 0;
    let converged = false;
    const limit = this.#step + 40_000;
    for (; this.#step < limit; this.#step++) {
      this.#event();
      if (this.#step % 50 === 0) this.#checkLogMatching();
      if (finalId === undefined || (this.#proposals.has(finalId) && this.#step - proposedAt > 3000)) {
        // (Re)propose: a proposal can be lost to a leader change.
        const lead = this.#up().find((sn) => sn.role === 'leader');
        const id = `final${this.#step}`;
        const res = lead?.node!.propose(te.encode(id));
        if (lead && res?.ok) {
          finalId = id;
          proposedAt = this.#step;
          this.#proposals.set(id, { node: lead.id, index: res.index, term: res.term });
        }
      } else if (!this.#proposals.has(finalId)) {
        // Every acknowledged write (the final one included) must reach every node.
        const target = Math.max(this.#appliedIndexOf(finalId), this.#maxAckedIndex);
        if (this.#up().every((sn) => sn.disk.sm.index >= target)) {
          converged = true;
          break;
        }
      }
    }
    if (!converged) this.#fail(`the healed cluster did not converge:\n${this.#describe()}`);
    this.#checkLogMatching();
    this.#checkAckedEverywhere();
    return {
      seed: this.#o.seed,
      acked: this.#acked.length,
      proposed: this.#nextWrite,
      ...this.#stats,
      digest: this.#digest.toString(16),
    };
  }

  #describe(): string {
    const lines: string[] = [];
    for (const sn of this.#nodes.values()) {
      if (!sn.up) {
        lines.push(`  node ${sn.id}: down`);
        continue;
      }
      const st = sn.node!.status();
      const prs = st.progress ? [...st.progress].map(([id, p]) => `${id}:${p.state}/${p.match}/${p.next}`).join(' ') : '';
      lines.push(
        `  node ${sn.id}: ${st.softState.role} term=${st.hardState.term} lead=${st.softState.lead} commit=${st.hardState.commit} ` +
          `applied=${sn.disk.sm.index} log=[${st.firstIndex},${st.lastIndex}] pending=${sn.pending ? 'yes' : 'no'} ${prs}`,
      );
    }
    lines.push(`  network: ${this.#net.length} messages`);
    return lines.join('\n');
  }

  #appliedIndexOf(id: string): number {
    for (const [i, k] of this.#appliedAt) if (k.endsWith(`:normal:${id}`)) return i;
    return Infinity;
  }

  #checkAckedEverywhere(): void {
    for (const sn of this.#nodes.values()) {
      const have = writesOf(sn.disk.sm);
      for (const id of this.#acked) {
        if (!have.has(id)) this.#fail(`acknowledged write ${id} is not applied on node ${sn.id}`);
      }
    }
  }
}
