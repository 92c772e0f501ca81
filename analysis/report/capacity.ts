import type { ResultsFile } from '../results-schema.ts';
import { caseRows, label, layoutOrder } from './case-data.ts';
import type { CapacityChart, CapacityTable } from './model.ts';

/**
 * Capacity at an SLO, per case (all parameters but the layout): the hockey stick (every probe's
 * percentile against the rate it offered, per layout) and the table (each layout's capacity per
 * replicate, the median of them, the probes, and the confirming run's corrected and uncorrected p99).
 */
export function capacityCharts(results: ResultsFile): CapacityChart[] {
  return groups(results).map(({ caseKey, family, rows, layouts }) => {
    const slo = rows[0]!.capacity[0]!.slo;
    const points = rows.flatMap((r) =>
      r.capacity.flatMap((search, rep) =>
        search.probes.map((p) => ({
          layout: r.layout,
          rate: p.rateOpsPerSec,
          ns: p.valueNs,
          uncorrectedP99Ns: p.run.open?.uncorrected.p99 ?? null,
          pass: p.pass,
          phase: p.phase,
          replicate: rep + 1,
        })),
      ),
    );
    const capacities = rows.map((r) => ({ layout: r.layout, rate: median(r.capacity.map((c) => c.capacityOpsPerSec)) }));
    return { family, caseKey, slo: { label: slo.label, boundNs: slo.boundNs }, layouts, points, capacities };
  });
}

export function capacityTables(results: ResultsFile): CapacityTable[] {
  return groups(results).map(({ caseKey, family, rows }) => {
    const search = rows[0]!.capacity[0]!;
    return {
      family,
      caseKey,
      slo: { label: search.slo.label, boundNs: search.slo.boundNs },
      durationMs: search.durationMs,
      rows: rows.map((r) => ({
        layout: r.layout,
        capacities: r.capacity.map((c) => ({ rate: c.capacityOpsPerSec, bound: c.bound })),
        median: median(r.capacity.map((c) => c.capacityOpsPerSec)),
        atCapacity: r.capacity.map((c) => {
          const confirm = [...c.probes].reverse().find((p) => p.phase === 'confirm' && p.pass);
          return confirm?.run.open ? { correctedP99Ns: confirm.run.latency.p99, uncorrectedP99Ns: confirm.run.open.uncorrected.p99, maxBacklog: confirm.run.open.maxBacklog } : null;
        }),
        probes: r.capacity.map((c) => c.probes.map((p) => ({ rate: p.rateOpsPerSec, phase: p.phase, ns: p.valueNs, pass: p.pass, keptUp: p.run.open?.keptUp ?? true }))),
      })),
    };
  });
}

function groups(results: ResultsFile) {
  const byName = new Map(results.benchmarks.map((b) => [b.name, b]));
  const rows = caseRows(results)
    .map((r) => ({ ...r, capacity: byName.get(r.name)?.capacity ?? [] }))
    .filter((r) => r.capacity.length > 0);
  const layouts = layoutOrder(results, rows);
  const keys = [...new Set(rows.map((r) => r.caseKey))];
  return keys.map((caseKey) => {
    const mine = rows.filter((r) => r.caseKey === caseKey).sort((a, b) => layouts.indexOf(a.layout) - layouts.indexOf(b.layout));
    return { caseKey: label(mine[0]!.family, mine[0]!.params, ['layout']), family: mine[0]!.family, rows: mine, layouts: mine.map((r) => r.layout) };
  });
}

/** The median of the replicates' capacities (the lower middle one for an even count: a conservative answer). */
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] ?? 0;
}
