/**
 * A synchronous test network of RawNodes over MemoryStorage: every Ready is persisted, sent and
 * applied at once, and messages are delivered in order unless a filter drops them.
 */
import {
  MemoryStorage,
  RawNode,
  SeededRandom,
  type Config,
  type Entry,
  type Message,
  type NodeId,
  type ReadState,
  type Ready,
} from '../../raft/index.ts';

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

export interface TestNode {
  readonly id: NodeId;
  node: RawNode;
  storage: MemoryStorage;
  /** Applied normal entries' data, by index (the "state machine"). */
  applied: Map<number, string>;
  appliedIndex: number;
  readStates: ReadState[];
  readies: Ready[];
}

export type Filter = (m: Message) => boolean;

export class Cluster {
  readonly nodes = new Map<NodeId, TestNode>();
  readonly ids: NodeId[];
  /** Every message ever handed to the network (after filtering), for assertions. */
  readonly sent: Message[] = [];
  queue: Message[] = [];
  /** Return true to drop a message. */
  drop: Filter = () => false;
  readonly rng: SeededRandom;
  readonly opts: Partial<Config>;

  constructor(n: number, opts: Partial<Config> = {}, seed = 1) {
    this.ids = Array.from({ length: n }, (_, i) => i + 1);
    this.rng = new SeededRandom(seed);
    this.opts = opts;
    for (const id of this.ids) this.#start(id, new MemoryStorage(), 0);
  }

  #start(id: NodeId, storage: MemoryStorage, applied: number, prev?: TestNode): TestNode {
    const node = new RawNode({
      id,
      peers: this.ids,
      storage,
      randomInt: this.rng.fork().randomInt,
      applied,
      ...this.opts,
    });
    const tn: TestNode = {
      id,
      node,
      storage,
      applied: prev?.applied ?? new Map(),
      appliedIndex: applied,
      readStates: [],
      readies: [],
    };
    this.nodes.set(id, tn);
    return tn;
  }

  get(id: NodeId): TestNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  /** Restarts a node from its storage (everything here is persisted synchronously, so nothing is lost). */
  restart(id: NodeId): TestNode {
    const old = this.get(id);
    return this.#start(id, old.storage, old.appliedIndex, old);
  }

  /** Handles one Ready of node `id` if it has one. */
  processReady(id: NodeId): boolean {
    const tn = this.get(id);
    if (!tn.node.hasReady()) return false;
    const rd = tn.node.ready();
    tn.readies.push(rd);
    this.#send(rd.messages);
    if (rd.snapshot) tn.storage.applySnapshot(rd.snapshot);
    tn.storage.append(rd.entries);
    if (rd.hardState) tn.storage.setHardState(rd.hardState);
    this.#send(rd.messagesAfterPersist);
    if (rd.snapshot) {
      tn.applied = new Map(JSON.parse(dec(rd.snapshot.data)) as Array<[number, string]>);
      tn.appliedIndex = rd.snapshot.metadata.index;
    }
    for (const e of rd.committedEntries) {
      if (e.index !== tn.appliedIndex + 1) throw new Error(`node ${id} applies ${e.index} after ${tn.appliedIndex}`);
      if (e.type === 'normal') tn.applied.set(e.index, dec(e.data));
      tn.appliedIndex = e.index;
    }
    tn.readStates.push(...rd.readStates);
    tn.node.advance();
    return true;
  }

  #send(ms: readonly Message[]): void {
    for (const m of ms) {
      if (this.drop(m)) {
        if (m.type === 'MsgSnap') this.nodes.get(m.from)?.node.reportSnapshot(m.to, 'failure');
        continue;
      }
      this.sent.push(m);
      this.queue.push(m);
    }
  }

  /** Delivers queued messages (and the ones they cause) until none are left. */
  deliverAll(): void {
    while (this.queue.length > 0) {
      const q = this.queue;
      this.queue = [];
      for (const m of q) {
        if (this.drop(m)) {
          if (m.type === 'MsgSnap') this.nodes.get(m.from)?.node.reportSnapshot(m.to, 'failure');
          continue;
        }
        this.get(m.to).node.step(m);
        if (m.type === 'MsgSnap') this.nodes.get(m.from)?.node.reportSnapshot(m.to, 'finish');
      }
    }
  }

  /** Processes Readies and delivers messages until the cluster is quiet. */
  stabilize(maxRounds = 10_000): void {
    for (let round = 0; round < maxRounds; round++) {
      let busy = false;
      for (const id of this.ids) busy = this.processReady(id) || busy;
      if (this.queue.length > 0) {
        busy = true;
        this.deliverAll();
      }
      if (!busy) return;
    }
    throw new Error('cluster did not stabilize');
  }

  tickAll(n = 1): void {
    for (let i = 0; i < n; i++) {
      for (const id of this.ids) this.get(id).node.tick();
      this.stabilize();
    }
  }

  /** Campaigns on `id` and stabilizes; returns the node. */
  elect(id: NodeId): TestNode {
    this.get(id).node.campaign();
    this.stabilize();
    return this.get(id);
  }

  leaders(): NodeId[] {
    return this.ids.filter((id) => this.get(id).node.status().softState.role === 'leader');
  }

  propose(id: NodeId, data: string): number {
    const r = this.get(id).node.propose(enc(data));
    if (!r.ok) throw new Error(`propose on ${id}: ${r.reason}`);
    return r.index;
  }

  /** Takes node `id` out of the network: it neither sends nor receives. */
  isolate(...ids: NodeId[]): void {
    const set = new Set(ids);
    this.drop = (m) => set.has(m.from) || set.has(m.to);
  }

  heal(): void {
    this.drop = () => false;
  }

  /** Snapshots node `id`'s state machine at its applied index and compacts its log up to there. */
  compact(id: NodeId): number {
    const tn = this.get(id);
    const i = tn.appliedIndex;
    tn.storage.createSnapshot(i, enc(JSON.stringify([...tn.applied])));
    tn.storage.compact(i);
    return i;
  }

  logOf(id: NodeId): readonly Entry[] {
    return this.get(id).node.logEntries();
  }
}
