import type { Anomaly } from '../anomalies.ts';
import type { ObservedRow } from '../observed-table.ts';
import type { SideBySideTable } from '../rfc-reference.ts';
import type { FloorKind } from '../device-floor.ts';
import type { Warning } from '../warning.ts';
import type { Comparison } from '../compare/index.ts';
import type { LatencySummary, ResultsFile } from '../results-schema.ts';
import type { Style } from '../stats/index.ts';

/** What the user chose for every statistic on the page (`report --style --alpha`). */
export interface ReportOptions {
  readonly style: Style;
  /** Significance level of every Mann-Whitney test on the page. */
  readonly alpha: number;
}

/**
 * How every number of the report was computed: one value shared by the model's parts, so that each
 * caption can say it and no renderer has to assume it.
 */
export interface Method {
  readonly style: Style;
  readonly alpha: number;
  /** Confidence level of `ci` intervals. */
  readonly confidence: number;
}

/**
 * Everything the report shows, computed once from the results files with the code `compare` uses
 * (`analysis/compare`, `analysis/stats`); renderers in `reports/` only format it.
 */
export interface ReportModel {
  readonly method: Method;
  readonly inputs: readonly [ReportInput, ...ReportInput[]];
  /** With two or more inputs: every input compared with the first (the baseline). */
  readonly runs: RunsComparison | null;
  /** ISO time the page was made (given, so that building the model stays pure). */
  readonly generatedAt: string;
}

/** One results file given to `report`, with its finished tables and charts. */
export interface ReportInput {
  /** As the user named it (a results dir or file); the label of its column in comparisons. */
  readonly label: string;
  /** The file as recorded: its environment, configuration and calibration are shown as they are. */
  readonly results: ResultsFile;
  /** Every benchmark of the run, as benchstat prints a single input. */
  readonly single: Comparison;
  /** Per family, the run compared along `layout` with `shared` (when present) as column 0. */
  readonly byLayout: ReadonlyArray<{ readonly family: string; readonly comparison: Comparison }>;
  /** What a reader must see before any number: the run's own warnings and what the results imply. */
  readonly warnings: readonly RunWarning[];
  /** Results against the device limit (calibration); empty without calibration or a matching size. */
  readonly deviceRatios: readonly DeviceRatioTable[];
  /** Capacity at an SLO per case (empty without `--slo` cases). */
  readonly capacity: readonly CapacityTable[];
  readonly charts: RunCharts;
  /** Why the numbers are what they are: what reached the disk, results that need explaining, the RFC beside this run. */
  readonly explain: {
    readonly observed: readonly ObservedRow[];
    readonly anomalies: readonly Anomaly[];
    readonly rfc: readonly SideBySideTable[];
  };
}

/** A run warning as data (`analysis/warning.ts`): renderers show `text`, and emphasise `severe` ones. */
export type RunWarning = Warning;

/** Every input compared with the first: the benchstat tables and, per compared input, the delta bars. */
export interface RunsComparison {
  readonly comparison: Comparison;
  readonly deltas: readonly DeltaChart[];
}

/** The data of every chart of one run, in reading order: the answer first, then scaling, then the tails. */
export interface RunCharts {
  readonly layoutDeltas: readonly DeltaChart[];
  readonly timePerOp: readonly SizeChart[];
  readonly mbPerSec: readonly SizeChart[];
  readonly throughput: readonly ClientsChart[];
  readonly percentiles: readonly PercentileChart[];
  readonly timelines: readonly TimelineChart[];
  /** Latency against offered load per layout, for capacity cases (`--slo`). */
  readonly capacity: readonly CapacityChart[];
}

/** The SLO a capacity case searched under. */
export interface SloBound {
  readonly label: string;
  readonly boundNs: number;
}

/** The hockey stick of one capacity case: every probe's SLO percentile against the rate it offered. */
export interface CapacityChart {
  readonly family: string;
  readonly caseKey: string;
  readonly slo: SloBound;
  readonly layouts: readonly string[];
  readonly points: ReadonlyArray<{
    readonly layout: string;
    readonly rate: number;
    /** The SLO's percentile, from intended start. */
    readonly ns: number;
    readonly uncorrectedP99Ns: number | null;
    readonly pass: boolean;
    readonly phase: string;
    readonly replicate: number;
  }>;
  /** Each layout's capacity (median over replicates). */
  readonly capacities: ReadonlyArray<{ readonly layout: string; readonly rate: number }>;
}

/** Capacity per layout of one case, with every probe of every replicate's search. */
export interface CapacityTable {
  readonly family: string;
  readonly caseKey: string;
  readonly slo: SloBound;
  readonly durationMs: number;
  readonly rows: ReadonlyArray<{
    readonly layout: string;
    /** Per replicate. */
    readonly capacities: ReadonlyArray<{ readonly rate: number; readonly bound: 'exact' | 'at-least' }>;
    readonly median: number;
    /** Per replicate: the confirming run at capacity, corrected (from intended start) against uncorrected p99. */
    readonly atCapacity: ReadonlyArray<{ readonly correctedP99Ns: number; readonly uncorrectedP99Ns: number; readonly maxBacklog: number } | null>;
    /** Per replicate, in the order run. */
    readonly probes: ReadonlyArray<ReadonlyArray<{ readonly rate: number; readonly phase: string; readonly ns: number; readonly pass: boolean; readonly keptUp: boolean }>>;
  }>;
}

/** One bar: the change of `series` against its baseline in one case, from a comparison's cell. */
export interface DeltaBar {
  /** Row label: the case (`order=interleaved vs=1024`). */
  readonly case: string;
  /** Bar color: the layout. */
  readonly series: string;
  /** new/old - 1, a fraction. */
  readonly delta: number;
  readonly significant: boolean;
  readonly p: number | null;
  readonly n: string;
}

/**
 * time/op changes per case of one family: `layouts` is each layout against `base` (a layout) in one run,
 * `runs` is each benchmark of input `against` against the baseline input `base`.
 */
export interface DeltaChart {
  readonly kind: 'layouts' | 'runs';
  readonly family: string;
  readonly base: string;
  /** The compared input's label (`runs`), else null. */
  readonly against: string | null;
  /** Position of the compared input among the inputs (`runs`, 1-based), else 0. */
  readonly index: number;
  readonly method: Method;
  readonly bars: readonly DeltaBar[];
  /** Layouts that have bars, in run order. */
  readonly series: readonly string[];
  /** Every layout of the run, so a layout keeps its color across charts. */
  readonly colorDomain: readonly string[];
}

/** A center with its interval: `rfc` the kept min and max, `ci` the confidence interval (null where infinite). */
export interface IntervalPoint {
  readonly layout: string;
  readonly facet: string;
  /** Value size (size charts) or clients (throughput). */
  readonly x: number;
  readonly center: number;
  readonly lo: number | null;
  readonly hi: number | null;
  readonly n: number;
}

/** A metric against value size, one line per layout, a panel per combination of the other parameters. */
export interface SizeChart {
  readonly family: string;
  readonly metric: 'time/op' | 'MB/s';
  readonly method: Method;
  readonly sizes: readonly number[];
  readonly facets: readonly string[];
  readonly layouts: readonly string[];
  readonly points: readonly IntervalPoint[];
  /** The device limit at each size (calibration p50) in the metric's unit, per panel. */
  readonly device: ReadonlyArray<{ readonly facet: string; readonly vs: number; readonly value: number }>;
}

/** ops/s against clients, for families with a `clients` parameter. */
export interface ClientsChart {
  readonly family: string;
  readonly method: Method;
  readonly clients: readonly number[];
  readonly facets: readonly string[];
  readonly layouts: readonly string[];
  readonly points: readonly IntervalPoint[];
}

/** The percentiles drawn, left to right, with their axis labels. */
export const PERCENTILES: ReadonlyArray<readonly [keyof LatencySummary, string]> = [
  ['p50', 'p50'], ['p90', 'p90'], ['p99', 'p99'], ['p999', 'p99.9'], ['max', 'max'],
];

/** Per-op latency percentiles per layout and case: the center over the runs of each run's percentile. */
export interface PercentileChart {
  readonly family: string;
  readonly method: Method;
  readonly facets: readonly string[];
  readonly layouts: readonly string[];
  readonly points: ReadonlyArray<{ readonly layout: string; readonly facet: string; readonly percentile: string; readonly ns: number }>;
}

/** Latency over time within the median run (by ns/op) of one case per layout. */
export interface TimelineChart {
  readonly family: string;
  /** The case shown: `BatchCommit/order=interleaved/vs=1024`. */
  readonly caseKey: string;
  /** Which run of each layout: `shared run 3 of 6`. */
  readonly picks: readonly string[];
  readonly bucketOps: number;
  readonly layouts: readonly string[];
  readonly points: ReadonlyArray<{ readonly layout: string; readonly stat: 'mean per bucket' | 'max per bucket'; readonly ms: number; readonly ns: number }>;
  /** Events of the shown runs (log truncations), per layout. */
  readonly marks: ReadonlyArray<{ readonly layout: string; readonly ms: number; readonly label: string }>;
}

/** time/op of each case and layout against the device's write+fdatasync p50 at the op's payload size. */
export interface DeviceRatioTable {
  readonly family: string;
  readonly layouts: readonly string[];
  readonly rows: ReadonlyArray<{
    readonly label: string;
    /** One per layout; null where the case has no such layout or no calibrated size. */
    readonly cells: ReadonlyArray<{ readonly center: number; readonly ratio: number; readonly floor: FloorKind } | null>;
  }>;
}
