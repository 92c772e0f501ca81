import type { Engine } from '../engine.ts';
import type { MemoryBudget } from '../memory-budget.ts';

/** RocksDB bindings a layout can be built on. */
export const BINDINGS = ['rocksdb', 'rocksdb9'] as const;
export type Binding = (typeof BINDINGS)[number];
/** The binding `bench` uses when `--binding` is not given. */
export const DEFAULT_BINDING: Binding = 'rocksdb9';

/**
 * Where the two kinds of replica data live.
 *
 * - `raft` holds the raft log and HardState (written synced by the replica).
 * - `state` holds the state machine and the applied index (written unsynced).
 *
 * When `raft === state` (the `shared` layout) a synced raft write also persists every earlier state write,
 * which is the cost the RFC sets out to remove. When `syncCoversState` is true a raft sync persists state
 * writes even though they are different Engine objects (column families sharing one WAL).
 */
export interface Layout {
  readonly name: string;
  readonly raft: Engine;
  readonly state: Engine;
  /** A synced write to `raft` also makes every earlier `state` write durable. */
  readonly syncCoversState: boolean;
  /** Where each engine keeps its files (null for memory). Tests check they exist. */
  readonly files: { readonly raft: string | null; readonly state: string | null };
  /** What the layout is built on, e.g. `rocksdb 6.17 x2 (raft in /data/raft)`. */
  readonly description: string;
  close(): Promise<void>;
}

export interface LayoutOptions {
  /** The data directory; the state engine lives here, and the raft engine too unless `raftDir` is set. */
  readonly dir: string;
  /** Where a separate raft engine lives; default `<dir>/raft`. Ignored by layouts with one engine. */
  readonly raftDir?: string;
  readonly binding: Binding;
  /** What one engine gets; layouts with two engines split it. */
  readonly budget: MemoryBudget;
  /**
   * Wraps every RocksDB engine the layout opens. A seam for tests (a slow or faulty engine from
   * `engines/testing/`); production paths leave it unset.
   */
  readonly wrapEngine?: EngineWrapper;
}

/** Given an engine just opened, returns the engine the layout uses (the same one, or one around it). */
export type EngineWrapper = (engine: Engine) => Engine;

export interface LayoutDef {
  readonly name: string;
  /** One line for `list`. */
  readonly summary: string;
  /** Whether the raft data has its own engine (so `--raft-dir` applies). */
  readonly separate: boolean;
  open(opts: LayoutOptions): Promise<Layout>;
}
