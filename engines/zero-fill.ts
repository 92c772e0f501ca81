import { writeSync } from 'node:fs';

/**
 * The write size for zero-filling space that small writes will later overwrite (a WAL segment, the
 * pre-written floor `calibrate` measures, the probes' raw file).
 *
 * Linux sizes a page-cache folio by the write that creates it: on this development VM's kernel (6.18,
 * ext4 with large folios) a 1 MiB zero-fill leaves 1 MiB folios. Every later small overwrite then costs
 * more, in both calls:
 * - Each `write` walks all the folio's block buffers.
 * - Each `fdatasync` writes back through the whole folio.
 *
 * This was measured op by op, pinned to the disk's interrupt CPU: a 1,100-byte write+fdatasync into
 * files filled in 1 MiB, 64 KiB, 16 KiB and 4 KiB writes, alternating over 2,000 ops each
 * (`bench/probe-fill.ts`).
 *
 * | fill | write p50 | write+fdatasync p50 |
 * |---|---|---|
 * | 1 MiB | 18.3-18.8 µs | 571-575 µs |
 * | 64 KiB | 11.2-11.3 µs | 553 µs |
 * | 16 KiB | 10.9 µs | 545-553 µs |
 * | 4 KiB | 11.0 µs | 544-545 µs |
 *
 * fio lays out its `--overwrite=1` file in writes of the job's block size, so the floor it reports has
 * small folios. 16 KiB writes give the same small-write cost as 4 KiB ones. They fill 64 MiB in 140 ms
 * synchronously (1 MiB writes: 84 ms; 4 KiB writes: 229 ms), or in 315 ms through the thread pool
 * (4 KiB writes: 822 ms).
 */
export const ZERO_FILL_CHUNK = 16 << 10;

/** A chunk of zeros to write; never written to. */
export const ZEROS: Buffer = Buffer.alloc(ZERO_FILL_CHUNK);

/** Writes zeros over `[from, to)` of `fd` in `ZERO_FILL_CHUNK` writes, synchronously (no sync). */
export function zeroFillSync(fd: number, to: number, from = 0): void {
  for (let off = from; off < to; ) {
    const n = Math.min(ZERO_FILL_CHUNK, to - off);
    off += writeSync(fd, ZEROS, 0, n, off);
  }
}
