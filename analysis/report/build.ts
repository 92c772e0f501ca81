import { findAnomalies } from '../anomalies.ts';
import { observedTable } from '../observed-table.ts';
import { rfcSideBySide } from '../rfc-reference.ts';
import { resultsToBenchSet } from '../benchfmt/from-results.ts';
import type { BenchRecord, BenchSet } from '../benchfmt/record.ts';
import { buildComparison, buildComparisonAlong, type CompareOptions } from '../compare/index.ts';
import type { ResultsFile } from '../results-schema.ts';
import { caseRows, layoutOrder } from './case-data.ts';
import { layoutDeltas, runDeltas } from './deltas.ts';
import { deviceRatios } from './device-ratios.ts';
import type { Method, ReportInput, ReportModel, ReportOptions, RunCharts } from './model.ts';
import { runWarnings } from './run-warnings.ts';
import { latencyPercentiles, mbPerSecVsSize, throughputVsClients, timePerOpVsSize } from './series.ts';
import { latencyTimelines } from './timeline.ts';
import { capacityCharts, capacityTables } from './capacity.ts';

/** The confidence of `ci` intervals on the page: benchstat's default, as `compare` uses. */
const CONFIDENCE = 0.95;

/**
 * The whole report, computed once: per input its own and per-family layout comparisons (the same
 * `buildComparison*` as `compare`, under the user's style and alpha), the charts' data read from them or
 * summarized in the same style, the device ratios and the warnings; across inputs one comparison.
 * Pure: the time of the page is given.
 */
export function buildReportModel(
  inputs: ReadonlyArray<{ readonly label: string; readonly results: ResultsFile }>,
  options: ReportOptions,
  generatedAt: string,
): ReportModel {
  const [first] = inputs;
  if (first === undefined) throw new RangeError('a report needs at least one results file');
  const method: Method = { style: options.style, alpha: options.alpha, confidence: CONFIDENCE };
  const opts: CompareOptions = { style: method.style, alpha: method.alpha, confidence: method.confidence, geomean: true };
  const sets = inputs.map((i) => resultsToBenchSet(i.results, i.label));
  const built = inputs.map((i, k): ReportInput => {
    const set = sets[k]!;
    const layouts = layoutOrder(i.results, caseRows(i.results));
    const exact = exactParts(set, i.results);
    const familiesInOrder = [...new Set(exact.records.map((r) => r.family))];
    const byLayout = familiesInOrder
      .map((f) => ({ family: f, comparison: buildComparisonAlong([baseFirst(exact, exact.records.filter((r) => r.family === f), layouts)], 'layout', opts) }))
      .filter((f) => f.comparison.columns.length > 1);
    const charts: RunCharts = {
      layoutDeltas: layoutDeltas(i.results, byLayout, method),
      timePerOp: timePerOpVsSize(i.results, method),
      mbPerSec: mbPerSecVsSize(i.results, method),
      throughput: throughputVsClients(i.results, method),
      percentiles: latencyPercentiles(i.results, method),
      timelines: latencyTimelines(i.results),
      capacity: capacityCharts(i.results),
    };
    return {
      label: i.label,
      results: i.results,
      single: buildComparison([set], { ...opts, geomean: false }),
      byLayout,
      warnings: runWarnings(i.results, method),
      deviceRatios: deviceRatios(i.results, method),
      capacity: capacityTables(i.results),
      charts,
      explain: {
        observed: observedTable(i.results),
        anomalies: findAnomalies(i.results, method),
        rfc: rfcSideBySide(i.results, method),
      },
    };
  });
  let runs: ReportModel['runs'] = null;
  if (inputs.length > 1) {
    const comparison = buildComparison(sets, opts);
    const deltas = inputs.slice(1).flatMap((i, k) => runDeltas(first.results, i.results, comparison, k + 1, method));
    runs = { comparison, deltas };
  }
  return { method, inputs: built as [ReportInput, ...ReportInput[]], runs, generatedAt };
}

/**
 * The records with family and parts as the results file records them rather than as the name splits (a
 * family or a value may contain a `/`), so a row of a layout comparison is named exactly as its case
 * (`CaseRow.caseKey`) and a column exactly as its layout.
 */
function exactParts(set: BenchSet, results: ResultsFile): BenchSet {
  const rows = new Map(caseRows(results).map((r) => [r.name, r]));
  return {
    ...set,
    records: set.records.map((r) => {
      const row = rows.get(r.name);
      return row ? { ...r, family: row.family, parts: row.params.map(([key, value]) => ({ key, value })), procs: null } : r;
    }),
  };
}

/**
 * One family's `records` with its baseline layout first, so that it is column 0 of the comparison:
 * `shared` when the family has it, else the first layout in the run's order.
 */
function baseFirst(set: BenchSet, records: readonly BenchRecord[], layouts: readonly string[]): BenchSet {
  const layoutOf = (r: BenchRecord) => r.parts.find((pt) => pt.key === 'layout')?.value;
  const present = new Set(records.map(layoutOf));
  const base = present.has('shared') ? 'shared' : layouts.find((l) => present.has(l));
  const isBase = (r: BenchRecord) => base !== undefined && layoutOf(r) === base;
  return { ...set, records: [...records.filter(isBase), ...records.filter((r) => !isBase(r))] };
}
