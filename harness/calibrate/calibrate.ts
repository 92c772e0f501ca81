import { randomBytes, randomFillSync } from 'node:crypto';
import { closeSync, fdatasyncSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Calibration, CalibrationPoint } from '../../analysis/results-schema.ts';
import { fsInfo, MEMORY_FILESYSTEMS } from '../../engines/fs-info.ts';

/** Timed write+fdatasync ops per size at most. 1000 makes p99 the 10th slowest op. */
export const DEFAULT_OPS = 1000;
/**
 * Seconds per size at most. 1.25 s keeps a 6-size calibration under ~10 s including the preallocation
 * and warm-up, and still gives >= ~100 ops per size on a disk whose sync takes 10 ms (a 7200 rpm HDD).
 */
export const DEFAULT_SECONDS = 1.25;
/** Untimed write+fdatasync ops before each size's timed ones (first touches, the journal settling). */
export const WARMUP_OPS = 5;
/** The preallocated region: the timed writes wrap around inside it. As `fio --size=16m`. */
export const MIN_REGION_BYTES = 16 * 1024 * 1024;
/**
 * A write + fdatasync whose median is faster than this never reached a real device's stable storage.
 * Every such op writes at least one 4 KiB page to the device and waits for it plus a cache flush; the
 * fastest NVMe drives (power-loss-protected, Optane) need ~15-30 µs for that through ext4/xfs, whereas
 * tmpfs, a disk whose flush is ignored by a hypervisor's volatile cache (`cache=unsafe`), or an
 * `eatmydata`-style fake fsync answer in ~1-10 µs.
 */
export const IMPLAUSIBLE_SYNC_NS = 20_000;

export interface CalibrateOptions {
  /** Bytes per write, each followed by one fdatasync; measured in this order. */
  readonly sizes: readonly number[];
  /** Timed ops per size at most (default DEFAULT_OPS). */
  readonly ops?: number;
  /** Seconds of timed ops per size at most (default DEFAULT_SECONDS); the op in flight finishes. */
  readonly seconds?: number;
  /** Called after each size with its result. */
  readonly onProgress?: (point: CalibrationPoint, index: number, total: number) => void;
}

/** Nearest-rank percentile of ascending samples (`q` in 0..1). */
function percentile(sorted: Float64Array, q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] ?? 0;
}

/** Why a calibration is not durable, as one line for warnings; null when it looks like a real device. */
export function nonDurableReason(fsType: string, points: readonly CalibrationPoint[], dir = 'the directory'): string | null {
  if (MEMORY_FILESYSTEMS.has(fsType)) return `${dir} is on ${fsType}: it lives in memory and fdatasync persists nothing`;
  // Any size qualifies: smaller writes still write a whole page, larger ones only take longer.
  const fastest = points.reduce<CalibrationPoint | undefined>((a, p) => (a === undefined || p.p50Ns < a.p50Ns ? p : a), undefined);
  if (fastest !== undefined && fastest.p50Ns < IMPLAUSIBLE_SYNC_NS) {
    return (
      `${dir}: write+fdatasync of ${fastest.size} bytes takes ${(fastest.p50Ns / 1000).toFixed(1)} µs (p50), ` +
      `implausibly fast for a real device (< ${IMPLAUSIBLE_SYNC_NS / 1000} µs): a volatile cache or a fake fsync`
    );
  }
  return null;
}

/** Writes zeros over `[0, bytes)` and syncs, so later overwrites change no extents, size or allocation. */
function preallocate(fd: number, bytes: number): void {
  const chunk = Buffer.alloc(Math.min(bytes, 1024 * 1024));
  for (let off = 0; off < bytes; off += chunk.length) {
    const n = Math.min(chunk.length, bytes - off);
    let done = 0;
    while (done < n) done += writeSync(fd, chunk, done, n - done, off + done);
  }
  // fsync, not fdatasync: the file's size, extents and inode are all persisted before any timed op.
  fsyncSync(fd);
}

/** One size: sequential writes at increasing offsets, wrapping inside the region, each then fdatasync. */
function measure(fd: number, size: number, region: number, maxOps: number, maxNs: bigint): CalibrationPoint {
  // Random bytes, as fio writes: a compressing or deduplicating device must not get an easy time.
  const buf = randomFillSync(Buffer.allocUnsafe(size));
  let offset = 0;
  const writeAt = (): void => {
    if (offset + size > region) offset = 0;
    let done = 0;
    while (done < size) done += writeSync(fd, buf, done, size - done, offset + done);
    offset += size;
  };
  for (let i = 0; i < WARMUP_OPS; i++) {
    writeAt();
    fdatasyncSync(fd);
  }
  const samples = new Float64Array(maxOps);
  let ops = 0;
  let sum = 0;
  const start = process.hrtime.bigint();
  const deadline = start + maxNs;
  let t0 = start;
  while (ops < maxOps) {
    writeAt();
    fdatasyncSync(fd);
    const t1 = process.hrtime.bigint();
    const ns = Number(t1 - t0);
    samples[ops++] = ns;
    sum += ns;
    if (t1 >= deadline) break;
    // The next op's clock starts here, so the loop's own bookkeeping stays outside it: a few ns.
    t0 = process.hrtime.bigint();
  }
  const sorted = samples.subarray(0, ops).sort();
  const meanNs = sum / ops;
  return {
    size,
    ops,
    p50Ns: percentile(sorted, 0.5),
    p99Ns: percentile(sorted, 0.99),
    meanNs,
    syncsPerSec: 1e9 / meanNs,
  };
}

/**
 * Measures the raw write+fdatasync latency of `dir` for each size, as
 * `fio --rw=write --ioengine=sync --fdatasync=1 --bs=SIZE` does: one file, preallocated with zeros and
 * synced first (so the timed syncs persist data only, never a size or allocation change), then for each
 * size sequential writes of SIZE bytes at increasing offsets, wrapping around inside the preallocated
 * region, each followed by fdatasync and timed together with it (one op = what one synced log append
 * costs at queue depth 1). Each size stops at `ops` ops or `seconds` seconds, whichever comes first.
 *
 * The timed loop uses synchronous fs calls: `FileHandle.write` + `datasync` adds two thread-pool round
 * trips to each op, measured at +40-80 µs on a VM's ext4 (p50 133 -> 171-220 µs at 4 KiB) and 2 -> 75-90 µs
 * on tmpfs, which would be counted as device time and would hide a fake fsync behind the threshold. The event loop is blocked for at most one size at a time;
 * it is released between sizes. `dir` must exist; the test file (`.raftbench-calibrate-*`) is removed
 * afterwards, also on error.
 */
export async function calibrate(dir: string, options: CalibrateOptions): Promise<Calibration> {
  const { sizes, ops = DEFAULT_OPS, seconds = DEFAULT_SECONDS, onProgress } = options;
  if (sizes.length === 0) throw new RangeError('calibrate: no sizes');
  for (const s of sizes) if (!Number.isSafeInteger(s) || s < 1) throw new RangeError(`calibrate: bad size ${s}`);
  if (!Number.isSafeInteger(ops) || ops < 1) throw new RangeError(`calibrate: bad ops ${ops}`);
  if (!(seconds > 0)) throw new RangeError(`calibrate: bad seconds ${seconds}`);

  const absDir = path.resolve(dir);
  const fs = fsInfo(absDir);
  const largest = Math.max(...sizes);
  const region = Math.max(MIN_REGION_BYTES, Math.ceil((4 * largest) / 4096) * 4096);
  const file = path.join(absDir, `.raftbench-calibrate-${process.pid}-${randomBytes(4).toString('hex')}`);
  const points: CalibrationPoint[] = [];
  // 'wx': never overwrite an existing file.
  const fd = openSync(file, 'wx', 0o600);
  try {
    preallocate(fd, region);
    const maxNs = BigInt(Math.round(seconds * 1e9));
    for (const [i, size] of sizes.entries()) {
      await yieldToLoop();
      const point = measure(fd, size, region, ops, maxNs);
      points.push(point);
      onProgress?.(point, i, sizes.length);
    }
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  const reason = nonDurableReason(fs.type, points, absDir);
  return { dir: absDir, fsType: fs.type, durable: reason === null, ...(reason !== null ? { nonDurableReason: reason } : {}), points };
}
