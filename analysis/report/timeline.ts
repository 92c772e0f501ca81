import type { ResultsFile } from '../results-schema.ts';
import { caseRows, families, layoutOrder, medianRunIndex, type CaseRow } from './case-data.ts';
import type { TimelineChart } from './model.ts';

/**
 * Latency over time within one run: for each family, the case with the longest timelines, and for each
 * layout the median run of that case (by ns/op).
 */
export function latencyTimelines(results: ResultsFile): TimelineChart[] {
  const all = caseRows(results).filter((r) => r.runs.some((run) => (run.timeline?.endMs?.length ?? 0) > 0));
  const layouts = layoutOrder(results, caseRows(results));
  const out: TimelineChart[] = [];
  for (const family of families(all)) {
    const rows = all.filter((r) => r.family === family);
    const chosen = chooseCase(rows);
    if (!chosen) continue;
    const points: Array<TimelineChart['points'][number]> = [];
    const marks: Array<TimelineChart['marks'][number]> = [];
    const picks: string[] = [];
    let bucketOps = 0;
    for (const r of rows.filter((x) => x.caseKey === chosen)) {
      const i = medianRunIndex(r.runs);
      const run = r.runs[i];
      if (!run) continue;
      const t = run.timeline;
      bucketOps = Math.max(bucketOps, t.bucketOps);
      picks.push(`${r.layout} run ${i + 1} of ${r.runs.length}`);
      for (const m of t.marks ?? []) marks.push({ layout: r.layout, ms: m.atMs, label: m.label });
      t.endMs.forEach((ms, k) => {
        const mean = t.meanNs[k];
        const max = t.maxNs[k];
        if (mean !== undefined && mean > 0) points.push({ layout: r.layout, stat: 'mean per bucket', ms, ns: mean });
        if (max !== undefined && max > 0) points.push({ layout: r.layout, stat: 'max per bucket', ms, ns: max });
      });
    }
    if (points.length === 0) continue;
    out.push({ family, caseKey: chosen, picks, bucketOps, layouts, points, marks });
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
