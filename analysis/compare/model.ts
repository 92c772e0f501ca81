import type { SampleSummary, Style } from '../stats/index.ts';
import type { Warning } from '../warning.ts';

/**
 * The comparison model: finished numbers, nothing formatted. Renderers in `reports/` print it; the HTML
 * report and the CI gate read it directly. Warnings are data carried with the rows, never exceptions.
 */
export interface Comparison {
  readonly style: Style;
  readonly alpha: number;
  /** Confidence level of `ci` intervals. */
  readonly confidence: number;
  /** Column labels: the input paths for OLD NEW, or the values of the `--col` key. Column 0 is the baseline. */
  readonly columns: readonly string[];
  /** The `--col` key, or null when columns are inputs. */
  readonly columnKey: string | null;
  /** Configuration lines (`goos: linux`) that every input shares, in first-seen order. */
  readonly config: ReadonlyArray<readonly [string, string]>;
  /** One table per unit, in the order units first appear. */
  readonly tables: readonly ComparisonTable[];
  /** Benchmarks missing from some column (per unit), for a note to the user. */
  readonly missing: readonly MissingBenchmark[];
  /** Input warnings: skipped lines (`unreadable-line`, source `file:line`), records without the `--col` key. */
  readonly warnings: readonly Warning[];
}

export interface ComparisonTable {
  /** As in the input: `ns/op`, `MB/s`, `p99-ns`. */
  readonly unit: string;
  /** Old benchstat's heading for the unit: `time/op`, `speed`, `alloc/op`, else the unit. */
  readonly metric: string;
  /** True for rates (`MB/s`): an increase is an improvement. */
  readonly higherIsBetter: boolean;
  readonly rows: readonly ComparisonRow[];
  /** Present when asked for (`rfc`, `--geomean`) or, in `ci`, whenever there is more than one row. */
  readonly geomean: GeomeanRow | null;
}

export interface ComparisonRow {
  /** Benchmark name without `Benchmark` (and without the `--col` part): `BatchCommit/vs=1024-4`. */
  readonly name: string;
  /** One per column; null where the column has no samples for this benchmark. */
  readonly cells: ReadonlyArray<SampleSummary | null>;
  /** One per column, against column 0; null for column 0 and where either side is missing. */
  readonly vsBase: ReadonlyArray<CellComparison | null>;
}

export interface CellComparison {
  /** Mann-Whitney p; null when the test could not run (then `testFailure` says why). */
  readonly p: number | null;
  readonly testFailure: 'all-equal' | 'too-few-samples' | null;
  /** Samples used on each side. */
  readonly n: readonly [number, number];
  /** cell.center / base.center - 1; NaN when the base center is 0. */
  readonly delta: number;
  readonly significant: boolean;
  /** +1 significant improvement, -1 significant regression, 0 otherwise. */
  readonly change: 1 | -1 | 0;
  readonly warnings: readonly string[];
}

export interface GeomeanRow {
  /** Geometric mean of each column's centers; null when it cannot be computed. */
  readonly values: ReadonlyArray<number | null>;
  /** Relative change against column 0; null for column 0 or when unavailable. */
  readonly deltas: ReadonlyArray<number | null>;
  /** Per column. */
  readonly warnings: ReadonlyArray<readonly string[]>;
}

export interface MissingBenchmark {
  readonly name: string;
  readonly unit: string;
  /** Columns that have it. */
  readonly presentIn: readonly string[];
  readonly absentFrom: readonly string[];
}
