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
      { family: 'BatchCommit', sizes: [KiB, 64 * KiB, 1024 * KiB], axes: ORDERS },
      { family: 'ReplicaWrite', sizes: [KiB], axes: { clients: ['1', '16'] } },
      { family: 'ClusterWrite', sizes: [KiB], axes: { nodes: ['3'], clients: ['16'] } },
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
      { family: 'BatchCommit', sizes: [KiB, 16 * KiB, 256 * KiB], axes: ORDERS },
      { family: 'ReplicaWrite', sizes: [KiB, 16 * KiB, 256 * KiB], axes: { clients: ['1'] } },
      { family: 'ReplicaWrite', sizes: [KiB], axes: { clients: ['16', '64'] } },
      { family: 'ClusterWrite', sizes: [KiB], axes: { nodes: ['3'], clients: ['1', '64'] } },
    ],
  },
  {
    name: 'rfc',
    summary: "the RFC's tables: every size 1 KiB..1 MiB, count 20",
    count: 20,
    targetRunMs: 500,
    minOps: 20,
    maxOps: 20000,
    warmupOps: 20,
    entries: [
      { family: 'BatchCommit', sizes: RFC_SIZES, axes: ORDERS },
      { family: 'ReplicaWrite', sizes: RFC_SIZES, axes: { clients: ['1'] } },
      { family: 'ReplicaWrite', sizes: [KiB, 16 * KiB], axes: { clients: ['16', '64'] } },
      { family: 'ClusterWrite', sizes: [KiB, 16 * KiB], axes: { nodes: ['3', '5'], clients: ['1', '16', '64'] } },
    ],
  },
];

export function suiteNames(): string[] {
  return SUITES.map((s) => s.name);
}
