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
}

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
  readonly entries: readonly SuiteEntry[];
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
const LONG_RUNS = { count: 20, targetRunMs: 500, minOps: 20, maxOps: 20000, warmupOps: 20 } as const;

export const SUITES: readonly Suite[] = [
  {
    name: 'smoke',
    summary: 'every family and layout once, tiny (seconds; used by tests)',
    count: 2,
    targetRunMs: 20,
    minOps: 4,
    maxOps: 24,
    warmupOps: 2,
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
    ],
  },
  {
    name: 'quick',
    summary: 'the default: 1 KiB, 16 KiB and 256 KiB on every layout, count 10 (a few minutes)',
    count: 10,
    targetRunMs: 250,
    minOps: 20,
    maxOps: 5000,
    warmupOps: 10,
    entries: [
      { family: 'BatchCommit', sizes: [KiB, 16 * KiB, 256 * KiB], axes: ORDERS, layouts: MAIN_LAYOUTS },
      { family: 'ReplicaWrite', sizes: [KiB, 16 * KiB, 256 * KiB], axes: { clients: ['1'] }, layouts: MAIN_LAYOUTS },
      { family: 'ReplicaWrite', sizes: [KiB], axes: { clients: ['16', '64'] }, layouts: MAIN_LAYOUTS },
      { family: 'ClusterWrite', sizes: [KiB], axes: { nodes: ['3'], clients: ['1', '64'] }, layouts: MAIN_LAYOUTS },
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
    entries: [{ family: 'Migration', sizes: [KiB], axes: { phase: ['before', 'dual', 'switch', 'after'], clients: ['1'] }, layouts: ['dedicated'] }],
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
