/**
 * Named suites. A suite lists which families run at which sizes and parameters, how many replicates, and
 * how long each timed run aims to last (ops are chosen from the warm-up's speed, like Go's b.N).
 */
export interface SuiteEntry {
  readonly family: string;
  /** Value sizes in bytes. */
  readonly sizes: readonly number[];
  /** Values per parameter axis (besides layout and vs). */
  readonly axes: Readonly<Record<string, readonly string[]>>;
  /** Layouts to run (default: every layout the family supports). */
  readonly layouts?: readonly string[];
  /** A capacity case: the highest `rate` whose percentile stays under this bound, e.g. `p99=10ms`. */
  readonly slo?: string;
}

/** How a suite searches capacity (`--slo`): probe length is the suite's `targetRunMs`. */
export interface CapacitySearchSettings {
  /** First rate offered, ops/s. */
  readonly startRate: number;
  readonly maxRate: number;
  readonly minRate: number;
  /** Stop bisecting when (fail - pass) / pass is at or below this. */
  readonly resolution: number;
  readonly maxProbes: number;
}

/** Capacity search unless a suite says otherwise: 1/8 resolution from 500 ops/s, 14 probes at most. */
export const DEFAULT_CAPACITY_SEARCH: CapacitySearchSettings = { startRate: 500, maxRate: 200_000, minRate: 10, resolution: 0.125, maxProbes: 14 };

export interface Suite {
  readonly name: string;
  readonly summary: string;
  /** Replicates per case. */
  readonly count: number;
  /** Target wall time of one timed run; ops = clamp(targetRunMs / warm-up ns/op, minOps, maxOps). */
  readonly targetRunMs: number;
  readonly minOps: number;
  readonly maxOps: number;
  /** Warm-up ops before each timed run (not recorded). */
  readonly warmupOps: number;
  /**
   * An untimed run of this long (ms) the first time the process runs a family on a layout, on engines of
   * its own, so that the timed runs measure code V8 has compiled (harness/runner/run-plan.ts `warmCode`).
   */
  readonly firstUseWarmupMs: number;
  readonly entries: readonly SuiteEntry[];
  /** Capacity searches (`slo` entries, `--slo`); default `DEFAULT_CAPACITY_SEARCH`. */
  readonly capacity?: CapacitySearchSettings;
}

const KiB = 1024;
/** 1 KiB to 1 MiB in powers of 4, as in the RFC. */
export const RFC_SIZES = [KiB, 4 * KiB, 16 * KiB, 64 * KiB, 256 * KiB, 1024 * KiB] as const;
const ORDERS = { order: ['interleaved', 'sequential'] } as const;
/**
 * Layouts for the single-group families: every layout except `wal-per-group`, which differs from `wal`
 * only when there are many groups (MultiRange measures it).
 */
const MAIN_LAYOUTS = ['shared', 'dedicated', 'shared-cf', 'wal', 'lmdb', 'memory'] as const;

/** Layouts of the research scenarios (issue 7): the RFC's two, etcd's WAL, one WAL per group, LMDB. */
const MULTI_RANGE_LAYOUTS = ['shared', 'dedicated', 'wal', 'wal-per-group'] as const;
const SEPARATE_LAYOUTS = ['dedicated', 'wal', 'lmdb'] as const;
const TRUNCATION_LAYOUTS = ['shared', ...SEPARATE_LAYOUTS] as const;

/** The research scenarios (issue 7) at the sizes the rfc suite measures them. */
const RESEARCH_ENTRIES: readonly SuiteEntry[] = [
  { family: 'MultiRange', sizes: [KiB], axes: { groups: ['1', '100', '1000'], clients: ['64'] }, layouts: MULTI_RANGE_LAYOUTS },
  { family: 'Truncation', sizes: [KiB], axes: { trunc: ['tight', 'loose', 'none'], rule: ['sync'], clients: ['1', '16'] }, layouts: TRUNCATION_LAYOUTS },
  { family: 'Truncation', sizes: [KiB], axes: { trunc: ['tight', 'loose'], rule: ['nosync'], clients: ['1', '16'] }, layouts: SEPARATE_LAYOUTS },
  { family: 'Reads', sizes: [KiB], axes: { read: ['linearizable', 'serializable'], load: ['none', 'writes'], readers: ['1', '16', '64'] }, layouts: ['dedicated'] },
  { family: 'ADR', sizes: [KiB, 16 * KiB], axes: { raftmedia: ['disk', 'tmpfs'], nodes: ['3', '5'], clients: ['1', '64'] }, layouts: ['dedicated', 'wal'] },
];

/** How `rfc` and `full` size their runs: 20 replicates of about half a second each. */
const LONG_RUNS = { count: 20, targetRunMs: 500, minOps: 20, maxOps: 20000, warmupOps: 20, firstUseWarmupMs: 2000 } as const;

export const SUITES: readonly Suite[] = [
  {
    name: 'smoke',
    summary: 'every family and layout once, tiny (seconds; used by tests)',
    count: 2,
    targetRunMs: 20,
    minOps: 4,
    maxOps: 24,
    warmupOps: 2,
    firstUseWarmupMs: 0,
    entries: [
      { family: 'BatchCommit', sizes: [KiB, 64 * KiB, 1024 * KiB], axes: ORDERS, layouts: MAIN_LAYOUTS },
      { family: 'ReplicaWrite', sizes: [KiB], axes: { clients: ['1', '16'] }, layouts: MAIN_LAYOUTS },
      { family: 'ClusterWrite', sizes: [KiB], axes: { nodes: ['3'], clients: ['16'] }, layouts: MAIN_LAYOUTS },
      { family: 'MultiRange', sizes: [KiB], axes: { groups: ['1', '100'], clients: ['16'] }, layouts: MULTI_RANGE_LAYOUTS },
      { family: 'Truncation', sizes: [KiB], axes: { trunc: ['eager'], rule: ['sync'], clients: ['1'] }, layouts: TRUNCATION_LAYOUTS },
      { family: 'Truncation', sizes: [KiB], axes: { trunc: ['eager'], rule: ['nosync'], clients: ['1'] }, layouts: SEPARATE_LAYOUTS },
      { family: 'Reads', sizes: [KiB], axes: { read: ['linearizable', 'serializable'], load: ['none', 'writes'], readers: ['16'] }, layouts: ['dedicated'] },
      { family: 'ADR', sizes: [KiB], axes: { raftmedia: ['disk', 'tmpfs'], nodes: ['3'], clients: ['16'] }, layouts: ['dedicated', 'wal'] },
      { family: 'Migration', sizes: [64], axes: { phase: ['offline'], groups: ['2'], entries: ['20'] }, layouts: ['dedicated'] },
      { family: 'Migration', sizes: [KiB], axes: { phase: ['before', 'dual', 'switch', 'after'], clients: ['1'] }, layouts: ['dedicated'] },
      // Open loop at a fixed rate, and a capacity search of a few 20 ms probes (a bound loose enough to pass).
      { family: 'ReplicaWrite', sizes: [KiB], axes: { clients: ['16'], rate: ['500'], arrival: ['poisson'] }, layouts: ['shared', 'wal'] },
      { family: 'ReplicaWrite', sizes: [KiB], axes: { clients: ['16'] }, layouts: ['wal'], slo: 'p99=100ms' },
    ],
    capacity: { startRate: 400, maxRate: 1600, minRate: 100, resolution: 0.5, maxProbes: 4 },
  },
  {
    name: 'quick',
    summary: 'the default: 1 KiB, 16 KiB and 256 KiB on every layout, count 10 (a few minutes)',
    count: 10,
    targetRunMs: 250,
    minOps: 20,
    maxOps: 5000,
    warmupOps: 10,
    // Half a second: 1 s put `make bench` at 5 min 1 s (04:53), over the 5-minute bound.
    firstUseWarmupMs: 500,
    entries: [
      { family: 'BatchCommit', sizes: [KiB, 16 * KiB, 256 * KiB], axes: ORDERS, layouts: MAIN_LAYOUTS },
      { family: 'ReplicaWrite', sizes: [KiB, 16 * KiB, 256 * KiB], axes: { clients: ['1'] }, layouts: MAIN_LAYOUTS },
      { family: 'ReplicaWrite', sizes: [KiB], axes: { clients: ['16', '64'] }, layouts: MAIN_LAYOUTS },
      // Three node processes per replicate: the main contenders only, so quick stays near its time budget (rfc runs every layout).
      { family: 'ClusterWrite', sizes: [KiB], axes: { nodes: ['3'], clients: ['1', '64'] }, layouts: ['shared', 'dedicated', 'wal'] },
    ],
  },
  {
    name: 'rfc',
    summary: "the RFC's tables: every size 1 KiB..1 MiB, count 20",
    ...LONG_RUNS,
    entries: [
      { family: 'BatchCommit', sizes: RFC_SIZES, axes: ORDERS, layouts: MAIN_LAYOUTS },
      { family: 'ReplicaWrite', sizes: RFC_SIZES, axes: { clients: ['1'] }, layouts: MAIN_LAYOUTS },
      { family: 'ReplicaWrite', sizes: [KiB, 16 * KiB], axes: { clients: ['16', '64'] }, layouts: MAIN_LAYOUTS },
      { family: 'ClusterWrite', sizes: [KiB, 16 * KiB], axes: { nodes: ['3', '5'], clients: ['1', '16', '64'] }, layouts: MAIN_LAYOUTS },
      ...RESEARCH_ENTRIES,
    ],
  },
  {
    name: 'migration',
    summary: "the online migration's phases at 1 KiB: shared, the double-write window, the switch, the target (offline figures: `migrate`)",
    count: 8,
    targetRunMs: 500,
    minOps: 100,
    maxOps: 2000,
    warmupOps: 20,
    firstUseWarmupMs: 2000,
    entries: [{ family: 'Migration', sizes: [KiB], axes: { phase: ['before', 'dual', 'switch', 'after'], clients: ['1'] }, layouts: ['dedicated'] }],
  },
  {
    name: 'capacity',
    summary: 'capacity at p99 <= 10 ms, open loop: ReplicaWrite 1 KiB on shared, dedicated, wal, lmdb (2 s probes, count 3; ~15 min)',
    count: 3,
    targetRunMs: 2000,
    minOps: 100,
    maxOps: 1_000_000,
    warmupOps: 200,
    firstUseWarmupMs: 2000,
    entries: [{ family: 'ReplicaWrite', sizes: [KiB], axes: { clients: ['64'], arrival: ['poisson'] }, layouts: ['shared', 'dedicated', 'wal', 'lmdb'], slo: 'p99=10ms' }],
    capacity: { startRate: 1000, maxRate: 200_000, minRate: 10, resolution: 0.05, maxProbes: 16 },
  },
  {
    name: 'full',
    summary: 'rfc plus the research scenarios at more sizes, clients and layouts, count 20 (hours)',
    ...LONG_RUNS,
    entries: [
      { family: 'BatchCommit', sizes: RFC_SIZES, axes: ORDERS, layouts: MAIN_LAYOUTS },
      { family: 'ReplicaWrite', sizes: RFC_SIZES, axes: { clients: ['1', '16', '64'] }, layouts: MAIN_LAYOUTS },
      { family: 'ClusterWrite', sizes: RFC_SIZES, axes: { nodes: ['3', '5'], clients: ['1', '16', '64'] }, layouts: MAIN_LAYOUTS },
      { family: 'MultiRange', sizes: [KiB, 16 * KiB], axes: { groups: ['1', '100', '1000'], clients: ['1', '64'] }, layouts: [...MULTI_RANGE_LAYOUTS, 'shared-cf', 'lmdb'] },
      { family: 'Truncation', sizes: [KiB, 16 * KiB], axes: { trunc: ['tight', 'loose', 'none'], rule: ['sync'], clients: ['1', '16'] }, layouts: [...TRUNCATION_LAYOUTS, 'shared-cf'] },
      { family: 'Truncation', sizes: [KiB, 16 * KiB], axes: { trunc: ['tight', 'loose'], rule: ['nosync'], clients: ['1', '16'] }, layouts: SEPARATE_LAYOUTS },
      { family: 'Reads', sizes: [KiB, 16 * KiB], axes: { read: ['linearizable', 'serializable'], load: ['none', 'writes'], readers: ['1', '16', '64'] }, layouts: ['shared', 'dedicated', 'wal'] },
      { family: 'ADR', sizes: [KiB, 16 * KiB, 256 * KiB], axes: { raftmedia: ['disk', 'tmpfs'], nodes: ['3', '5'], clients: ['1', '16', '64'] }, layouts: SEPARATE_LAYOUTS },
      { family: 'Migration', sizes: [64], axes: { phase: ['offline'], groups: ['1', '100', '1000'], entries: ['100', '1000'] }, layouts: SEPARATE_LAYOUTS },
      { family: 'Migration', sizes: [KiB, 16 * KiB], axes: { phase: ['before', 'dual', 'switch', 'after'], clients: ['1', '16'] }, layouts: SEPARATE_LAYOUTS },
    ],
  },
];

export function suiteNames(): string[] {
  return SUITES.map((s) => s.name);
}
