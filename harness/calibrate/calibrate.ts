import { spawnSync } from 'node:child_process';
import { randomBytes, randomFillSync } from 'node:crypto';
import { closeSync, fdatasyncSync, fstatSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Calibration, CalibrationPoint, FloorPoint } from '../../analysis/results-schema.ts';
import { fsInfo, MEMORY_FILESYSTEMS } from '../../engines/fs-info.ts';
import { zeroFillSync } from '../../engines/zero-fill.ts';
import { measureMachineCosts } from './machine-costs.ts';

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
  /** Also measure the appending floor per size (default true); false: the pre-written floor only. */
  readonly appendFloor?: boolean;
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

/**
 * Writes zeros over `[0, bytes)` and syncs, so later overwrites change no extents, size or allocation. In
 * small writes, as fio lays out its file: the folios a large write leaves add ~25 µs to every later small
 * write+fdatasync (engines/zero-fill.ts).
 */
function preallocate(fd: number, bytes: number): void {
  zeroFillSync(fd, bytes);
  // fsync, not fdatasync: the file's size, extents and inode are all persisted before any timed op.
  fsyncSync(fd);
}

/** One size: sequential writes at increasing offsets, wrapping inside the region, each then fdatasync. */
function measure(fd: number, size: number, region: number, maxOps: number, maxNs: bigint): CalibrationPoint {
  const p = timeWrites(fd, size, region, maxOps, maxNs, 0);
  return { size, ops: p.ops, p50Ns: p.p50Ns, p99Ns: p.p99Ns, meanNs: p.meanNs, syncsPerSec: 1e9 / p.meanNs };
}

/**
 * Write+fdatasync ops of `size` bytes at increasing offsets from `start`, wrapping to `start` at `end`;
 * each op is one write and one fdatasync, timed together. Stops at `maxOps` or after `maxNs`.
 */
function timeWrites(fd: number, size: number, end: number, maxOps: number, maxNs: bigint, start: number): FloorPoint {
  // Random bytes, as fio writes: a compressing or deduplicating device must not get an easy time.
  const buf = randomFillSync(Buffer.allocUnsafe(size));
  let offset = start;
  const writeAt = (): void => {
    if (offset + size > end) offset = start;
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
  const t = process.hrtime.bigint();
  const deadline = t + maxNs;
  let t0 = t;
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
  return { ops, p50Ns: percentile(sorted, 0.5), p99Ns: percentile(sorted, 0.99), meanNs: sum / ops };
}

/**
 * Reserves `bytes` for `file` without changing its size (fallocate(FALLOC_FL_KEEP_SIZE), as RocksDB
 * preallocates its WAL), through util-linux's `fallocate --keep-size` since Node has no fallocate call.
 * False when that is not available: the file then simply grows.
 */
function reserveKeepSize(file: string, bytes: number): boolean {
  const r = spawnSync('fallocate', ['--keep-size', '--length', String(bytes), file], { stdio: 'ignore' });
  return r.status === 0;
}

/**
 * The appending floor for one size: a fresh file (space reserved with KEEP_SIZE when possible, synced),
 * each write at its end, so every fdatasync also persists a new file size (a journal commit on ext4/xfs).
 * Writes stay within `region` bytes; the file is removed afterwards.
 */
export function measureAppend(
  dir: string,
  size: number,
  region: number,
  maxOps: number,
  maxNs: bigint,
): { point: FloorPoint; mode: 'fallocate-keep-size' | 'growing'; fileBytes: number } {
  const file = path.join(dir, `.raftbench-calibrate-append-${process.pid}-${randomBytes(4).toString('hex')}`);
  const fd = openSync(file, 'wx', 0o600);
  try {
    const ops = Math.min(maxOps, Math.max(1, Math.floor(region / size) - WARMUP_OPS));
    const mode = reserveKeepSize(file, region) ? 'fallocate-keep-size' : 'growing';
    fsyncSync(fd);
    // Never wraps: `ops` writes plus the warm-up fit in the region, so each one appends.
    const point = timeWrites(fd, size, Number.MAX_SAFE_INTEGER, ops, maxNs, 0);
    return { point, mode, fileBytes: fstatSync(fd).size };
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
}

/**
 * Measures the two floors a log can hit in `dir`, per size. First the pre-written floor, as
 * `fio --rw=write --ioengine=sync --fdatasync=1 --bs=SIZE` does: one file, preallocated with zeros and
 * synced first (so the timed syncs persist data only, never a size or allocation change), then for each
 * size sequential writes of SIZE bytes at increasing offsets, wrapping around inside the preallocated
 * region, each followed by fdatasync and timed together with it (one op = what one synced log append
 * costs at queue depth 1). Each size stops at `ops` ops or `seconds` seconds, whichever comes first.
 * Then the appending floor (`point.append`), as `fio --fallocate=keep --overwrite=0`: a fresh file with
 * space reserved but its size unchanged, each write at its end, so each fdatasync persists a new size too:
 * what RocksDB's WAL pays, whereas the WAL layouts write into zero-filled segments (the pre-written floor).
 *
 * The timed loop uses synchronous fs calls: `FileHandle.write` + `datasync` adds two thread-pool round
 * trips to each op, measured at +40-80 µs on a VM's ext4 (p50 133 -> 171-220 µs at 4 KiB) and 2 -> 75-90 µs
 * on tmpfs, which would be counted as device time and would hide a fake fsync behind the threshold. The event loop is blocked for at most one size at a time;
 * it is released between sizes. `dir` must exist; the test file (`.raftbench-calibrate-*`) is removed
 * afterwards, also on error.
 */
export async function calibrate(dir: string, options: CalibrateOptions): Promise<Calibration> {
  const { sizes, ops = DEFAULT_OPS, seconds = DEFAULT_SECONDS, onProgress, appendFloor = true } = options;
  let appendMode: Calibration['appendMode'];
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
      const prewritten = measure(fd, size, region, ops, maxNs);
      let point: CalibrationPoint = prewritten;
      if (appendFloor) {
        await yieldToLoop();
        // Room for every op to append (fallocate reserves it in one call); at most 256 MiB.
        const appendRegion = Math.max(region, Math.min(256 << 20, Math.ceil((size * (ops + WARMUP_OPS)) / 4096) * 4096));
        const a = measureAppend(absDir, size, appendRegion, ops, maxNs);
        appendMode = a.mode;
        point = { ...prewritten, append: a.point };
      }
      points.push(point);
      onProgress?.(point, i, sizes.length);
    }
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  const reason = nonDurableReason(fs.type, points, absDir);
  await yieldToLoop();
  const machine = measureMachineCosts();
  return {
    dir: absDir,
    fsType: fs.type,
    durable: reason === null,
    ...(reason !== null ? { nonDurableReason: reason } : {}),
    ...(appendMode ? { appendMode } : {}),
    points,
    machine,
  };
}
