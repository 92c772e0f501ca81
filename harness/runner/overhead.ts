import { Bench } from 'tinybench';
import { MemoryEngine } from '../../engines/memory.ts';
import { nowNs } from '../../scenarios/family.ts';
import type { HarnessOverhead } from '../../analysis/results-schema.ts';
import { LatencyRecorder } from './latency-recorder.ts';

/**
 * The harness's own cost per op, measured with tinybench before a suite: what timing and recording one
 * op adds, what one awaited call adds (every engine call is awaited), and a put to the memory engine
 * (the floor under every layout). Results below these are noise, not storage.
 */
/** Ops per tinybench iteration, so tinybench's own timing per iteration is spread thin. */
const PER_ITERATION = 100;

export async function measureOverhead(): Promise<HarnessOverhead> {
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
  return { recordNs: meanNs('record'), awaitNs: meanNs('await'), memoryPutNs: meanNs('memory-put') };
}
