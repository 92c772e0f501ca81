import { readFileSync, statSync } from 'node:fs';

/**
 * What a block device completed, from `/proc/diskstats` (Documentation/admin-guide/iostats.rst): writes,
 * sectors written (512 bytes each, whatever the device's sector size) and flush requests (field 16,
 * kernel 5.5+). A flush is what an fdatasync costs on a device with a volatile write cache; counting them
 * says how many syncs really reached the device, whatever the engines were asked.
 *
 * The counts are device-wide: other processes' I/O lands in them too (see `othersSuspected`).
 */
export interface DeviceCounters {
  readonly writes: number;
  readonly sectorsWritten: number;
  /** Null on kernels without the flush fields. */
  readonly flushes: number | null;
}

/** The block device a path lives on: the name whose counters count its writes, and the whole disk that takes its flushes. */
export interface BlockDevice {
  /** e.g. `vda1` (a partition) or `vda`. */
  readonly name: string;
  /** The whole disk (`vda` for `vda1`): flush requests are issued to, and counted at, the disk. */
  readonly disk: string;
  /** Whether the disk has a volatile write cache (`write back`): only then does fdatasync send flushes. */
  readonly writeBack: boolean;
}

/** The device holding `path`, or null when it is not on a block device (tmpfs, overlay, NFS) or /sys is absent. */
export function blockDeviceOf(path: string): BlockDevice | null {
  let dev: bigint;
  try {
    dev = statSync(path, { bigint: true }).dev;
  } catch {
    return null;
  }
  // Linux's new_encode_dev: major in bits 8..19, minor in bits 0..7 and 20..31.
  const major = Number((dev >> 8n) & 0xfffn);
  const minor = Number((dev & 0xffn) | ((dev >> 12n) & 0xfff00n));
  const sys = `/sys/dev/block/${major}:${minor}`;
  let uevent: string;
  try {
    uevent = readFileSync(`${sys}/uevent`, 'utf8');
  } catch {
    return null;
  }
  const name = /^DEVNAME=(.+)$/m.exec(uevent)?.[1];
  if (!name) return null;
  const isPartition = /^DEVTYPE=partition$/m.test(uevent);
  let disk = name;
  if (isPartition) {
    try {
      disk = /^DEVNAME=(.+)$/m.exec(readFileSync(`${sys}/../uevent`, 'utf8'))?.[1] ?? name;
    } catch {
      disk = name;
    }
  }
  let writeBack = true;
  try {
    writeBack = readFileSync(`/sys/block/${disk}/queue/write_cache`, 'utf8').trim() === 'write back';
  } catch {
    // unknown: assume a cache, so flushes are expected
  }
  return { name, disk, writeBack };
}

/** Parses `/proc/diskstats` text into counters by device name. */
export function parseDiskstats(text: string): Map<string, DeviceCounters> {
  const out = new Map<string, DeviceCounters>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 14) continue;
    const n = (i: number) => Number(f[i]);
    // f[0] major, f[1] minor, f[2] name, then the fields numbered from 1 at f[3].
    out.set(f[2]!, { writes: n(7), sectorsWritten: n(9), flushes: f.length >= 20 ? n(18) : null });
  }
  return out;
}

export function readDiskstats(): Map<string, DeviceCounters> | null {
  try {
    return parseDiskstats(readFileSync('/proc/diskstats', 'utf8'));
  } catch {
    return null;
  }
}

/** What one device did between two snapshots: writes and bytes at `name`, flushes at its disk. */
export interface DeviceDelta {
  readonly device: string;
  readonly writes: number;
  readonly bytesWritten: number;
  /** Null where the kernel does not count flushes. */
  readonly flushes: number | null;
  readonly writeBack: boolean;
}

export function deviceDelta(dev: BlockDevice, a: Map<string, DeviceCounters>, b: Map<string, DeviceCounters>): DeviceDelta | null {
  const pa = a.get(dev.name);
  const pb = b.get(dev.name);
  const da = a.get(dev.disk);
  const db = b.get(dev.disk);
  if (!pa || !pb || !da || !db) return null;
  return {
    device: dev.name,
    writes: pb.writes - pa.writes,
    bytesWritten: (pb.sectorsWritten - pa.sectorsWritten) * 512,
    flushes: da.flushes === null || db.flushes === null ? null : db.flushes - da.flushes,
    writeBack: dev.writeBack,
  };
}
