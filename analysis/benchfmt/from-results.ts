import type { ResultsFile, RunResult } from '../results-schema.ts';
import { hasWarning, warning, type Warning } from '../warning.ts';
import { splitName, type BenchRecord, type BenchSet, type BenchValue } from './record.ts';

/**
 * Converts a results.json into Go-format records, one per run (replicate), with the units `bench.txt`
 * uses so the two compare alike: `ns/op`; `MB/s` when the op carries a payload; `p50-ns`, `p99-ns`,
 * `p999-ns` from the per-op latency distribution; `syncs/op` (requested) and `disk-B/op` (where measured);
 * `cpu-wait-ns/op`, time the bench's and its nodes' threads waited runnable for a CPU; `cpu-ns/op`, time
 * they ran on one; `minflt/op`, their minor page faults;
 * and what was observed: `dev-flush/op`, `dev-B/op` and `write-amp` from the devices, `eng-sync/op`
 * from the engines' own counts, and the engines' run totals (`flushes`, `stalls`, ...) where they report them.
 *
 * Open loop: `p50-ns`, `p99-ns`, `p999-ns` keep their meaning, the latency a client saw, which there is
 * from the op's intended start (corrected); `p50-uncorr-ns`, `p99-uncorr-ns`, `p999-uncorr-ns` are from its
 * actual send, and `ops/s` is the rate achieved. A capacity case adds `capacity-ops/s`: the rate its
 * replicate's search found (higher is better, as for every `/s` unit), beside the confirming run's units.
 */
export function resultsToBenchSet(results: ResultsFile, label: string): BenchSet {
  const records: BenchRecord[] = [];
  const config: Record<string, string> = {};
  if (results.environment?.cpuModel) config['cpu'] = results.environment.cpuModel;
  for (const b of results.benchmarks) {
    const { family, parts, procs } = splitName(b.name);
    b.runs.forEach((run, i) => {
      const values: BenchValue[] = [{ value: run.nsPerOp, unit: 'ns/op' }];
      if (b.bytesPerOp > 0) values.push({ value: run.mbPerSec, unit: 'MB/s' });
      values.push({ value: run.latency.p50, unit: 'p50-ns' });
      values.push({ value: run.latency.p99, unit: 'p99-ns' });
      values.push({ value: run.latency.p999, unit: 'p999-ns' });
      values.push({ value: run.syncsPerOp, unit: 'syncs/op' });
      if (run.diskBytesPerOp !== null) values.push({ value: run.diskBytesPerOp, unit: 'disk-B/op' });
      if (typeof run.schedWaitNsPerOp === 'number') values.push({ value: run.schedWaitNsPerOp, unit: 'cpu-wait-ns/op' });
      if (typeof run.cpuNsPerOp === 'number') values.push({ value: run.cpuNsPerOp, unit: 'cpu-ns/op' });
      if (typeof run.minorFaultsPerOp === 'number') values.push({ value: run.minorFaultsPerOp, unit: 'minflt/op' });
      values.push(...observedValues(run.observed, run.ops));
      // Truncations and the state-engine syncs the RFC's rule forced (run totals in extra), per op.
      for (const [key, unit] of [['truncations', 'trunc/op'], ['truncationSyncs', 'trunc-sync/op']] as const) {
        const v = run.extra[key];
        if (v !== undefined && run.ops > 0) values.push({ value: v / run.ops, unit });
      }
      if (run.open) {
        values.push({ value: run.open.uncorrected.p50, unit: 'p50-uncorr-ns' });
        values.push({ value: run.open.uncorrected.p99, unit: 'p99-uncorr-ns' });
        values.push({ value: run.open.uncorrected.p999, unit: 'p999-uncorr-ns' });
        values.push({ value: run.open.achievedOpsPerSec, unit: 'ops/s' });
      }
      const search = b.capacity?.[i];
      if (search) values.push({ value: search.capacityOpsPerSec, unit: 'capacity-ops/s' });
      records.push({
        name: b.name, family, parts, procs, iterations: run.ops, values, config, source: `${label}: ${b.name} run ${i + 1}`,
      });
    });
  }
  // What the run itself warns about travels with its numbers; `compare` prints it.
  const runWarnings: Warning[] = (results.warnings ?? []).map((w) => ({ ...w, source: label }));
  if (!results.complete && !hasWarning(results.warnings, 'incomplete-run')) {
    runWarnings.push(warning('incomplete-run', 'severe', `incomplete run (${results.incompleteReason ?? 'did not finish'})`, label));
  }
  return { label, records, warnings: [], runWarnings };
}

/** Units for what reached the devices and what the engines counted; absent where not measured. */
function observedValues(o: RunResult['observed'], ops: number): BenchValue[] {
  if (!o) return [];
  const out: BenchValue[] = [];
  const flushes = o.devices.filter((d) => d.flushesPerOp !== null);
  if (flushes.length > 0) out.push({ value: flushes.reduce((s, d) => s + d.flushesPerOp!, 0), unit: 'dev-flush/op' });
  if (o.devices.length > 0) out.push({ value: o.devices.reduce((s, d) => s + d.bytesPerOp, 0), unit: 'dev-B/op' });
  if (o.writeAmp !== null) out.push({ value: o.writeAmp, unit: 'write-amp' });
  if (o.engineSyncsPerOp !== null) out.push({ value: o.engineSyncsPerOp, unit: 'eng-sync/op' });
  for (const [k, v] of Object.entries(o.engine)) out.push({ value: ops > 0 ? v / ops : 0, unit: `eng-${k}/op` });
  return out;
}
