/** Shared by the probes: the raw write+fdatasync they interleave with, on a file whose space is pre-written. */
import { fdatasyncSync, openSync, writeSync } from 'node:fs';

/** Opens `path` (created), writes `mib` MiB of zeros and syncs it: overwrites then change no extents or size. */
export function prewrittenFile(path: string, mib: number): number {
  const fd = openSync(path, 'w+');
  const zero = Buffer.alloc(1 << 20);
  for (let i = 0; i < mib; i++) writeSync(fd, zero, 0, zero.length, i << 20);
  fdatasyncSync(fd);
  return fd;
}
