import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LayoutDef, LayoutOptions } from '../../engines/layouts/index.ts';
import type { GroupId, Message, NodeId } from '../../raft/index.ts';
import type { Deliver, Transport } from '../transport/transport.ts';
import { conditioned, NO_CONDITIONS, type NetConditions } from '../transport/conditioned.ts';
import { NotLeaderError, OutcomeUnknownError, ProposalDroppedError, fateOf, type PutOutcome } from '../client-errors.ts';
import type { Session } from '../command.ts';
import { Store, type StoreFaults, type StoreOptions, type TruncationPolicy } from '../store.ts';
import { SessionPool } from './session-pool.ts';

/** Faults a test switches on to show that a check catches them; each makes the cluster incorrect. */
export interface ClusterFaults extends StoreFaults {
  /**
   * `put` retries an attempt under a new session, as if it were a new write (the bug of issue 14): a
   * retry of a write that did apply is applied again.
   */
  readonly retryAsNewWrite?: boolean;
}

export interface ClusterPutOptions {
  /** Give up after this many ms, across attempts (default 30 000). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** The session of this write; by default one from the cluster's pool. */
  readonly session?: Session;
}

const DEFAULT_PUT_TIMEOUT_MS = 30_000;

/** What a cluster needs from a network (LocalNetwork implements it). */
export interface ClusterNetwork {
  join(id: NodeId, deliver: Deliver): Transport;
  setDown?(id: NodeId, down: boolean): void;
}

export interface ClusterOptions {
  readonly nodes: number;
  readonly groups?: readonly GroupId[];
  readonly layout: LayoutDef;
  /** Layout options of node `id` (1-based); by default `<dir>/n<id>` and `<raftDir>/n<id>`. */
  readonly layoutOptions: LayoutOptions;
  readonly network: ClusterNetwork;
  readonly truncation?: TruncationPolicy | null;
  readonly truncationSync?: boolean;
  readonly tickMs?: number;
  readonly seed?: number;
  /** Check-quorum on every store (default true; see StoreOptions.checkQuorum). */
  readonly checkQuorum?: boolean;
  /** Client ids for `put`'s sessions (default random; see SessionPool). */
  readonly newClientId?: () => number;
  /** Test-only faults. */
  readonly faults?: ClusterFaults;
  /** Group commit of every node's Store (default: the Store's). */
  readonly store?: Pick<StoreOptions, 'maxBatch' | 'batchWaitUs'>;
  /** Emulated round trip and loss on every node's outgoing messages (transport/conditioned.ts). */
  readonly net?: NetConditions;
  /** Per-node Store options: an emulated slow log on one member (StoreOptions.syncDelayUs). */
  readonly nodeStore?: (id: NodeId) => Pick<StoreOptions, 'syncDelayUs'>;
}

/**
 * N replicas of the same raft groups in one process, each with its own layout and data directory,
 * joined by a network. Clients go through `put`, which finds the leader and retries when leadership
 * moves, every attempt under the same session so the write applies at most once.
 */
export class Cluster {
  readonly stores: Array<Store | null>;
  readonly #opts: ClusterOptions;
  readonly #transports: Array<Transport | null>;
  readonly #groups: readonly GroupId[];
  readonly #sessions: SessionPool;

  private constructor(opts: ClusterOptions) {
    this.#opts = opts;
    this.#groups = opts.groups ?? [1];
    this.stores = new Array(opts.nodes).fill(null);
    this.#transports = new Array(opts.nodes).fill(null);
    this.#sessions = new SessionPool(opts.newClientId);
  }

  static async open(opts: ClusterOptions): Promise<Cluster> {
    const c = new Cluster(opts);
    try {
      for (let id = 1; id <= opts.nodes; id++) await c.start(id);
    } catch (err) {
      await c.close().catch(() => undefined); // the nodes already started; the start error is the one to report
      throw err;
    }
    return c;
  }

  get peers(): NodeId[] {
    return Array.from({ length: this.#opts.nodes }, (_, i) => i + 1);
  }

  nodeLayoutOptions(id: NodeId): LayoutOptions {
    const o = this.#opts.layoutOptions;
    return { ...o, dir: path.join(o.dir, `n${id}`), ...(o.raftDir ? { raftDir: path.join(o.raftDir, `n${id}`) } : {}) };
  }

  /** Starts (or restarts after `stop`) node `id` from what its data directory holds. */
  async start(id: NodeId): Promise<Store> {
    const layout = await this.#opts.layout.open(this.nodeLayoutOptions(id));
    let store: Store | null = null;
    const transport = conditioned(this.#opts.network.join(id, (m: Message) => store?.step(m)), this.#opts.net ?? NO_CONDITIONS, (this.#opts.seed ?? 1) * 7907 + id);
    try {
      store = await Store.open({
        id,
        peers: this.peers,
        groups: this.#groups,
        layout,
        send: (msgs) => transport.send(msgs),
        truncation: this.#opts.truncation ?? null,
        truncationSync: this.#opts.truncationSync ?? true,
        tickMs: this.#opts.tickMs ?? 10,
        seed: this.#opts.seed ?? 1,
        checkQuorum: this.#opts.checkQuorum ?? true,
        ...(this.#opts.faults ? { faults: this.#opts.faults } : {}),
        ...this.#opts.store,
        ...this.#opts.nodeStore?.(id),
      });
    } catch (err) {
      await transport.close();
      await layout.close().catch(() => undefined);
      throw err;
    }
    this.#opts.network.setDown?.(id, false);
    this.stores[id - 1] = store;
    this.#transports[id - 1] = transport;
    return store;
  }

  /** Stops node `id` (closing its engines cleanly); `start(id)` brings it back. */
  async stop(id: NodeId): Promise<void> {
    const s = this.stores[id - 1];
    this.#opts.network.setDown?.(id, true);
    this.stores[id - 1] = null;
    await this.#transports[id - 1]?.close();
    this.#transports[id - 1] = null;
    await s?.close();
  }

  /**
   * The current leader of `group`, waiting up to `timeoutMs` for one. When a partitioned leader has not
   * stepped down yet, the leader of the highest term is the current one.
   */
  async leader(group: GroupId = this.#groups[0]!, timeoutMs = 10_000): Promise<Store> {
    const deadline = Date.now() + timeoutMs;
    let campaigned = false;
    for (;;) {
      let l: Store | undefined;
      for (const s of this.stores) if (s?.isLeader(group) && (!l || s.term(group) > l.term(group))) l = s;
      if (l) return l;
      if (!campaigned) {
        // Speed up the first election: any live node may campaign; raft still decides.
        this.stores.find((s) => s !== null)?.campaign(group);
        campaigned = true;
      }
      if (Date.now() > deadline) throw new Error(`no leader for group ${group} within ${timeoutMs} ms`);
      await sleep(5);
    }
  }

  /**
   * A client put: resolves once committed; otherwise throws an error whose `fate` (`fateOf`) is `failed`
   * only when no attempt may still apply, else `unknown` (an OutcomeUnknownError).
   */
  async put(group: GroupId, key: Uint8Array, value: Uint8Array, opts: ClusterPutOptions = {}): Promise<void> {
    const o = await this.putOutcome(group, key, value, opts);
    if (o.status !== 'committed') throw o.error;
  }

  /**
   * A client put to the leader, retried when leadership moves or an attempt is dropped, until it commits,
   * fails for good, or the time runs out. Every attempt carries the same session (client id, sequence
   * number), so however many attempts reach a log, the state machine applies the write at most once.
   */
  async putOutcome(group: GroupId, key: Uint8Array, value: Uint8Array, opts: ClusterPutOptions = {}): Promise<PutOutcome> {
    const deadline = Date.now() + (opts.timeoutMs ?? DEFAULT_PUT_TIMEOUT_MS);
    const held = opts.session ? null : this.#sessions.acquire();
    const extra: Array<{ release(): void }> = [];
    const session = opts.session ?? held!.session;
    let unknown: Error | null = null;
    let last: Error = new ProposalDroppedError('timeout', 'failed', `group ${group}: put timed out before any attempt`);
    try {
      for (let attempt = 0; ; attempt++) {
        const left = deadline - Date.now();
        if (opts.signal?.aborted || left <= 0) break;
        let leader: Store;
        try {
          leader = await this.leader(group, left);
        } catch (err) {
          last = err instanceof Error ? err : new Error(String(err));
          break;
        }
        let s = session;
        if (attempt > 0 && this.#opts.faults?.retryAsNewWrite) {
          const fresh = this.#sessions.acquire();
          extra.push(fresh);
          s = fresh.session;
        }
        try {
          await leader.put(group, key, value, { session: s, timeoutMs: Math.max(1, deadline - Date.now()), ...(opts.signal ? { signal: opts.signal } : {}) });
          return { status: 'committed' };
        } catch (err) {
          last = err instanceof Error ? err : new Error(String(err));
          if (fateOf(err) === 'unknown') unknown = last;
          if (!(err instanceof NotLeaderError || err instanceof ProposalDroppedError)) break;
          await sleep(2);
        }
      }
    } finally {
      held?.release();
      for (const e of extra) e.release();
    }
    if (unknown) return { status: 'unknown', error: new OutcomeUnknownError(`group ${group}: put gave up; an attempt may still apply (${unknown.message})`, { cause: unknown }) };
    return { status: 'failed', error: last };
  }

  async close(): Promise<void> {
    for (let id = 1; id <= this.#opts.nodes; id++) await this.stop(id);
  }
}
