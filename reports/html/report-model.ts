import type { Comparison } from '../../analysis/compare/index.ts';
import type { ResultsFile } from '../../analysis/results-schema.ts';

/** One results file given to `report`, with its finished benchstat tables. */
export interface ReportInput {
  /** As the user named it (a results dir or file); the label of its column in comparisons. */
  readonly label: string;
  readonly results: ResultsFile;
  /** Every benchmark of the run, as benchstat prints a single input (`rfc`). */
  readonly single: Comparison;
  /** Per family, the run compared along `layout` with `shared` (when present) as column 0. */
  readonly byLayout: ReadonlyArray<{ readonly family: string; readonly comparison: Comparison }>;
}

/** Everything the page shows, computed; the renderer only formats. */
export interface ReportModel {
  readonly inputs: readonly [ReportInput, ...ReportInput[]];
  /** With two or more inputs: every input compared with the first (the baseline). */
  readonly runs: Comparison | null;
  readonly alpha: number;
  /** ISO time the page was made. */
  readonly generatedAt: string;
}
