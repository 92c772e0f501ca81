/**
 * What the crash-check parent and its worker say to each other. The parent passes a `WorkerConfig` as
 * the worker's one argument (JSON); the worker writes one JSON `WorkerMessage` per line on stdout, each
 * acknowledged write as soon as its client saw it acknowledged. The parent writes `crash\n` on the
 * worker's stdin to ask for a simulated power loss (the `power-loss` model); with `sigkill` it kills.
 */
import type { Binding } from '../engines/layouts/index.ts';
import type { CrashModel } from './crash-layout.ts';

export interface WorkerConfig {
  readonly layout: string;
  readonly nodes: number;
  /** Data directory; node i keeps its engines in `<dir>/n<i>`. */
  readonly dir: string;
  readonly binding: Binding;
  readonly model: CrashModel;
  readonly truncationSync: boolean;
  /** Restart number (0 = first start on an empty directory). Keys written carry it. */
  readonly round: number;
  readonly seed: number;
  /** File of acknowledged keys to check, one a line. */
  readonly ackedFile: string;
  /** Check and exit, without a write load (the check after the last kill). */
  readonly verifyOnly: boolean;
  readonly clients: number;
  readonly valueBytes: number;
}

/** What recovery found in one node's data directory before the replica started. */
export interface NodeFacts {
  readonly node: number;
  readonly applied: number;
  readonly truncIndex: number;
  /** First and last log index in the raft engine (0 when empty), HardState commit as stored. */
  readonly firstLog: number;
  readonly lastLog: number;
  readonly commit: number;
}

export type WorkerMessage =
  | { readonly t: 'verified'; readonly checked: number; readonly nodes: readonly NodeFacts[]; readonly violations: readonly string[] }
  | { readonly t: 'ready' }
  | { readonly t: 'ack'; readonly k: string }
  | { readonly t: 'stat'; readonly truncations: number; readonly truncationSyncs: number }
  | { readonly t: 'crashed'; readonly truncations: number }
  | { readonly t: 'error'; readonly message: string };

/** The value written under `key`: derived from the key, so a check needs only the key list. */
export function valueFor(key: string, bytes: number): Buffer {
  const head = Buffer.from(`${key}|`);
  const v = Buffer.alloc(Math.max(bytes, head.length), 0x2e);
  head.copy(v);
  return v;
}

/** Key of write `i` of client `client` after restart `round`. */
export function keyFor(round: number, client: number, i: number): string {
  return `r${round}/c${client}/${i}`;
}
