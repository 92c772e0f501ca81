import { parseBenchText } from '../../analysis/benchfmt/reader.ts';
import type { GateInput } from '../../analysis/gate/decide.ts';
import type { Fingerprint } from '../../analysis/gate/fingerprint.ts';

/** Seeded PRNG (mulberry32): every synthetic sample replays from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Lognormal samples: median `center`, log-sd `sigma` (0.1 is about 10% noise). */
export function lognormal(rand: () => number, n: number, center: number, sigma: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const u1 = Math.max(rand(), 1e-12);
    const u2 = rand();
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    out.push(center * Math.exp(sigma * z));
  }
  return out;
}

/** Go benchmark text with one line per sample: `Benchmark<name> 100 <v> <unit>` (several units per line when given). */
export function goText(benchmarks: Record<string, Record<string, readonly number[]>>): string {
  const lines = ['goos: linux', 'pkg: raftbench'];
  for (const [name, byUnit] of Object.entries(benchmarks)) {
    const units = Object.keys(byUnit);
    const n = Math.max(...units.map((u) => byUnit[u]!.length));
    for (let i = 0; i < n; i++) {
      const cells = units.filter((u) => byUnit[u]![i] !== undefined).map((u) => `${byUnit[u]![i]} ${u}`);
      lines.push(`Benchmark${name}\t100\t${cells.join('\t')}`);
    }
  }
  return lines.join('\n') + '\n';
}

export function input(label: string, benchmarks: Record<string, Record<string, readonly number[]>>, fingerprint: Fingerprint | null = null): GateInput {
  return { label, set: parseBenchText(goText(benchmarks), label), fingerprint };
}

export const FP: Fingerprint = {
  cpuModel: 'Intel(R) Xeon(R) Processor', fsType: 'ext4', engines: { rocksdb: '5.2.1 (RocksDB 6.17.3)' }, nodeMajor: '20',
};
