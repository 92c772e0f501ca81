import { setTimeout as sleep } from 'node:timers/promises';
import type { Engine, EngineCounters } from '../engines/engine.ts';
import type { RemoteObserved } from '../engines/observed-stats.ts';
import { Cluster } from '../node/cluster/cluster.ts';
import type { NodeCounters } from '../node/cluster/node-protocol.ts';
import { ProcessCluster } from '../node/cluster/process-cluster.ts';
import { NotLeaderError, type Store, type StoreOptions, type StoreStats } from '../node/store.ts';
import { EtcdCluster } from '../node/cluster/etcd-cluster.ts';
import type { NetConditions } from '../node/transport/conditioned.ts';
import { LocalNetwork } from '../node/transport/local-network.ts';
import type { CaseContext, CaseInstance, RemoteCpu } from './family.ts';
import { enumParam, intParam, ParamError } from './params.ts';
import { driveLoad, type Arrival } from './client-load.ts';
import { randomValue } from './value.ts';

export const TRANSPORTS = ['tcp', 'local', 'etcd'] as const;
export type TransportMode = (typeof TRANSPORTS)[number];
export const RTTS = ['0', '1ms', '10ms'] as const;

/**
 * Axes of every cluster family (ClusterWrite, Reads, ADR):
 * - `transport`: `tcp` (default) runs one process per node, raft over TCP on 127.0.0.1, the bench the
 *   client over IPC; `local` runs every node in the bench's process on the in-process network; `etcd`
 *   runs the same load on an etcd 3.4 cluster (its own WAL and bbolt: layout `wal` only, the closest).
 * - `rtt`: added round trip of every raft exchange (0, 1ms, 10ms), emulated in the sending node
 *   (node/transport/conditioned.ts; this kernel has no netem, see docs/cluster.md).
 * - `loss`: percent of raft messages lost (whole messages).
 * - `slow`: ms added to every synced log append of one member, the last node (a follower unless an
 *   election moved the lead there; `extra.slowIsLeader` says): an emulated slower log medium.
 * At their defaults they are absent from benchmark names.
 */
export const CLUSTER_PARAMS = {
  transport: enumParam(TRANSPORTS, 'tcp'),
  rtt: enumParam(RTTS, '0'),
  loss: intParam(0, 50, 0),
  slow: intParam(0, 10_000, 0),
} as const;

export const CLUSTER_NAME_ORDER = ['transport', 'rtt', 'loss', 'slow'] as const;

export interface ClusterParams {
  readonly transport: TransportMode;
  readonly rtt: (typeof RTTS)[number];
  readonly loss: number;
  readonly slow: number;
}

export function netConditions(p: ClusterParams): NetConditions {
  return { rttMs: p.rtt === '0' ? 0 : Number.parseInt(p.rtt, 10), loss: p.loss / 100 };
}

/** A cluster a family drives, in this process or as node processes; reads and writes go to the leader. */
export interface ClusterTarget {
  readonly mode: TransportMode;
  put(key: Buffer, value: Buffer): Promise<void>;
  read(key: Buffer, linearizable: boolean): Promise<Buffer | null>;
  /** Engines in this process (none for `tcp`). */
  engines(): readonly Engine[];
  /** Every node's counters, the current leader first. */
  counters(): Promise<NodeCounters[]>;
  /** Whether the slow member (the last node) leads. */
  slowIsLeader(): boolean;
  close(): Promise<void>;
}

export interface OpenClusterOptions {
  readonly nodes: number;
  readonly truncation: { keep: number; every: number } | null;
  readonly store?: Pick<StoreOptions, 'maxBatch' | 'batchWaitUs'>;
  /** Overrides the context's layout options' raft directory (ADR's tmpfs). */
  readonly raftDir?: string;
}

/** Opens the cluster `params.transport` asks for, waits for a leader, and returns it. */
export async function openCluster(ctx: CaseContext<ClusterParams>, opts: OpenClusterOptions): Promise<ClusterTarget> {
  const p = ctx.params;
  const net = netConditions(p);
  const slowUs = p.slow * 1000;
  const raftDir = opts.raftDir ?? ctx.layoutOptions.raftDir;
  if (ctx.cluster) {
    if (p.transport !== 'tcp') throw new ParamError(`with a cluster file the nodes are processes: transport=${p.transport} cannot run`);
    if (net.rttMs > 0 || net.loss > 0 || slowUs > 0) throw new ParamError('with a cluster file the network and the members are what they are: rtt, loss and slow cannot be set');
    if (ctx.cluster.nodes.length !== opts.nodes) throw new ParamError(`the cluster file has ${ctx.cluster.nodes.length} nodes; this case needs nodes=${opts.nodes}`);
    return connectProcesses(ProcessCluster.connect(ctx.cluster), opts.nodes);
  }
  if (p.transport === 'etcd') {
    if (ctx.layout.name !== 'wal') throw new ParamError(`transport=etcd runs etcd's own storage (a WAL and bbolt); run it with layout wal, not ${ctx.layout.name}`);
    if (net.rttMs > 0 || net.loss > 0 || slowUs > 0) throw new ParamError('transport=etcd: rtt, loss and slow are emulated inside raftbench nodes and cannot be set on etcd');
    return openEtcd(ctx, opts);
  }
  return p.transport === 'tcp' ? openProcesses(ctx, opts, net, slowUs, raftDir) : openLocal(ctx, opts, net, slowUs, raftDir);
}

async function openProcesses(ctx: CaseContext<ClusterParams>, opts: OpenClusterOptions, net: NetConditions, slowUs: number, raftDir: string | undefined): Promise<ClusterTarget> {
  const c = await ProcessCluster.open({
    nodes: opts.nodes,
    layout: ctx.layout.name,
    dir: ctx.layoutOptions.dir,
    binding: ctx.layoutOptions.binding,
    ...(raftDir ? { raftDir } : {}),
    truncation: opts.truncation,
    spec: (id) => ({
      budget: ctx.layoutOptions.budget,
      seed: ctx.seed,
      net,
      ...(opts.store?.maxBatch ? { maxBatch: opts.store.maxBatch } : {}),
      ...(opts.store?.batchWaitUs ? { batchWaitUs: opts.store.batchWaitUs } : {}),
      ...(id === opts.nodes && slowUs > 0 ? { syncDelayUs: slowUs } : {}),
    }),
  });
  return connectProcesses(Promise.resolve(c), opts.nodes);
}

async function connectProcesses(opening: Promise<ProcessCluster>, nodes: number): Promise<ClusterTarget> {
  const c = await opening;
  try {
    await c.leader();
  } catch (err) {
    await c.close();
    throw err;
  }
  return {
    mode: 'tcp',
    put: (key, value) => c.put(key, value),
    read: (key, linearizable) => c.read(key, linearizable),
    engines: () => [],
    async counters() {
      const lead = c.knownLeader ?? (await c.leader());
      const ids = [lead, ...c.ids.filter((id) => id !== lead)];
      const out: NodeCounters[] = [];
      for (const id of ids) {
        const n = await c.counters(id);
        if (!n) throw new Error(`node ${id} did not report its counters`);
        out.push(n);
      }
      return out;
    },
    slowIsLeader: () => c.knownLeader === nodes,
    close: () => c.close(),
  };
}

async function openLocal(ctx: CaseContext<ClusterParams>, opts: OpenClusterOptions, net: NetConditions, slowUs: number, raftDir: string | undefined): Promise<ClusterTarget> {
  const network = new LocalNetwork();
  let cluster: Cluster | null = null;
  const close = async () => {
    await cluster?.close();
    network.close();
  };
  try {
    cluster = await Cluster.open({
      nodes: opts.nodes,
      layout: ctx.layout,
      layoutOptions: { ...ctx.layoutOptions, ...(raftDir ? { raftDir } : {}) },
      network,
      truncation: opts.truncation,
      seed: ctx.seed,
      net,
      ...(opts.store ? { store: opts.store } : {}),
      nodeStore: (id) => (id === opts.nodes && slowUs > 0 ? { syncDelayUs: slowUs } : {}),
    });
    await cluster.leader(1);
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
  const c = cluster;
  const live = () => c.stores.filter((s): s is Store => s !== null);
  return {
    mode: 'local',
    put: (key, value) => c.put(1, key, value),
    async read(key, linearizable) {
      for (let attempt = 0; ; attempt++) {
        const leader = await c.leader(1);
        try {
          const v = linearizable ? await leader.get(1, key) : await leader.getLocal(1, key);
          return v ? Buffer.from(v) : null;
        } catch (err) {
          if (!(err instanceof NotLeaderError) || attempt >= 50) throw err;
          await sleep(2);
        }
      }
    },
    engines: () => [...new Set(live().flatMap((s) => [s.layout.raft, s.layout.state]))],
    async counters() {
      const leader = await c.leader(1);
      const sent = network.stats().sent;
      // The in-process network counts every node's messages together: they go to the leader's entry.
      return [leader, ...live().filter((s) => s !== leader)].map((s, i) => {
        const one = s.layout.raft === s.layout.state;
        return { store: { ...s.stats }, raft: s.layout.raft.counters(), state: one ? null : s.layout.state.counters(), ioWriteBytes: 0, messagesSent: i === 0 ? sent : 0 };
      });
    },
    slowIsLeader: () => c.stores[opts.nodes - 1]?.isLeader(1) ?? false,
    close,
  };
}

async function openEtcd(ctx: CaseContext<ClusterParams>, opts: OpenClusterOptions): Promise<ClusterTarget> {
  const e = await EtcdCluster.open({ nodes: opts.nodes, dir: ctx.layoutOptions.dir });
  const zero: EngineCounters = { batches: 0, bytes: 0, syncs: 0, rangeDeletes: 0 };
  return {
    mode: 'etcd',
    put: (key, value) => e.put(key, value),
    read: (key, linearizable) => e.read(key, linearizable),
    engines: () => [],
    // etcd's metrics as NodeCounters: WAL fsyncs are its log syncs, bbolt commits its state syncs.
    counters: async () =>
      (await e.counters()).map((m) => ({
        store: { ...ZERO_STORE_STATS, logSyncs: m.walFsyncs },
        raft: { ...zero, bytes: m.walBytes, syncs: m.walFsyncs },
        state: { ...zero, syncs: m.backendCommits },
        ioWriteBytes: m.ioWriteBytes,
        schedWaitNs: m.schedWaitNs,
        cpuNs: m.cpuNs,
        minorFaults: m.minorFaults,
        messagesSent: 0,
        // etcd's own counts: every WAL fsync and every bbolt commit (which fsyncs) is a durable sync.
        engineStats: { stats: { durableSyncs: m.walFsyncs + m.backendCommits, walBytes: m.walBytes }, reported: ['durableSyncs', 'walBytes'], countsSyncs: true },
      })),
    slowIsLeader: () => false,
    close: () => e.close(),
  };
}

const ZERO_STORE_STATS: StoreStats = {
  readies: 0, logSyncs: 0, entriesPersisted: 0, entriesApplied: 0, truncations: 0, truncationSyncs: 0,
  truncationSyncNs: 0, snapshotsSent: 0, snapshotsInstalled: 0, readRounds: 0, duplicatesSkipped: 0,
};

/** Counters of the last run: `after - before`, per node, leader first (as `counters` lists them). */
export class RunCounters {
  #before: NodeCounters[] = [];
  #after: NodeCounters[] = [];

  constructor(private readonly target: ClusterTarget) {}

  async collect(phase: 'before' | 'after'): Promise<void> {
    const c = await this.target.counters();
    if (phase === 'before') this.#before = c;
    else this.#after = c;
  }

  /** Sum over nodes of `pick(after) - pick(before)`; nodes 0 (the leader) only with `leaderOnly`. */
  delta(pick: (n: NodeCounters) => number, leaderOnly = false): number {
    let sum = 0;
    const nodes = leaderOnly ? this.#after.slice(0, 1) : this.#after;
    nodes.forEach((a, i) => {
      const b = this.#before[i];
      sum += pick(a) - (b ? pick(b) : 0);
    });
    return sum;
  }

  /** Engine syncs across the cluster (raft and state engines; one engine counted once). */
  syncs(): number {
    return this.delta((n) => n.raft.syncs + (n.state?.syncs ?? 0));
  }

  /** The nodes' engine counts over the run, or null when a node did not report them (etcd). */
  observed(): RemoteObserved | null {
    if (this.#after.length === 0 || this.#after.some((n, i) => !n.engineStats || !this.#before[i]?.engineStats)) return null;
    const stats: Record<string, number> = {};
    const reported = new Set<string>();
    this.#after.forEach((a, i) => {
      const b = this.#before[i]!.engineStats!;
      for (const k of a.engineStats!.reported) reported.add(k);
      for (const [k, v] of Object.entries(a.engineStats!.stats)) stats[k] = (stats[k] ?? 0) + v - (b.stats[k] ?? 0);
    });
    return {
      stats,
      reported: [...reported],
      countsSyncs: this.#after.every((n) => n.engineStats!.countsSyncs),
      payloadBytes: this.delta((n) => n.raft.bytes + (n.state?.bytes ?? 0)),
    };
  }

  /** Nanoseconds the nodes' threads waited for a CPU over the run, or null when a node did not say. */
  schedWaitNs(): number | null {
    return this.#sum((n) => n.schedWaitNs);
  }

  /** CPU nanoseconds and minor faults of the nodes' processes over the run, each null when a node did not say. */
  cpu(): RemoteCpu {
    return { cpuNs: this.#sum((n) => n.cpuNs), minorFaults: this.#sum((n) => n.minorFaults) };
  }

  /** A counter summed over the nodes across the run, or null when any node did not report it. */
  #sum(pick: (n: NodeCounters) => number | null | undefined): number | null {
    const known = (n: NodeCounters) => typeof pick(n) === 'number';
    if (this.#after.length === 0 || !this.#after.every(known) || !this.#before.every(known)) return null;
    return this.delta((n) => pick(n)!);
  }

  diskBytes(): number | null {
    if (this.#after.some((n) => n.ioWriteBytes === null) || this.#before.some((n) => n.ioWriteBytes === null)) return null;
    return this.delta((n) => n.ioWriteBytes ?? 0);
  }
}

const engineBytes = (e: EngineCounters | null) => e?.bytes ?? 0;

/**
 * A write CaseInstance on a cluster: `clients` closed-loop clients put through the leader; `extra`
 * reports every node's counters for the run (gathered from the node processes with `tcp`).
 */
/**
 * ClusterWrite's op loop over any target: closed loop, or open loop when `params.rate` is set (each run,
 * warm-up and timed, gets its own seeded arrival schedule).
 */
export function clusterWriteInstance(
  target: ClusterTarget,
  params: ClusterParams & { readonly vs: number; readonly clients: number; readonly rate?: number; readonly arrival?: Arrival },
  key: (seq: number) => Buffer,
  more?: () => Record<string, number>,
  seed = 1,
): CaseInstance {
  let runs = 0;
  const value = randomValue(params.vs);
  const run = new RunCounters(target);
  const net = netConditions(params);
  let next = 0;
  let ops = 0;
  return {
    async run(n, sink, stop) {
      const first = next;
      next += n;
      ops = await driveLoad(params.clients, n, sink, stop, (i) => target.put(key(first + i), value), params, seed, runs++);
      return ops;
    },
    engines: () => target.engines(),
    collect: (phase) => run.collect(phase),
    ...(target.mode !== 'local' ? { remoteSyncs: () => run.syncs(), remoteDiskBytes: () => run.diskBytes(), remoteObserved: () => run.observed(), remoteSchedWaitNs: () => run.schedWaitNs(), remoteCpu: () => run.cpu() } : {}),
    extra() {
      const per = (x: number) => (ops > 0 ? x / ops : 0);
      const leaderSyncs = run.delta((c) => c.store.logSyncs, true);
      return {
        leaderLogSyncsPerOp: per(leaderSyncs),
        opsPerLeaderSync: leaderSyncs > 0 ? ops / leaderSyncs : 0,
        clusterLogSyncsPerOp: per(run.delta((c) => c.store.logSyncs)),
        raftBytesPerOp: per(run.delta((c) => c.raft.bytes)),
        stateBytesPerOp: per(run.delta((c) => engineBytes(c.state))),
        messagesPerOp: per(run.delta((c) => c.messagesSent)),
        truncations: run.delta((c) => c.store.truncations),
        truncationSyncs: run.delta((c) => c.store.truncationSyncs),
        truncationSyncMs: run.delta((c) => c.store.truncationSyncNs) / 1e6,
        snapshotsSent: run.delta((c) => c.store.snapshotsSent),
        ...conditionsExtra(params, net, target),
        ...more?.(),
      };
    },
    close: () => target.close(),
  };
}

/** The run's conditions as numbers beside its counters, so results say what ran (and that it was emulated). */
export function conditionsExtra(params: ClusterParams, net: NetConditions, target: ClusterTarget): Record<string, number> {
  return {
    nodeProcesses: target.mode === 'local' ? 0 : 1,
    etcd: target.mode === 'etcd' ? 1 : 0,
    rttMsEmulated: net.rttMs,
    lossPctEmulated: net.loss * 100,
    slowSyncMsEmulated: params.slow,
    slowIsLeader: params.slow > 0 && target.slowIsLeader() ? 1 : 0,
  };
}
