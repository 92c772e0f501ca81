import type { EngineCounters } from '../../engines/engine.ts';
import type { EngineStatsSnapshot } from '../../engines/observed-stats.ts';
import type { MemoryBudget } from '../../engines/memory-budget.ts';
import type { Fate } from '../client-errors.ts';
import type { NetConditions } from '../transport/conditioned.ts';
import type { StoreStats } from '../store.ts';

/**
 * Control messages between a client (a process cluster's parent over Node's IPC channel, or `bench` over
 * a node's TCP control port) and a node process; raft itself travels over TCP between the nodes. Keys
 * and values are base64.
 */
export interface NodeSpec {
  readonly id: number;
  readonly peers: readonly number[];
  readonly layout: string;
  readonly dir: string;
  /** Where a separate raft engine lives (default `<dir>/raft`). */
  readonly raftDir?: string;
  readonly binding: 'rocksdb' | 'rocksdb9';
  readonly truncation: { keep: number; every: number } | null;
  /** The raft listen address; port 0 picks a free one. */
  readonly host: string;
  readonly port?: number;
  /** Where the peers listen, when known up front (a cluster file); else the parent sends `peer`. */
  readonly peerAddrs?: ReadonlyArray<{ readonly id: number; readonly host: string; readonly port: number }>;
  /** Memory budget of this node's layout (default: a quarter of the default budget). */
  readonly budget?: MemoryBudget;
  readonly tickMs?: number;
  readonly seed?: number;
  readonly maxBatch?: number;
  readonly batchWaitUs?: number;
  /** Emulated slower log medium: µs added to every synced raft append (StoreOptions.syncDelayUs). */
  readonly syncDelayUs?: number;
  /** Emulated round trip and loss on this node's outgoing raft messages (transport/conditioned.ts). */
  readonly net?: NetConditions;
}

export type ToNode =
  | { readonly op: 'peer'; readonly id: number; readonly host: string; readonly port: number }
  /** A put under the session (client, seq); the node gives up after `timeoutMs`. */
  | { readonly op: 'put'; readonly req: number; readonly key: string; readonly value: string; readonly client: number; readonly seq: number; readonly timeoutMs: number }
  | { readonly op: 'get'; readonly req: number; readonly key: string; readonly linearizable: boolean }
  | { readonly op: 'status'; readonly req: number }
  /** Asks the node to campaign (speeds up the first election; raft still decides). */
  | { readonly op: 'campaign'; readonly req: number }
  | { readonly op: 'counters'; readonly req: number }
  /** Closes the node; with `keep` the process stays for its next `start` (process-node.ts), else it exits. */
  | { readonly op: 'close'; readonly req: number; readonly keep?: boolean }
  /** A process cluster's node process: start the node `spec` describes (answered with `listening`). */
  | { readonly op: 'start'; readonly spec: NodeSpec };

export type FromNode =
  | { readonly op: 'listening'; readonly host: string; readonly port: number }
  | { readonly op: 'reply'; readonly req: number; readonly ok: true; readonly value?: string | null; readonly status?: NodeStatus; readonly counters?: NodeCounters }
  /** `fate`: whether the write may still apply (see client-errors.ts); reads and status are always `failed`. */
  | { readonly op: 'reply'; readonly req: number; readonly ok: false; readonly error: string; readonly fate: Fate; readonly notLeader?: boolean; readonly leader?: number };

export interface NodeStatus {
  readonly leader: boolean;
  readonly lead: number;
  readonly applied: number;
  readonly term: number;
}

/** A node's cumulative counters since it opened: its store's and its engines' (null state: one engine). */
export interface NodeCounters {
  readonly store: StoreStats;
  readonly raft: EngineCounters;
  readonly state: EngineCounters | null;
  /** `write_bytes` of the node process (/proc/self/io), or null where not available. */
  readonly ioWriteBytes: number | null;
  /** Nanoseconds the node's threads waited runnable for a CPU (`proc-stats.ts`); null where unknown or absent. */
  readonly schedWaitNs?: number | null;
  /** Nanoseconds the node's threads ran on a CPU, and its minor page faults (`proc-stats.ts`); null where unknown or absent. */
  readonly cpuNs?: number | null;
  readonly minorFaults?: number | null;
  /** Raft messages the node handed to its transport. */
  readonly messagesSent: number;
  /** The engines' own counts (RocksDB's WAL syncs, the WAL's fdatasyncs, flushes...); absent from an older node. */
  readonly engineStats?: EngineStatsSnapshot;
}
