import { RESULTS_SCHEMA, RESULTS_VERSION, type BenchmarkResult, type ResultsFile, type RunResult } from '../../analysis/results-schema.ts';

/** A run with the given ns/op and a small timeline; latency percentiles scale with ns/op. */
export function run(nsPerOp: number, bytesPerOp: number): RunResult {
  return {
    ops: 100,
    nsPerOp,
    mbPerSec: bytesPerOp > 0 ? (bytesPerOp * 1e3) / nsPerOp : 0,
    syncsPerOp: 1,
    diskBytesPerOp: 4096,
    latency: { min: nsPerOp * 0.5, mean: nsPerOp, p50: nsPerOp * 0.9, p90: nsPerOp * 1.3, p99: nsPerOp * 2, p999: nsPerOp * 3, max: nsPerOp * 4 },
    timeline: { bucketOps: 10, endMs: [1, 2, 3, 4], meanNs: [nsPerOp, nsPerOp * 1.1, nsPerOp, nsPerOp * 0.9], maxNs: [nsPerOp * 2, nsPerOp * 4, nsPerOp * 2, nsPerOp * 1.5] },
    extra: {},
  };
}

/** A benchmark named from its params in the given order, with `count` runs around `ns` (+-1% steps). */
export function bench(family: string, params: Array<[string, string]>, ns: number, count = 6): BenchmarkResult {
  const vs = params.find(([k]) => k === 'vs');
  const bytes = vs ? Number(vs[1]) : 0;
  return {
    name: [family, ...params.map(([k, v]) => `${k}=${v}`)].join('/'),
    family,
    params: Object.fromEntries(params),
    bytesPerOp: bytes,
    runs: Array.from({ length: count }, (_, i) => run(ns * (1 + (i - count / 2) * 0.01), bytes)),
  };
}

export function results(benchmarks: BenchmarkResult[], over: Partial<ResultsFile> = {}): ResultsFile {
  return {
    schema: RESULTS_SCHEMA,
    version: RESULTS_VERSION,
    runId: 'test-run',
    complete: true,
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:10.000Z',
    command: ['bench', '--suite', 'smoke'],
    config: {
      suite: 'smoke', scenarios: [...new Set(benchmarks.map((b) => b.family))], layouts: ['shared', 'dedicated'], sizes: [1024, 65536],
      count: 6, ops: null, dataDir: '/data', raftDir: null, binding: 'rocksdb',
    },
    environment: {
      hostname: 'host', cpuModel: 'cpu', cpuCount: 2, memoryBytes: 2 ** 33, kernel: 'Linux 6', platform: 'linux', arch: 'x64', node: 'v20',
      dataDirFs: { type: 'ext4', device: '/dev/vda', mountPoint: '/' }, engines: { rocksdb: '5.2.1' }, gitCommit: 'abc', gitDirty: false, loadAverage: [0.1],
    },
    calibration: {
      dir: '/data', fsType: 'ext4', durable: true,
      points: [1024, 65536].map((size) => ({ size, ops: 100, p50Ns: 100_000 + size, p99Ns: 200_000 + size, meanNs: 110_000 + size, syncsPerSec: 9000 })),
    },
    warnings: [],
    benchmarks,
    ...over,
  };
}

/** BatchCommit over two layouts, two orders, two sizes: dedicated 20% faster everywhere. */
export function batchCommit(): ResultsFile {
  const out: BenchmarkResult[] = [];
  for (const vs of ['1024', '65536']) {
    for (const order of ['interleaved', 'sequential']) {
      out.push(bench('BatchCommit', [['layout', 'shared'], ['order', order], ['vs', vs]], 200_000 + Number(vs)));
      out.push(bench('BatchCommit', [['layout', 'dedicated'], ['order', order], ['vs', vs]], (200_000 + Number(vs)) * 0.8));
    }
  }
  return results(out);
}
