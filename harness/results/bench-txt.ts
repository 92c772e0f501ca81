import type { ResultsFile } from '../../analysis/results-schema.ts';
import { formatBenchText, resultsToBenchSet } from '../../analysis/benchfmt/index.ts';

/**
 * The results in Go benchmark format, one line per replicate, so that benchstat and every tool that reads
 * `go test -bench` output can read them: a header of `key: value` lines (Go's `goos`, `goarch`, `cpu`,
 * and raftbench's own), then the lines `resultsToBenchSet` makes, with every value at full precision so
 * `compare bench.txt` and `compare results.json` agree exactly.
 *
 * No configuration line may differ between two runs of the same set-up: benchstat puts results of
 * different configurations in separate tables and compares nothing, so `benchstat old.txt new.txt` would
 * need `-ignore`. What is per run (its id, whether it finished) stays in results.json; an incomplete run
 * is marked by a `# raftbench-incomplete:` line, which benchstat skips and raftbench's reader keeps.
 */
export function formatBenchTxt(r: ResultsFile): string {
  const env = r.environment;
  const header = [
    `goos: ${env.platform}`,
    `goarch: ${env.arch === 'x64' ? 'amd64' : env.arch === 'ia32' ? '386' : env.arch}`,
    `pkg: raftbench`,
    `raftbench-suite: ${r.config.suite ?? 'custom'}`,
    `raftbench-binding: ${r.config.binding}`,
    `raftbench-fs: ${env.dataDirFs.type} ${oneLine(env.dataDirFs.device)}`,
    `node: ${env.node}`,
  ];
  if (!r.complete) header.push(`# raftbench-incomplete: ${oneLine(r.incompleteReason ?? 'run did not finish')}`);
  // resultsToBenchSet puts `cpu` in each record's config; the writer prints it once.
  return header.join('\n') + '\n' + formatBenchText(resultsToBenchSet(r, r.runId).records);
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ');
}
