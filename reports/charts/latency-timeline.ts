import type { ResultsFile } from '../../analysis/results-schema.ts';
import { caseRows, families, layoutOrder, medianRunIndex, type CaseRow } from './case-data.ts';
import type { ChartSpec } from './chart-spec.ts';
import { layoutColor, logY, NS_LABEL_EXPR, topLevel } from './theme.ts';

/**
 * Latency over time within one run: for each family, the case with the longest timelines, and for each
 * layout the median run of that case (by ns/op). Two panels: the mean and the maximum per bucket of ops.
 */
export function latencyTimeline(results: ResultsFile): ChartSpec[] {
  const all = caseRows(results).filter((r) => r.runs.some((run) => (run.timeline?.endMs?.length ?? 0) > 0));
  const layouts = layoutOrder(results, caseRows(results));
  const out: ChartSpec[] = [];
  for (const family of families(all)) {
    const rows = all.filter((r) => r.family === family);
    const chosen = chooseCase(rows);
    if (!chosen) continue;
    const cases = rows.filter((r) => r.caseKey === chosen);
    const data: object[] = [];
    const picks: string[] = [];
    let bucketOps = 0;
    for (const r of cases) {
      const i = medianRunIndex(r.runs);
      const run = r.runs[i];
      if (!run) continue;
      const t = run.timeline;
      bucketOps = Math.max(bucketOps, t.bucketOps);
      picks.push(`${r.layout} run ${i + 1} of ${r.runs.length}`);
      t.endMs.forEach((ms, k) => {
        const mean = t.meanNs[k];
        const max = t.maxNs[k];
        if (mean !== undefined && mean > 0) data.push({ layout: r.layout, stat: 'mean per bucket', ms, ns: mean });
        if (max !== undefined && max > 0) data.push({ layout: r.layout, stat: 'max per bucket', ms, ns: max });
      });
    }
    if (data.length === 0) continue;
    const y = logY('ns', 'op latency (log)', data.map((d) => (d as { ns: number }).ns), NS_LABEL_EXPR);
    out.push({
      id: `latency-timeline-${family}`,
      title: `${family}: latency over time within a run`,
      caption:
        `Case ${chosen} (the ${family} case with the most buckets per run); for each layout its median run by ns/op ` +
        `(${picks.join(', ')}). Left: mean op latency per bucket of ${bucketOps === 1 ? 'one op' : `${bucketOps} consecutive ops`}; ` +
        `right: the slowest op in each bucket. x is milliseconds since the run's timed part began; spikes are syncs, ` +
        `flushes, compactions or truncations.`,
      spec: topLevel(data, {
        facet: { column: { field: 'stat', type: 'nominal', title: null, sort: ['mean per bucket', 'max per bucket'], header: { labelAnchor: 'start' } } },
        spec: {
          width: 340,
          height: 180,
          mark: { type: 'line', strokeWidth: 1.2, interpolate: 'step-after', ...(data.length <= 16 * 60 ? { point: { size: 10, filled: true } } : {}) },
          encoding: {
            x: { field: 'ms', type: 'quantitative', title: 'time since run start (ms)' },
            y,
            color: layoutColor({ layouts }),
          },
        },
      }),
    });
  }
  return out;
}

/** The case whose shortest timeline (over layouts and runs) is longest; the first such case on ties. */
function chooseCase(rows: readonly CaseRow[]): string | null {
  let best: string | null = null;
  let bestLen = -1;
  for (const key of new Set(rows.map((r) => r.caseKey))) {
    const len = Math.min(...rows.filter((r) => r.caseKey === key).flatMap((r) => r.runs.map((run) => run.timeline?.endMs?.length ?? 0)));
    if (len > bestLen) {
      best = key;
      bestLen = len;
    }
  }
  return best;
}
