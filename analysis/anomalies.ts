import type { BenchmarkResult, ResultsFile, RunResult } from './results-schema.ts';
import { compareSamples, median, sortSamples, type Style } from './stats/index.ts';

/**
 * Results that need explaining (the RFC's own 64 KiB row was one): time/op that falls as the value grows,
 * a layout's delta that changes sign between neighbouring sizes, and bimodal per-op latency. Each flag
 * names the counters that differ most from its neighbours, so the reader knows where to look.
 */
export type AnomalyKind = 'not-monotonic' | 'sign-flip' | 'bimodal';

export interface Anomaly {
  readonly kind: AnomalyKind;
  /** The benchmark the flag is about. */
  readonly name: string;
  /** What was seen, in one line. */
  readonly text: string;
  /** Counters (median per op over the runs) that differ most from the neighbours', largest ratio first. */
  readonly counters: ReadonlyArray<{ readonly counter: string; readonly here: number; readonly neighbours: number }>;
}

export interface AnomalyOptions {
  readonly alpha: number;
  readonly style: Style;
  /** p90/p50 at or above which latency counts as bimodal (a slow mode of >= 10% of ops; default 3). */
  readonly bimodalRatio?: number;
}

export function findAnomalies(results: ResultsFile, opts: AnomalyOptions): Anomaly[] {
  const out: Anomaly[] = [];
  const bySeries = groupBy(results.benchmarks.filter((b) => b.params.vs !== undefined && b.runs.length > 0), (b) => seriesKey(b, ['vs']));
  for (const series of bySeries.values()) {
    const sorted = [...series].sort((a, b) => Number(a.params.vs) - Number(b.params.vs));
    for (let i = 1; i < sorted.length; i++) {
      const small = sorted[i - 1]!;
      const large = sorted[i]!;
      const c = compareSamples(times(small), times(large), opts);
      if (c.significant && c.delta < 0) {
        out.push({
          kind: 'not-monotonic',
          name: large.name,
          text: `time/op falls from vs=${small.params.vs} to vs=${large.params.vs} (${pct(c.delta)}, p=${fmtP(c.p)}): a larger value should not be faster`,
          counters: differingCounters(large, [small, ...(sorted[i + 1] ? [sorted[i + 1]!] : [])]),
        });
      }
    }
  }
  // A layout's delta against shared, size by size: a significant sign change between neighbours.
  const byCase = groupBy(results.benchmarks.filter((b) => b.params.layout !== undefined && b.params.vs !== undefined && b.runs.length > 0), (b) => seriesKey(b, ['layout', 'vs']));
  for (const group of byCase.values()) {
    const layouts = [...new Set(group.map((b) => b.params.layout!))].filter((l) => l !== 'shared');
    for (const layout of layouts) {
      const sizes = [...new Set(group.map((b) => Number(b.params.vs)))].sort((a, b) => a - b);
      const deltas = sizes.map((vs) => {
        const base = group.find((b) => b.params.layout === 'shared' && Number(b.params.vs) === vs);
        const cand = group.find((b) => b.params.layout === layout && Number(b.params.vs) === vs);
        if (!base || !cand) return null;
        const c = compareSamples(times(base), times(cand), opts);
        return { vs, cand, delta: c.delta, significant: c.significant };
      });
      for (let i = 1; i < deltas.length; i++) {
        const a = deltas[i - 1];
        const b = deltas[i];
        if (!a || !b || !a.significant || !b.significant || Math.sign(a.delta) === Math.sign(b.delta)) continue;
        out.push({
          kind: 'sign-flip',
          name: b.cand.name,
          text: `${layout} vs shared flips from ${pct(a.delta)} at vs=${a.vs} to ${pct(b.delta)} at vs=${b.vs}`,
          counters: differingCounters(b.cand, [a.cand]),
        });
      }
    }
  }
  const ratio = opts.bimodalRatio ?? 3;
  const bySize = groupBy(results.benchmarks.filter((b) => b.runs.length > 0), (b) => seriesKey(b, ['vs']));
  for (const b of results.benchmarks) {
    if (b.runs.length === 0) continue;
    const r = median(sortSamples(b.runs.map((run) => run.latency.p90 / Math.max(1, run.latency.p50))));
    if (r < ratio) continue;
    const neighbours = (bySize.get(seriesKey(b, ['vs'])) ?? []).filter((x) => x !== b);
    out.push({
      kind: 'bimodal',
      name: b.name,
      text: `per-op latency has a slow mode: p90 is ${r.toFixed(1)}x p50 (median over runs)`,
      counters: differingCounters(b, neighbours),
    });
  }
  return out;
}

/** Every per-op counter a run carries, by name. */
export function runCounters(run: RunResult): Record<string, number> {
  const c: Record<string, number> = { 'syncs/op': run.syncsPerOp };
  const o = run.observed;
  if (o) {
    const flushes = o.devices.filter((d) => d.flushesPerOp !== null);
    if (flushes.length > 0) c['dev-flush/op'] = flushes.reduce((s, d) => s + d.flushesPerOp!, 0);
    if (o.devices.length > 0) c['dev-B/op'] = o.devices.reduce((s, d) => s + d.bytesPerOp, 0);
    if (o.writeAmp !== null) c['write-amp'] = o.writeAmp;
    if (o.engineSyncsPerOp !== null) c['eng-sync/op'] = o.engineSyncsPerOp;
    for (const [k, v] of Object.entries(o.engine)) c[`eng-${k}/op`] = run.ops > 0 ? v / run.ops : 0;
  }
  if (typeof run.schedWaitNsPerOp === 'number') c['cpu-wait-ns/op'] = run.schedWaitNsPerOp;
  if (typeof run.cpuNsPerOp === 'number') c['cpu-ns/op'] = run.cpuNsPerOp;
  if (typeof run.minorFaultsPerOp === 'number') c['minflt/op'] = run.minorFaultsPerOp;
  for (const [k, v] of Object.entries(run.extra)) c[k] = v;
  return c;
}

function differingCounters(b: BenchmarkResult, neighbours: readonly BenchmarkResult[]): Anomaly['counters'] {
  if (neighbours.length === 0) return [];
  const here = medianCounters(b);
  const near = neighbours.map(medianCounters);
  const rows: Array<{ counter: string; here: number; neighbours: number; score: number }> = [];
  for (const [k, v] of Object.entries(here)) {
    const others = near.map((n) => n[k]).filter((x): x is number => x !== undefined);
    if (others.length === 0) continue;
    const m = others.reduce((s, x) => s + x, 0) / others.length;
    // Symmetric log ratio; +1 keeps zero counts comparable without blowing up.
    const score = Math.abs(Math.log((Math.abs(v) + 1) / (Math.abs(m) + 1)));
    if (score > 0.05) rows.push({ counter: k, here: v, neighbours: m, score });
  }
  return rows.sort((a, b) => b.score - a.score).slice(0, 3).map(({ counter, here: h, neighbours: n }) => ({ counter, here: h, neighbours: n }));
}

function medianCounters(b: BenchmarkResult): Record<string, number> {
  const per = b.runs.map(runCounters);
  const keys = new Set(per.flatMap((p) => Object.keys(p)));
  const out: Record<string, number> = {};
  for (const k of keys) {
    const vals = per.map((p) => p[k]).filter((x): x is number => x !== undefined && Number.isFinite(x));
    if (vals.length > 0) out[k] = median(sortSamples(vals));
  }
  return out;
}

function times(b: BenchmarkResult): number[] {
  return b.runs.map((r) => r.nsPerOp);
}

/** The benchmark's family and parameters without `drop`, as a grouping key. */
function seriesKey(b: BenchmarkResult, drop: readonly string[]): string {
  return [b.family, ...Object.entries(b.params).filter(([k]) => !drop.includes(k)).map(([k, v]) => `${k}=${v}`)].join('/');
}

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const g = m.get(k);
    if (g) g.push(x);
    else m.set(k, [x]);
  }
  return m;
}

function pct(d: number): string {
  return `${d >= 0 ? '+' : ''}${(d * 100).toFixed(1)}%`;
}

function fmtP(p: number | null): string {
  return p === null ? '?' : p.toFixed(3);
}
