import type { BenchmarkResult, ResultsFile } from './results-schema.ts';
import { compareSamples, type Style } from './stats/index.ts';

/**
 * The RFC's three published benchstat tables (docs/RFCS/20170605_dedicated_raft_storage.md, 2017, Go on
 * RocksDB 5, 4 CPUs), as data, and this run's answer to each row: the same comparison, the same size,
 * marked agrees / disagrees / inconclusive.
 */
export interface RfcRow {
  /** Value size in bytes. */
  readonly vs: number;
  readonly oldTime: string;
  readonly newTime: string;
  /** new/old - 1, or null where the RFC printed `~`. */
  readonly delta: number | null;
  readonly p: number;
  readonly n: string;
}

export interface RfcTable {
  readonly id: 'engine' | 'replica' | 'order';
  readonly title: string;
  /** What the RFC compared, in its words. */
  readonly rfc: string;
  /** The same comparison here: family, the key that differs, old and new values, and fixed keys. */
  readonly family: string;
  readonly key: string;
  readonly old: string;
  readonly new: string;
  readonly fixed: Readonly<Record<string, string>>;
  readonly rows: readonly RfcRow[];
}

const K = 1024;

export const RFC_TABLES: readonly RfcTable[] = [
  {
    id: 'engine',
    title: 'Engine level: shared vs dedicated (BatchCommit)',
    rfc: 'BenchmarkBatchCommitSharedEngine vs BenchmarkBatchCommitDedicatedEngines: a synced then an unsynced put, b.N times',
    family: 'BatchCommit', key: 'layout', old: 'shared', new: 'dedicated', fixed: { order: 'interleaved' },
    rows: [
      { vs: K, oldTime: '75.4µs ± 4%', newTime: '70.2µs ± 2%', delta: -0.0687, p: 0.0, n: '19+17' },
      { vs: 4 * K, oldTime: '117µs ± 5%', newTime: '106µs ± 7%', delta: -0.0976, p: 0.0, n: '20+20' },
      { vs: 16 * K, oldTime: '325µs ± 7%', newTime: '209µs ± 5%', delta: -0.3555, p: 0.0, n: '20+18' },
      { vs: 64 * K, oldTime: '1.05ms ±10%', newTime: '1.08ms ±20%', delta: null, p: 0.718, n: '20+20' },
      { vs: 256 * K, oldTime: '3.52ms ± 6%', newTime: '2.81ms ± 7%', delta: -0.203, p: 0.0, n: '17+18' },
      { vs: K * K, oldTime: '11.2ms ±18%', newTime: '7.8ms ± 5%', delta: -0.3056, p: 0.0, n: '20+20' },
    ],
  },
  {
    id: 'replica',
    title: 'Replica level: same engine vs dedicated (ReplicaWrite)',
    rfc: 'BenchmarkReplicaRaftStorageSameEngine vs ...DedicatedEngine (emulated: synced then unsynced halves), one client',
    family: 'ReplicaWrite', key: 'layout', old: 'shared', new: 'dedicated', fixed: { clients: '1' },
    rows: [
      { vs: K, oldTime: '297µs ± 9%', newTime: '268µs ± 3%', delta: -0.0973, p: 0.0, n: '10+10' },
      { vs: 4 * K, oldTime: '511µs ±10%', newTime: '402µs ± 1%', delta: -0.2129, p: 0.0, n: '9+10' },
      { vs: 16 * K, oldTime: '2.16ms ± 2%', newTime: '1.39ms ± 4%', delta: -0.357, p: 0.0, n: '10+10' },
      { vs: 64 * K, oldTime: '3.60ms ± 3%', newTime: '3.49ms ± 4%', delta: -0.0317, p: 0.003, n: '10+9' },
      { vs: 256 * K, oldTime: '10.3ms ± 7%', newTime: '10.2ms ± 3%', delta: null, p: 0.393, n: '10+10' },
      { vs: K * K, oldTime: '40.3ms ± 7%', newTime: '40.8ms ± 3%', delta: null, p: 0.481, n: '10+10' },
    ],
  },
  {
    id: 'order',
    title: 'Two engines: interleaved vs sequential (BatchCommit, dedicated)',
    rfc: 'BenchmarkBatchCommitInterleaved vs BenchmarkBatchCommitSequential (Drawbacks section)',
    family: 'BatchCommit', key: 'order', old: 'interleaved', new: 'sequential', fixed: { layout: 'dedicated' },
    rows: [
      { vs: K, oldTime: '70.1µs ± 2%', newTime: '68.6µs ± 5%', delta: -0.0215, p: 0.021, n: '8+10' },
      { vs: 4 * K, oldTime: '102µs ± 1%', newTime: '97µs ± 7%', delta: -0.041, p: 0.013, n: '9+10' },
      { vs: 16 * K, oldTime: '207µs ± 5%', newTime: '188µs ± 4%', delta: -0.0946, p: 0.0, n: '9+9' },
      { vs: 64 * K, oldTime: '1.07ms ±12%', newTime: '0.62ms ± 9%', delta: -0.419, p: 0.0, n: '8+9' },
      { vs: 256 * K, oldTime: '2.90ms ± 8%', newTime: '2.70ms ± 4%', delta: -0.0668, p: 0.0, n: '9+10' },
      { vs: K * K, oldTime: '8.06ms ± 9%', newTime: '7.90ms ± 5%', delta: null, p: 0.631, n: '10+10' },
    ],
  },
];

export type Agreement = 'agrees' | 'disagrees' | 'inconclusive';

export interface SideBySideRow {
  readonly rfc: RfcRow;
  /** This run's delta (new/old - 1 of the centers), significance and p; null when the run lacks either side. */
  readonly here: { readonly delta: number; readonly significant: boolean; readonly p: number | null; readonly n: string } | null;
  readonly agreement: Agreement | null;
}

export interface SideBySideTable {
  readonly table: RfcTable;
  readonly rows: readonly SideBySideRow[];
}

/**
 * Agreement of one row: the RFC found a significant change and so did this run, in the same direction
 * (agrees) or the other (disagrees); the RFC found none and neither did this run (agrees) or this run
 * did (disagrees); the RFC found one and this run could not tell (inconclusive).
 */
export function agreement(rfcDelta: number | null, here: { delta: number; significant: boolean }): Agreement {
  if (rfcDelta === null) return here.significant ? 'disagrees' : 'agrees';
  if (!here.significant) return 'inconclusive';
  return Math.sign(here.delta) === Math.sign(rfcDelta) ? 'agrees' : 'disagrees';
}

/** The RFC's tables beside this run's ns/op comparisons, with the same statistics `compare` uses. */
export function rfcSideBySide(results: ResultsFile, opts: { readonly alpha: number; readonly style: Style }): SideBySideTable[] {
  return RFC_TABLES.map((table) => ({
    table,
    rows: table.rows.map((rfc) => {
      const old = find(results.benchmarks, table, table.old, rfc.vs);
      const neu = find(results.benchmarks, table, table.new, rfc.vs);
      if (!old || !neu || old.runs.length === 0 || neu.runs.length === 0) return { rfc, here: null, agreement: null };
      const c = compareSamples(old.runs.map((r) => r.nsPerOp), neu.runs.map((r) => r.nsPerOp), { style: opts.style, alpha: opts.alpha });
      const here = { delta: c.delta, significant: c.significant, p: c.p, n: `${c.old.n}+${c.new.n}` };
      return { rfc, here, agreement: agreement(rfc.delta, here) };
    }),
  }));
}

function find(benchmarks: readonly BenchmarkResult[], t: RfcTable, value: string, vs: number): BenchmarkResult | undefined {
  const want: Record<string, string> = { ...t.fixed, [t.key]: value, vs: String(vs) };
  return benchmarks.find((b) => b.family === t.family && Object.entries(want).every(([k, v]) => b.params[k] === v));
}
