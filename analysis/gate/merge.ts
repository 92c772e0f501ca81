import type { BenchmarkResult, ResultsFile } from '../results-schema.ts';
import type { Warning } from '../warning.ts';

/**
 * Merges replicate results (one process each) into one results file: the runs of each benchmark in the
 * order the replicates are given, metadata from the first. The merge is complete only when every part is.
 */
export function mergeReplicates(parts: readonly ResultsFile[], runId: string, command: readonly string[]): ResultsFile {
  const first = parts[0];
  if (!first) throw new Error('mergeReplicates: no replicates');
  const byName = new Map<string, BenchmarkResult>();
  for (const p of parts) {
    for (const b of p.benchmarks) {
      const have = byName.get(b.name);
      if (have) have.runs.push(...b.runs);
      else byName.set(b.name, { ...b, runs: [...b.runs] });
    }
  }
  const incomplete = parts.filter((p) => !p.complete);
  const warnings = mergeWarnings(parts.map((p) => p.warnings));
  const merged: ResultsFile = {
    ...first,
    runId,
    command: [...command],
    complete: incomplete.length === 0,
    startedAt: first.startedAt,
    config: { ...first.config, count: parts.length },
    warnings,
    benchmarks: [...byName.values()],
  };
  delete merged.calibration;
  const last = parts[parts.length - 1];
  if (last?.finishedAt) merged.finishedAt = last.finishedAt;
  if (incomplete.length > 0) merged.incompleteReason = `${incomplete.length} of ${parts.length} replicates incomplete`;
  else delete merged.incompleteReason;
  return merged;
}

/**
 * One warning per kind, kept as first seen with how many replicates said it. A run says each code at
 * most once (its numbers, such as the load average, differ between replicates), so the code is the kind;
 * unclassified `legacy` warnings are one kind per text.
 */
function mergeWarnings(lists: ReadonlyArray<readonly Warning[]>): Warning[] {
  const keyOf = (w: Warning) => (w.code === 'legacy' ? `legacy\u0000${w.text}` : w.code);
  const kinds = new Map<string, { first: Warning; count: number }>();
  for (const list of lists) {
    for (const key of new Set(list.map(keyOf))) {
      const k = kinds.get(key);
      if (k) k.count++;
      else kinds.set(key, { first: list.find((w) => keyOf(w) === key)!, count: 1 });
    }
  }
  return [...kinds.values()].map((k) => (k.count > 1 ? { ...k.first, text: `${k.first.text} (in ${k.count} of ${lists.length} replicates)` } : k.first));
}
