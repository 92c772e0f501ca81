import type { Fate } from '../client-errors.ts';

/**
 * Control messages between a process cluster's parent and its node processes (over Node's IPC channel;
 * raft itself travels over TCP between the nodes). Keys and values are base64.
 */
export interface NodeSpec {
  readonly id: number;
  readonly peers: readonly number[];
  readonly layout: string;
  readonly dir: string;
  readonly binding: 'rocksdb' | 'rocksdb9';
  readonly truncation: { keep: number; every: number } | null;
  readonly host: string;
}

export type ToNode =
  | { readonly op: 'peer'; readonly id: number; readonly host: string; readonly port: number }
  /** A put under the session (client, seq); the node gives up after `timeoutMs`. */
  | { readonly op: 'put'; readonly req: number; readonly key: string; readonly value: string; readonly client: number; readonly seq: number; readonly timeoutMs: number }
  | { readonly op: 'get'; readonly req: number; readonly key: string; readonly linearizable: boolean }
  | { readonly op: 'status'; readonly req: number }
  | { readonly op: 'close'; readonly req: number };

export type FromNode =
  | { readonly op: 'listening'; readonly host: string; readonly port: number }
  | { readonly op: 'reply'; readonly req: number; readonly ok: true; readonly value?: string | null; readonly status?: NodeStatus }
  /** `fate`: whether the write may still apply (see client-errors.ts); reads and status are always `failed`. */
  | { readonly op: 'reply'; readonly req: number; readonly ok: false; readonly error: string; readonly fate: Fate; readonly notLeader?: boolean; readonly leader?: number };

export interface NodeStatus {
  readonly leader: boolean;
  readonly lead: number;
  readonly applied: number;
}
