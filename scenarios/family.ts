import type { Layout, LayoutDef, LayoutOptions } from '../engines/layouts/index.ts';
import type { RemoteObserved } from '../engines/observed-stats.ts';
import type { Engine } from '../engines/engine.ts';
import type { ParamSchema, ParamsOf } from './params.ts';
import type { ClusterFile } from '../node/cluster/cluster-file.ts';

/**
 * A scenario family: what one op is, and the parameters it varies. The runner expands a suite into cases
 * (one per layout x parameter combination), and for each replicate opens a fresh instance in a fresh data
 * directory, warms it up, times `ops` ops and closes it.
 */
export interface Family<S extends ParamSchema = ParamSchema> {
  readonly name: string;
  /** One line for `list`. */
  readonly summary: string;
  /** Order of the `key=value` parts in benchmark names, e.g. `['layout', 'order', 'vs']`. */
  readonly nameOrder: readonly string[];
  /** Layouts this family can run on (default: all). */
  readonly layouts?: readonly string[];
  /** Every parameter of its names but `layout` (always `vs`), its kind and what is valid. */
  readonly params: S;
  /** Payload bytes one op carries (for MB/s). */
  bytesPerOp(params: ParamsOf<S>): number;
  /**
   * Opens a fresh instance for one replicate, with parameters the plan already parsed and checked. If it
   * throws after opening a layout, it closes the layout first (`openOnLayout`).
   */
  open(ctx: CaseContext<ParamsOf<S>>): Promise<CaseInstance>;
}

/** A family with its parameter types inferred from its schema. */
export function defineFamily<const S extends ParamSchema>(family: Family<S>): Family<S> {
  return family;
}

/** Parameter values of one case as they appear in its name, including `layout` and `vs` (value size in bytes). */
export type CaseParams = Readonly<Record<string, string>>;

export interface CaseContext<P = ParamsOf<ParamSchema>> {
  /** Typed, checked parameters (see `params.ts`). */
  readonly params: P;
  readonly layout: LayoutDef;
  /** Where this replicate's engines live (fresh, empty). */
  readonly layoutOptions: LayoutOptions;
  /** A seed for anything random in the case, different per replicate. */
  readonly seed: number;
  /**
   * Running nodes placed by a cluster file (`bench --cluster`): cluster families drive them with
   * `transport=tcp` instead of starting their own. They keep their data between replicates.
   */
  readonly cluster?: ClusterFile;
}

/**
 * Receives one latency per op, in nanoseconds: from the op's intended start under open-loop load, from
 * its send under closed loop (where the two are the same moment).
 */
export interface OpSink {
  record(ns: number): void;
  /**
   * Open loop only, right after `record` for the same op: its latency from its actual send (uncorrected,
   * as closed-loop timing sees it) and how many due ops still waited unsent when it went (the queue).
   */
  recordSent?(ns: number, backlog: number): void;
  /** Adds `ns` to the latency of the `index`-th op recorded (an op timed in two parts). */
  amend(index: number, ns: number): void;
  /** Notes an event at this moment of the run (e.g. `truncation`), shown on the latency-over-time chart. */
  mark?(label: string): void;
}

/** What other processes' threads spent on the CPU and how often they faulted in new memory, over a run. */
export interface RemoteCpu {
  readonly cpuNs: number | null;
  readonly minorFaults: number | null;
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
  /**
   * Reads counters that live outside this process (node processes), untimed: the runner awaits it
   * right before and right after the timed `run`, so `extra` and `remoteSyncs` can report the run.
   */
  collect?(phase: 'before' | 'after'): Promise<void>;
  /** Syncs in the last `run` by engines `engines()` cannot list (they live in node processes). */
  remoteSyncs?(): number;
  /** Bytes written to storage in the last `run` by those processes (/proc/<pid>/io), or null if unknown. */
  remoteDiskBytes?(): number | null;
  /** The engines' own counts in the last `run` from those processes (null: a node did not report them). */
  remoteObserved?(): RemoteObserved | null;
  /** Nanoseconds those processes' threads waited for a CPU in the last `run` (null: unknown). */
  remoteSchedWaitNs?(): number | null;
  /** CPU time and minor page faults of those processes in the last `run` (each null: unknown). */
  remoteCpu?(): RemoteCpu;
  close(): Promise<void>;
}

/**
 * Opens `ctx`'s layout and builds an instance on it; when building throws, the layout is closed before
 * the error goes on, so a failed case leaves no engine open (and no lock held) behind it. The layout the
 * build gets closes once however often it is asked (a store the build opened may have closed it already).
 */
export async function openOnLayout<T>(ctx: Pick<CaseContext<unknown>, 'layout' | 'layoutOptions'>, build: (layout: Layout) => Promise<T>): Promise<T> {
  const opened = await ctx.layout.open(ctx.layoutOptions);
  let closing: Promise<void> | null = null;
  const layout: Layout = { ...opened, close: () => (closing ??= opened.close()) };
  try {
    return await build(layout);
  } catch (err) {
    await layout.close().catch(() => undefined); // the build's error is the one to report
    throw err;
  }
}

/** A monotonic clock in nanoseconds, as a number (exact below 2^53 ns, about 104 days). */
export function nowNs(): number {
  return Number(process.hrtime.bigint());
}
