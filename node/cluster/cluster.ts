import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LayoutDef, LayoutOptions } from '../../engines/layouts/index.ts';
import type { GroupId, Message, NodeId } from '../../raft/index.ts';
import type { Deliver, Transport } from '../transport/transport.ts';
import { NotLeaderError, ProposalDroppedError, Store, type StoreOptions, type TruncationPolicy } from '../store.ts';

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
  /** Group commit of every node's Store (default: the Store's). */
  readonly store?: Pick<StoreOptions, 'maxBatch' | 'batchWaitUs'>;
}

/**
 * N replicas of the same raft groups in one process, each with its own layout and data directory,
 * joined by a network. Clients go through `put`, which finds the leader and retries when leadership moves.
 */
export class Cluster {
  readonly stores: Array<Store | null>;
  readonly #opts: ClusterOptions;
  readonly #transports: Array<Transport | null>;
  readonly #groups: readonly GroupId[];

  private constructor(opts: ClusterOptions) {
    this.#opts = opts;
    this.#groups = opts.groups ?? [1];
    this.stores = new Array(opts.nodes).fill(null);
    this.#transports = new Array(opts.nodes).fill(null);
  }

  static async open(opts: ClusterOptions): Promise<Cluster> {
    const c = new Cluster(opts);
    for (let id = 1; id <= opts.nodes; id++) await c.start(id);
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
    const transport = this.#opts.network.join(id, (m: Message) => store?.step(m));
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
      ...this.#opts.store,
    });
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

  /** The current leader of `group`, waiting up to `timeoutMs` for one. */
  async leader(group: GroupId = this.#groups[0]!, timeoutMs = 10_000): Promise<Store> {
    const deadline = Date.now() + timeoutMs;
    let campaigned = false;
    for (;;) {
      const l = this.stores.find((s) => s?.isLeader(group));
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

  /** A client put: to the leader, retried when leadership moves or the proposal is dropped. */
  async put(group: GroupId, key: Uint8Array, value: Uint8Array, attempts = 50): Promise<void> {
    let lastErr: unknown;
    for (let i = 0; i < attempts; i++) {
      const leader = await this.leader(group);
      try {
        await leader.put(group, key, value);
        return;
      } catch (err) {
        if (!(err instanceof NotLeaderError || err instanceof ProposalDroppedError)) throw err;
        lastErr = err;
        await sleep(2);
      }
    }
    throw lastErr instanceof Error ? lastErr : new Error(String(lastErr));
  }

  async close(): Promise<void> {
    for (let id = 1; id <= this.#opts.nodes; id++) await this.stop(id);
  }
}
