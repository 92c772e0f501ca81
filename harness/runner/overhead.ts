import { Bench } from 'tinybench';
import { MemoryEngine } from '../../engines/memory.ts';
import { nowNs } from '../../scenarios/family.ts';
import type { HarnessOverhead } from '../../analysis/results-schema.ts';
import type { MemoryBudget } from '../../engines/memory-budget.ts';
import { LatencyRecorder } from './latency-recorder.ts';
import { measurePathOverhead, type PathDef } from './path-overhead.ts';

/** Ops per tinybench iteration, so tinybench's own timing per iteration is spread thin. */
const PER_ITERATION = 100;

/**
 * The harness's own cost per op, measured before a suite: what timing and recording one op adds, what one
 * awaited call adds (tinybench), and, given `paths.dir`, an empty round trip through the path each engine's
 * writes take (`path-overhead.ts`: a pool round trip for RocksDB 6, a synchronous binding call for
 * RocksDB 9, ...), the part of every result that is the path and not the storage. The memory-engine put is
 * kept for old readers; it never crosses a thread, so it understates every path that does.
 */
export async function measureOverhead(paths?: { readonly dir: string; readonly budget: MemoryBudget; readonly only?: readonly PathDef[] }): Promise<HarnessOverhead> {
  const rec = new LatencyRecorder(1 << 16);
  const engine = new MemoryEngine();
  const key = Buffer.alloc(16);
  const value = Buffer.alloc(64);
  let n = 0;
  const bench = new Bench({ time: 60, warmupTime: 20 });
  bench
    .add('record', () => {
      for (let i = 0; i < PER_ITERATION; i++) {
        const t0 = nowNs();
        rec.record(nowNs() - t0);
      }
    })
    .add('await', async () => {
      for (let i = 0; i < PER_ITERATION; i++) await Promise.resolve();
    })
    .add('memory-put', async () => {
      for (let i = 0; i < PER_ITERATION; i++) {
        key.writeUInt32BE(n++ & 0xffff, 0);
        await engine.write([{ type: 'put', key, value }], { sync: false });
      }
    });
  await bench.run();
  const meanNs = (name: string): number => {
    const r = bench.getTask(name)?.result;
    return r && 'latency' in r && r.latency ? (r.latency.mean * 1e6) / PER_ITERATION : NaN;
  };
  await engine.close();
  const base = { recordNs: meanNs('record'), awaitNs: meanNs('await'), memoryPutNs: meanNs('memory-put') };
  return paths ? { ...base, paths: await measurePathOverhead(paths.dir, paths.budget, 200, paths.only) } : base;
}
