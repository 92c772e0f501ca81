/**
 * Durability observed at the device, not taken from the flag: N synced writes to an engine must complete
 * at least N flush requests on the block device holding its files (/proc/diskstats, field 16). Other
 * processes' I/O can only add flushes, so a lower bound is safe on a shared machine; an engine whose
 * synced writes never reach the device completes (almost) none.
 */
import type { Engine } from '../../engines/engine.ts';
import { blockDeviceOf, deviceDelta, readDiskstats } from '../../harness/counters/diskstats.ts';

/** Why the check cannot run on `dir` (not a block device, no write-back cache, no flush counts), else null. */
export function deviceCheckUnavailable(dir: string): string | null {
  const dev = blockDeviceOf(dir);
  if (!dev) return `${dir} is not on a block device`;
  if (!dev.writeBack) return `${dev.disk} has no volatile write cache: fdatasync sends no flush to count`;
  const stats = readDiskstats();
  if (!stats || stats.get(dev.disk)?.flushes == null) return 'this kernel does not count flushes in /proc/diskstats';
  return null;
}

/** Writes `n` synced 1 KiB batches and returns the flushes the device completed meanwhile. */
export async function flushesForSyncedWrites(engine: Engine, dir: string, n: number): Promise<number> {
  const dev = blockDeviceOf(dir);
  if (!dev) throw new Error(`${dir} is not on a block device`);
  const before = readDiskstats()!;
  for (let i = 0; i < n; i++) {
    await engine.write([{ type: 'put', key: Buffer.from(`durable-${String(i).padStart(6, '0')}`), value: Buffer.alloc(1024, i) }], { sync: true });
  }
  const d = deviceDelta(dev, before, readDiskstats()!);
  return d?.flushes ?? 0;
}
