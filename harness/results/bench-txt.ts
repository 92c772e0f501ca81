import type { ResultsFile, RunResult } from './schema.ts';

/**
 * The results in Go benchmark format, one line per replicate, so that benchstat and every tool that reads
 * `go test -bench` output can read them:
 *
 *   goos: linux
 *   cpu: ...
 *   BenchmarkBatchCommit/layout=shared/order=interleaved/vs=1024  1000  75400 ns/op  13.58 MB/s  ... p50-ns ...
 */
export function formatBenchTxt(r: ResultsFile): string {
  const env = r.environment;
  const lines = [
    `goos: ${env.platform}`,
    `goarch: ${goArch(env.arch)}`,
    `pkg: raftbench`,
    `cpu: ${oneLine(env.cpuModel)}`,
    `raftbench-run: ${r.runId}`,
    `raftbench-suite: ${r.config.suite ?? 'custom'}`,
    `raftbench-binding: ${r.config.binding}`,
    `raftbench-fs: ${env.dataDirFs.type} ${oneLine(env.dataDirFs.device)}`,
    `node: ${env.node}`,
  ];
  if (!r.complete) lines.push(`raftbench-incomplete: ${oneLine(r.incompleteReason ?? 'run did not finish')}`);
  for (const b of r.benchmarks) {
    for (const run of b.runs) lines.push(benchLine(b.name, b.bytesPerOp, run));
  }
  return lines.join('\n') + '\n';
}

/** One Go benchmark result line. Values keep enough digits for the statistics to be exact. */
export function benchLine(name: string, bytesPerOp: number, run: RunResult): string {
  const parts = [`Benchmark${name}`, String(run.ops), `${fmt(run.nsPerOp)} ns/op`];
  if (bytesPerOp > 0) parts.push(`${fmt(run.mbPerSec)} MB/s`);
  parts.push(`${fmt(run.latency.p50)} p50-ns`, `${fmt(run.latency.p99)} p99-ns`, `${fmt(run.latency.p999)} p999-ns`);
  parts.push(`${fmt(run.syncsPerOp)} syncs/op`);
  if (run.diskBytesPerOp !== null) parts.push(`${fmt(run.diskBytesPerOp)} disk-B/op`);
  return parts.join('\t');
}

function fmt(x: number): string {
  if (Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(6).replace(/\.?0+$/, '');
}

function goArch(a: string): string {
  return a === 'x64' ? 'amd64' : a === 'ia32' ? '386' : a;
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ');
}
