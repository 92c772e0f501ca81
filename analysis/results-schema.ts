import type { Warning } from './warning.ts';

/**
 * The results file (`results/<run-id>/results.json`), version 2.
 *
 * Every number is what was measured on that run. Times are nanoseconds unless the field says otherwise.
 * Readers must check `schema` and `version` and refuse anything else (see `harness/results/read.ts`).
 *
 * Version 2 (this one): `warnings` are `{code, severity, text}` values. Version 1 held them as prose
 * strings; `results-migrate.ts` reads version-1 files into this shape.
 */
export const RESULTS_SCHEMA = 'raftbench/results';
export const RESULTS_VERSION = 2;

export interface ResultsFile {
  readonly schema: typeof RESULTS_SCHEMA;
  readonly version: typeof RESULTS_VERSION;
  readonly runId: string;
  /** False while running and when the run was interrupted or failed: what is here finished, the rest is missing. */
  complete: boolean;
  /** Why the run is incomplete (`interrupted by SIGINT`, an error line), when it is. */
  incompleteReason?: string;
  readonly startedAt: string;
  finishedAt?: string;
  /** argv that reproduces the run, e.g. `["bench","--suite","quick"]`. */
  readonly command: readonly string[];
  readonly config: RunConfig;
  readonly environment: Environment;
  /** Raw write+fdatasync limit of the data directory, when calibration ran. */
  calibration?: Calibration;
  /** The harness's own cost per op (tinybench), when measured: the floor under every result. */
  harnessOverhead?: HarnessOverhead;
  /**
   * The settings each layout's engines ran with, as the engines report them (RocksDB's OPTIONS file, block
   * cache capacity, LMDB's map, the WAL's index bytes), keyed by layout name; read after the first timed
   * run of that layout (absent in older results).
   */
  engineSettings?: Record<string, LayoutEngineSettings>;
  /** Things a reader must know (non-durable directory, noisy machine, incomplete run), as values with a code. */
  warnings: Warning[];
  benchmarks: BenchmarkResult[];
}

export interface RunConfig {
  readonly suite: string | null;
  readonly scenarios: readonly string[];
  readonly layouts: readonly string[];
  readonly sizes: readonly number[];
  readonly count: number;
  /** Ops per run when fixed by the user; otherwise each case's own default. */
  readonly ops: number | null;
  readonly dataDir: string;
  readonly raftDir: string | null;
  readonly binding: string;
  readonly [key: string]: unknown;
}

export interface Environment {
  readonly hostname: string;
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly memoryBytes: number;
  readonly kernel: string;
  readonly platform: string;
  readonly arch: string;
  readonly node: string;
  /** Filesystem type and device of the data directory (from /proc/self/mountinfo). */
  readonly dataDirFs: { readonly type: string; readonly device: string; readonly mountPoint: string };
  /** Package versions of the bindings and the engine libraries they carry, e.g. `rocksdb: 5.2.1 (RocksDB 6.17)`. */
  readonly engines: Readonly<Record<string, string>>;
  readonly gitCommit: string | null;
  readonly gitDirty: boolean | null;
  /** Load average at start, to tell a busy machine. */
  readonly loadAverage: readonly number[];
  /**
   * Where durable writes complete (harness/placement.ts): the CPUs taking the data disk's completion
   * interrupts (null when that cannot be told) and the CPUs the run could use. A thread woken on another
   * CPU than its disk's interrupts pays a cross-CPU wake-up per sync. Absent in older results.
   */
  readonly placement?: { readonly diskIrqCpus: readonly number[] | null; readonly allowedCpus: string | null };
}

/**
 * What this machine charges for two things every op does beside its I/O, measured the way an op meets
 * them (harness/calibrate/machine-costs.ts). On a VM they can cost far more than on bare metal, and they
 * explain part of what a layout adds over the device's floor: `minflt/op` times the fault cost, and a
 * wake-up after every sync's wait.
 */
export interface MachineCosts {
  /**
   * Nanoseconds per minor page fault: fresh anonymous memory touched once per page, timed, divided by the
   * faults the process counted meanwhile. Null when too few touches faulted to time one (reused memory).
   */
  readonly pageFaultNs: number | null;
  /** Faults that figure was taken over. */
  readonly pageFaults: number;
  /** p50 of how late a thread runs after a 100 µs sleep ends (a futex timeout): what a wake-up costs here. */
  readonly wakeLateNs: number;
}

export interface Calibration {
  readonly dir: string;
  readonly fsType: string;
  /** False when the fsync is implausibly fast for a real device (tmpfs, a volatile cache). */
  readonly durable: boolean;
  /** Why it is not durable, when it is not (absent in results written before this field). */
  readonly nonDurableReason?: string;
  /**
   * How the appending floor's file was prepared: `fallocate-keep-size` (space reserved, size unchanged,
   * as RocksDB's WAL preallocates) or `growing` (no fallocate available). Absent in older results.
   */
  readonly appendMode?: 'fallocate-keep-size' | 'growing';
  readonly points: readonly CalibrationPoint[];
  /**
   * What the machine charges for a minor page fault and for waking a sleeping thread
   * (harness/calibrate/machine-costs.ts). Absent in older results.
   */
  readonly machine?: MachineCosts;
}

export interface LayoutEngineSettings {
  /** The binding the layout's RocksDB engines ran on. */
  readonly binding: string;
  /** The benchmark after whose first timed run the settings were read. */
  readonly readAfter: string;
  /** One entry per engine of one node: `role` is raft, state, or raft+state. */
  readonly engines: ReadonlyArray<{ readonly role: string; readonly kind: string; readonly settings: Readonly<Record<string, string | number | boolean>> }>;
}

export interface HarnessOverhead {
  /** Timing one op with the monotonic clock and recording its latency. */
  readonly recordNs: number;
  /** One awaited, already-resolved promise. */
  readonly awaitNs: number;
  /** One unsynced put to the in-process memory engine (kept for old readers; `paths` supersedes it). */
  readonly memoryPutNs: number;
  /**
   * Per engine and binding: an empty round trip through the exact path an op's write takes (absent in
   * results written before this field). The part of every result that is the path, not the storage.
   */
  readonly paths?: readonly PathOverhead[];
}

export interface PathOverhead {
  /** Engine kind as in `Engine.kind`: `rocksdb`, `rocksdb9`, `wal`, `lmdb`, `memory`. */
  readonly engine: string;
  /** Who takes this path, e.g. `BatchCommit` or `replica`; absent when every family does. */
  readonly usedBy?: string;
  /** How a write gets to the engine, e.g. `libuv pool round trip`. */
  readonly path: string;
  /** Cross-thread handoffs per write on this path. */
  readonly handoffs: number;
  /** Timed and recorded as an op is, around `Engine.probe()`. */
  readonly p50Ns: number;
  readonly p99Ns: number;
  readonly samples: number;
}

/**
 * One size of the calibration. The top-level figures are the pre-written floor: write+fdatasync into
 * zero-filled, synced space (what a log with preallocated or recycled segments pays: the WAL layouts).
 * `append` is the appending floor: each write extends the file, so each fdatasync also persists the new
 * size (what RocksDB's WAL pays). Older results have no `append`.
 */
export interface CalibrationPoint {
  /** Bytes written before each fdatasync. */
  readonly size: number;
  readonly ops: number;
  readonly p50Ns: number;
  readonly p99Ns: number;
  readonly meanNs: number;
  readonly syncsPerSec: number;
  readonly append?: FloorPoint;
}

export interface FloorPoint {
  readonly ops: number;
  readonly p50Ns: number;
  readonly p99Ns: number;
  readonly meanNs: number;
}

export interface BenchmarkResult {
  /** Go sub-benchmark form, without the `Benchmark` prefix: `BatchCommit/layout=shared/order=interleaved/vs=1024`. */
  readonly name: string;
  readonly family: string;
  /** The `key=value` parts of the name, in order. */
  readonly params: Readonly<Record<string, string>>;
  /** Payload bytes per op, used for MB/s (0 when the op carries no payload). */
  readonly bytesPerOp: number;
  /**
   * One entry per replicate, in the order they ran. For a capacity case (`capacity` present), replicate
   * i is search i's confirming run at the capacity it found (or its last probe when none passed).
   */
  runs: RunResult[];
  /** With `--slo`: one capacity search per replicate. */
  capacity?: CapacitySearch[];
}

export interface RunResult {
  /** Ops timed in this run. */
  readonly ops: number;
  /** Wall time of the timed part of the run divided by ops. */
  readonly nsPerOp: number;
  /** Payload MB/s (1e6 bytes) over the run; 0 when bytesPerOp is 0. */
  readonly mbPerSec: number;
  /** Syncs requested from the engines per op. */
  readonly syncsPerOp: number;
  /** Bytes the process wrote to the block layer per op (`/proc/self/io` write_bytes), null where unavailable. */
  readonly diskBytesPerOp: number | null;
  /**
   * Nanoseconds per op that the bench's threads and its node processes' threads spent runnable, waiting for
   * a CPU (/proc/<pid>/task/<tid>/schedstat): what wake-ups cost beyond the work itself. Null where the
   * kernel has no schedstat; absent in older results.
   */
  readonly schedWaitNsPerOp?: number | null;
  /**
   * Nanoseconds per op the bench's and its node processes' threads ran on a CPU (schedstat): the op's
   * work, its syscalls and, on a VM, the exits they cause, against which the device's wait is the rest.
   * Null where the kernel has no schedstat; absent in older results.
   */
  readonly cpuNsPerOp?: number | null;
  /**
   * Minor page faults per op of the bench and its node processes (/proc/<pid>/stat): memory touched for
   * the first time (a memtable growing, an index keeping entries). Null where unreadable; absent in older
   * results.
   */
  readonly minorFaultsPerOp?: number | null;
  /** Per-op latency distribution. */
  readonly latency: LatencySummary;
  /** Latency over time within the run: at most ~200 buckets of consecutive ops. */
  readonly timeline: Timeline;
  /** Family-specific counters per op or per run (e.g. `truncationSyncs`, `truncationSyncNs`), all measured. */
  readonly extra: Readonly<Record<string, number>>;
  /** What reached the devices and what the engines observed themselves doing (absent in older results). */
  readonly observed?: ObservedIo;
  /** Open-loop load: the offered rate, uncorrected latency, queue and whether it kept up. */
  readonly open?: OpenLoopRun;
}

/**
 * Observed, not requested: the durable flushes and bytes of the timed ops. `syncsPerOp` stays what the
 * workload asked for; these say what happened.
 */
export interface ObservedIo {
  /** Key and value bytes handed to the engines per op. */
  readonly payloadBytesPerOp: number;
  /** Syncs the engines performed per op, by their own count (RocksDB WAL syncs, WAL fdatasyncs); null when none counts them (LMDB, memory). */
  readonly engineSyncsPerOp: number | null;
  /**
   * Each block device the layout writes (`roles`: data, raft), from /proc/diskstats: device-wide, so other
   * processes' I/O is included. `flushesPerOp` is null where the kernel does not count flushes.
   */
  readonly devices: ReadonlyArray<{
    readonly device: string;
    readonly roles: readonly string[];
    readonly writeBack: boolean;
    readonly flushesPerOp: number | null;
    readonly bytesPerOp: number;
    readonly writesPerOp: number;
  }>;
  /** Bytes the devices wrote / payload bytes; null when no device was observed (tmpfs, memory). */
  readonly writeAmp: number | null;
  /** The engines' own counts over the run (totals, not per op): walBytes, flushes, flushBytes, compactionBytes, stalls, stallMicros, segmentRolls, preallocatedBytes. */
  readonly engine: Readonly<Record<string, number>>;
}

export interface LatencySummary {
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

export interface Timeline {
  /** Ops per bucket. */
  readonly bucketOps: number;
  /** Milliseconds from the start of the run to the end of each bucket. */
  readonly endMs: readonly number[];
  /** Mean op latency (ns) within each bucket. */
  readonly meanNs: readonly number[];
  /** Max op latency (ns) within each bucket. */
  readonly maxNs: readonly number[];
  /** Events within the run (a log truncation), milliseconds from its start; absent in older results. */
  readonly marks?: ReadonlyArray<{ readonly atMs: number; readonly label: string }>;
  /** Open loop: the largest queue of due ops waiting unsent, per bucket (absent for closed loop). */
  readonly backlog?: readonly number[];
}

/**
 * An open-loop run (`rate` > 0): ops went out on a schedule, not when the previous one returned.
 * `RunResult.latency` is then measured from each op's intended start (corrected: stalls count for every
 * op that should have gone meanwhile); `uncorrected` from its actual send. Closed-loop runs have neither.
 */
export interface OpenLoopRun {
  /** Offered ops/s and how arrivals were spaced. */
  readonly rateOpsPerSec: number;
  readonly arrival: string;
  /** Ops finished per second over the run (ops / wall time, the last replies included). */
  readonly achievedOpsPerSec: number;
  readonly uncorrected: LatencySummary;
  /** Largest number of due ops left waiting unsent because all `clients` were busy. */
  readonly maxBacklog: number;
  /** Largest intended-to-send lag among the last tenth of ops: how far behind the run ended. */
  readonly endLagNs: number;
  /** False when the run ended more than a tenth of its planned length behind its schedule. */
  readonly keptUp: boolean;
}

/** A latency bound at a percentile, e.g. p99 <= 10 ms (`--slo p99=10ms`). */
export interface Slo {
  /** As written, `p99`, `p99.9`. */
  readonly label: string;
  /** 0..1 */
  readonly quantile: number;
  readonly boundNs: number;
}

/**
 * One search for the highest rate whose percentile stays under the SLO: every probe, in the order run.
 * A probe passes when its run kept up and its percentile (corrected) was at or under the bound.
 */
export interface CapacitySearch {
  readonly slo: Slo;
  /** The highest rate that passed and whose confirming run passed too; 0 when none did. */
  readonly capacityOpsPerSec: number;
  /** `exact` within `resolution`; `at-least` when the search stopped (max rate or probes) before a failure. */
  readonly bound: 'exact' | 'at-least';
  /** Bisection stops when (fail - pass) / pass is at or below this. */
  readonly resolution: number;
  /** Planned length of every probe run (a probe runs at least the suite's `minOps` and 1/(1 - quantile) ops, 100 for p99, whatever its rate). */
  readonly durationMs: number;
  readonly probes: readonly CapacityProbe[];
}

export interface CapacityProbe {
  readonly rateOpsPerSec: number;
  readonly phase: 'bracket' | 'bisect' | 'confirm';
  /** The SLO's percentile of this probe, from intended start. */
  readonly valueNs: number;
  readonly pass: boolean;
  readonly run: RunResult;
}
