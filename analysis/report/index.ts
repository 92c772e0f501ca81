/**
 * The report model: everything `raftbench report` shows, computed once from results files with the
 * comparison code `compare` uses, under the user's `--style` and `--alpha`. Render it with
 * `reports/html/page.ts`; renderers compute nothing.
 */
export { buildReportModel } from './build.ts';
export { caseRows, medianRunIndex, type CaseRow } from './case-data.ts';
export {
  PERCENTILES,
  type ClientsChart, type DeltaBar, type DeltaChart, type DeviceRatioTable, type IntervalPoint, type Method, type PercentileChart,
  type ReportInput, type ReportModel, type ReportOptions, type RunCharts, type RunsComparison, type RunWarning, type SizeChart,
  type TimelineChart, type CapacityChart, type CapacityTable, type SloBound,
} from './model.ts';
