import type { LayoutDef, LayoutOptions } from '../engines/layouts/index.ts';
import type { Engine } from '../engines/engine.ts';

/**
 * A scenario family: what one op is, and the parameters it varies. The runner expands a suite into cases
 * (one per layout x parameter combination), and for each replicate opens a fresh instance in a fresh data
 * directory, warms it up, times `ops` ops and closes it.
 */
export interface Family {
  readonly name: string;
  /** One line for `list`. */
  readonly summary: string;
  /** Order of the `key=value` parts in benchmark names, e.g. `['layout', 'order', 'vs']`. */
  readonly nameOrder: readonly string[];
  /** Layouts this family can run on (default: all). */
  readonly layouts?: readonly string[];
  /** Payload bytes one op carries (for MB/s). */
  bytesPerOp(params: CaseParams): number;
  /** Opens a fresh instance for one replicate. */
  open(ctx: CaseContext): Promise<CaseInstance>;
}

/** Parameter values of one case, including `layout` and `vs` (value size in bytes). */
export type CaseParams = Readonly<Record<string, string>>;

export interface CaseContext {
  readonly params: CaseParams;
  readonly layout: LayoutDef;
  /** Where this replicate's engines live (fresh, empty). */
  readonly layoutOptions: LayoutOptions;
  /** A seed for anything random in the case, different per replicate. */
  readonly seed: number;
}

/** Receives one latency per op, in nanoseconds. */
export interface OpSink {
  record(ns: number): void;
  /** Adds `ns` to the latency of the `index`-th op recorded (an op timed in two parts). */
  amend(index: number, ns: number): void;
}

export interface CaseInstance {
  /**
   * Runs `ops` ops, calling `sink.record` once per op with its latency. Stops early (without error) when
   * `shouldStop()` turns true; returns the number of ops done.
   */
  run(ops: number, sink: OpSink, shouldStop: () => boolean): Promise<number>;
  /** Engines whose counters the recorder reads (syncs, bytes). */
  engines(): readonly Engine[];
  /** Family-specific measured counters for the last `run` (e.g. truncation syncs). */
  extra?(): Record<string, number>;
  close(): Promise<void>;
}

/** A monotonic clock in nanoseconds, as a number (exact below 2^53 ns, about 104 days). */
export function nowNs(): number {
  return Number(process.hrtime.bigint());
}
