/**
 * A synchronous test network of RawNodes over MemoryStorage: every Ready is persisted, sent and
 * applied at once, and messages are delivered in order unless a filter drops them.
 */
import assert from 'node:assert/strict';
import {
  MemoryStorage,
  RawNode,
  SeededRandom,
  message,
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

/** Deterministic pseudo-random bytes (xorshift32), so payload mix-ups cannot compare equal. */
export function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

/** deepEqual without printing megabytes on failure: payloads are compared by content first. */
export function assertSameMessage(actual: Message, expected: Message, label: string = expected.type): void {
  const payloads = (m: Message) => [...m.entries.map((e) => e.data), ...(m.snapshot ? [m.snapshot.data] : [])];
  const a = payloads(actual);
  const e = payloads(expected);
  assert.equal(a.length, e.length, label);
  for (let i = 0; i < a.length; i++) {
    assert.ok(Buffer.from(a[i]!.buffer, a[i]!.byteOffset, a[i]!.byteLength).equals(e[i]!), `${label}: payload ${i} differs`);
    assert.equal(Object.getPrototypeOf(a[i]), Uint8Array.prototype, `${label}: payload ${i} is a plain Uint8Array`);
  }
  const strip = (m: Message) => ({
    ...m,
    entries: m.entries.map((x) => ({ ...x, data: x.data.byteLength })),
    ...(m.snapshot ? { snapshot: { ...m.snapshot, data: m.snapshot.data.byteLength } } : {}),
  });
  assert.deepEqual(strip(actual), strip(expected), label);
}

function sampleEntry(index: number, size: number, type: Entry['type'] = 'normal'): Entry {
  return { term: 3, index, type, data: type === 'noop' ? new Uint8Array(0) : bytes(size, index) };
}

/** One message of every type, with the fields each type really uses, plus edge values. */
export function sampleMessages(): Message[] {
  const base = { group: 7, to: 2, from: 1, term: 5 };
  return [
    message({ ...base, type: 'MsgApp', logTerm: 4, index: 10, commit: 9, entries: [sampleEntry(11, 0, 'noop'), sampleEntry(12, 1024), sampleEntry(13, 1)] }),
    message({ ...base, type: 'MsgApp', logTerm: 4, index: 10, commit: 9 }),
    message({ ...base, type: 'MsgAppResp', index: 13 }),
    message({ ...base, type: 'MsgAppResp', index: 10, reject: true, rejectHint: 8, logTerm: 2 }),
    message({ ...base, type: 'MsgVote', logTerm: 4, index: 13 }),
    message({ ...base, type: 'MsgVoteResp', reject: true }),
    message({ ...base, type: 'MsgPreVote', term: 6, logTerm: 4, index: 13 }),
    message({ ...base, type: 'MsgPreVoteResp', term: 6 }),
    message({ ...base, type: 'MsgHeartbeat', commit: 12, context: 'round-42' }),
    message({ ...base, type: 'MsgHeartbeatResp', context: 'round-42' }),
    message({ ...base, type: 'MsgHeartbeatResp', context: '' }),
    message({ ...base, type: 'MsgSnap', snapshot: { metadata: { index: 100, term: 4 }, data: bytes(4096, 9) } }),
    message({ ...base, type: 'MsgReadIndex', term: 0, context: 'read é ✓ 🚀' }),
    message({ ...base, type: 'MsgReadIndexResp', index: 99, context: 'read é ✓ 🚀' }),
    message({ ...base, type: 'MsgProp', term: 0, entries: [sampleEntry(0, 300)] }),
    // Edge values: the largest safe integers, group 0 and varint boundaries.
    message({
      type: 'MsgApp',
      group: Number.MAX_SAFE_INTEGER,
      to: 127,
      from: 128,
      term: 2 ** 32,
      logTerm: 2 ** 32 - 1,
      index: Number.MAX_SAFE_INTEGER,
      commit: 16383,
      rejectHint: 16384,
      entries: [{ term: Number.MAX_SAFE_INTEGER, index: 2 ** 40, type: 'normal', data: bytes(200, 1) }],
    }),
  ];
}
