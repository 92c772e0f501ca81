import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Engine } from '../../engines/engine.ts';

/**
 * What the engines themselves say they wrote, for write amplification beside `/proc/self/io`:
 *
 * - `wal`, `wal-per-group`: the log's own counters (`stats()`): record bytes (frames incl. header, CRC and
 *   padding) and zero bytes written to preallocate segments.
 * - RocksDB (either binding): growth of its WAL files (`*.log`) and SST files (`*.sst`, flush and
 *   compaction output) in the engine's directory. Reported only when no such file disappeared during the
 *   run (a WAL recycled after a flush, SSTs compacted away), because then growth is exactly bytes written.
 *
 * LMDB writes pages in place of freed ones, so its file size says nothing about bytes written: not reported.
 */
export interface EngineBytesSnapshot {
  readonly wal: { record: number; prealloc: number } | null;
  /** Size of every RocksDB `*.log` / `*.sst` file, by absolute path. */
  readonly rocksFiles: ReadonlyMap<string, number>;
  readonly rocksDirs: readonly string[];
}

export async function snapshotEngineBytes(engines: readonly Engine[]): Promise<EngineBytesSnapshot> {
  let wal: { record: number; prealloc: number } | null = null;
  const dirs = new Set<string>();
  for (const e of engines) {
    if (e.kind === 'wal' || e.kind === 'wal-per-group') {
      const s = e.stats?.() ?? {};
      wal ??= { record: 0, prealloc: 0 };
      wal.record += s.recordBytes ?? 0;
      wal.prealloc += s.preallocatedBytes ?? 0;
    } else if (e.kind === 'rocksdb' || e.kind === 'rocksdb9') {
      const dir = (e as Engine & { dir?: unknown }).dir;
      if (typeof dir === 'string') dirs.add(path.resolve(dir));
    }
  }
  const rocksFiles = new Map<string, number>();
  for (const dir of dirs) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    for (const n of names) {
      if (!(n.endsWith('.log') || n.endsWith('.sst'))) continue; // RocksDB's info log is `LOG`, not `*.log`
      const p = path.join(dir, n);
      try {
        rocksFiles.set(p, (await stat(p)).size);
      } catch {
        // deleted between readdir and stat (a finished compaction): the next snapshot sees it missing
      }
    }
  }
  return { wal, rocksFiles, rocksDirs: [...dirs] };
}

/** Per-op engine-reported bytes between two snapshots; keys only for what was measured exactly. */
export function engineBytesPerOp(a: EngineBytesSnapshot, b: EngineBytesSnapshot, ops: number): Record<string, number> {
  const out: Record<string, number> = {};
  if (ops <= 0) return out;
  if (a.wal && b.wal) {
    out.walRecordBytesPerOp = (b.wal.record - a.wal.record) / ops;
    out.walPreallocBytesPerOp = (b.wal.prealloc - a.wal.prealloc) / ops;
  }
  if (b.rocksDirs.length > 0) {
    for (const [suffix, key] of [['.log', 'rocksdbWalBytesPerOp'], ['.sst', 'rocksdbSstBytesPerOp']] as const) {
      const vanished = [...a.rocksFiles.keys()].some((p) => p.endsWith(suffix) && !b.rocksFiles.has(p));
      if (vanished) continue;
      let grown = 0;
      for (const [p, size] of b.rocksFiles) if (p.endsWith(suffix)) grown += size - (a.rocksFiles.get(p) ?? 0);
      out[key] = grown / ops;
    }
  }
  return out;
}
