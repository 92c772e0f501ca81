import { runCounters } from './anomalies.ts';
import type { ResultsFile } from './results-schema.ts';
import { median, sortSamples } from './stats/index.ts';

/**
 * Per benchmark, what reached the disk (medians over its runs): syncs requested, syncs the engines
 * performed by their own count, device flushes and bytes, write amplification. The model renderers show
 * beside time/op; null where not measured (older results, tmpfs, an engine that keeps no count).
 */
export interface ObservedRow {
  readonly name: string;
  readonly requestedSyncs: number;
  readonly engineSyncs: number | null;
  readonly deviceFlushes: number | null;
  readonly deviceBytes: number | null;
  /** Device bytes per value byte (per byte handed to the engines when the op has no value). */
  readonly writeAmp: number | null;
  /** The engines' own counts over a run (median): flushes, compaction bytes, stalls, segment rolls, ...; nonzero only. */
  readonly engine: Readonly<Record<string, number>>;
  /** Log truncations and the state syncs they forced per run (median), where the family counts them. */
  readonly truncations: number | null;
  readonly truncationSyncs: number | null;
  /** Nanoseconds per op the bench's and its nodes' threads waited runnable for a CPU (wake-ups), where measured. */
  readonly cpuWaitNs: number | null;
  /** Nanoseconds per op those threads ran on a CPU, where measured. */
  readonly cpuNs: number | null;
  /** Minor page faults per op of the bench and its node processes, where measured. */
  readonly minorFaults: number | null;
  /** Device flushes well above the engines' own syncs: other processes' I/O is likely in the device counts. */
  readonly othersSuspected: boolean;
}

/** Flushes above engine syncs by this factor (and at least 0.2/op) suggest another process's I/O. */
const OTHERS_FACTOR = 1.5;

export function observedTable(r: ResultsFile): ObservedRow[] {
  const rows: ObservedRow[] = [];
  for (const b of r.benchmarks) {
    if (b.runs.length === 0 || !b.runs.some((run) => run.observed)) continue;
    const per = b.runs.map(runCounters);
    const med = (k: string): number | null => {
      const v = per.map((p) => p[k]).filter((x): x is number => x !== undefined && Number.isFinite(x));
      return v.length === 0 ? null : median(sortSamples(v));
    };
    const engineSyncs = med('eng-sync/op');
    const deviceFlushes = med('dev-flush/op');
    const deviceBytes = med('dev-B/op');
    rows.push({
      name: b.name,
      requestedSyncs: med('syncs/op') ?? 0,
      engineSyncs,
      deviceFlushes,
      deviceBytes,
      // Against the user's value where the op carries one (a replica writes it several times: log, state).
      writeAmp: deviceBytes !== null && b.bytesPerOp > 0 ? deviceBytes / b.bytesPerOp : med('write-amp'),
      engine: medianEngine(b.runs),
      truncations: medianOf(b.runs.map((run) => run.extra.truncations)),
      truncationSyncs: medianOf(b.runs.map((run) => run.extra.truncationSyncs)),
      cpuWaitNs: med('cpu-wait-ns/op'),
      cpuNs: med('cpu-ns/op'),
      minorFaults: med('minflt/op'),
      othersSuspected: engineSyncs !== null && deviceFlushes !== null && deviceFlushes > Math.max(engineSyncs * OTHERS_FACTOR, engineSyncs + 0.2),
    });
  }
  return rows;
}

function medianOf(xs: ReadonlyArray<number | undefined>): number | null {
  const v = xs.filter((x): x is number => x !== undefined && Number.isFinite(x));
  return v.length === 0 ? null : median(sortSamples(v));
}

function medianEngine(runs: ResultsFile['benchmarks'][number]['runs']): Record<string, number> {
  const keys = new Set(runs.flatMap((r) => Object.keys(r.observed?.engine ?? {})));
  const out: Record<string, number> = {};
  for (const k of keys) {
    const m = medianOf(runs.map((r) => r.observed?.engine[k]));
    if (m !== null && m !== 0) out[k] = m;
  }
  return out;
}
