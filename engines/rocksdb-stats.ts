/**
 * RocksDB's own account of what it did, parsed from the `rocksdb.stats` property (the same text on
 * RocksDB 6.17 and 9.7, which both bindings expose through `getProperty`). Cumulative since open.
 *
 * Units: counts are exact; byte figures are printed with two or three decimals of GB or MB, so they are
 * as exact as that (about 1-10 MB for GB figures): good for write amplification over a run, not per op.
 */
export interface RocksStats {
  /** WAL records written (one per write batch, or per write group when batches are grouped). */
  readonly walWrites: number;
  /** WAL syncs RocksDB performed (fsync/fdatasync of the log): what really happened, not what was asked. */
  readonly walSyncs: number;
  readonly walBytes: number;
  /** Bytes written by memtable flushes (L0 files). */
  readonly flushBytes: number;
  /** Flushes (L0 files written by flushes). */
  readonly flushes: number;
  /** Bytes written by compactions. */
  readonly compactionBytes: number;
  /** Write stalls (slowdowns and stops) and their total time. */
  readonly stalls: number;
  readonly stallMicros: number;
}

const UNIT: Record<string, number> = { KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

/** Parses `rocksdb.stats` text; fields RocksDB did not print are 0. */
export function parseRocksStats(text: string): RocksStats {
  const num = (re: RegExp, i = 1) => Number(re.exec(text)?.[i] ?? 0);
  const wal = /Cumulative WAL: (\d+) writes, (\d+) syncs, [\d.]+ writes per sync, written: ([\d.]+) (KB|MB|GB)/.exec(text);
  const stall = /Cumulative stall: (\d+):(\d+):([\d.]+) H:M:S/.exec(text);
  let stalls = 0;
  const v9 = /total-delays: (\d+), total-stops: (\d+)/.exec(text);
  if (v9) stalls = Number(v9[1]) + Number(v9[2]);
  else {
    // RocksDB 6: "Stalls(count): 0 level0_slowdown, 0 level0_slowdown_with_compaction, ..., interval 0 total count"
    const v6 = /Stalls\(count\): ([^\n]*?), interval/.exec(text);
    if (v6) for (const m of v6[1]!.matchAll(/(\d+) \w+/g)) stalls += Number(m[1]);
  }
  return {
    walWrites: wal ? Number(wal[1]) : 0,
    walSyncs: wal ? Number(wal[2]) : 0,
    walBytes: wal ? Math.round(Number(wal[3]) * UNIT[wal[4]!]!) : 0,
    flushBytes: Math.round(num(/Flush\(GB\): cumulative ([\d.]+)/) * UNIT.GB!),
    flushes: l0Compactions(text),
    compactionBytes: Math.round(num(/Cumulative compaction: ([\d.]+) GB write/) * UNIT.GB!),
    stalls,
    stallMicros: stall ? Math.round((Number(stall[1]) * 3600 + Number(stall[2]) * 60 + Number(stall[3])) * 1e6) : 0,
  };
}

/** `Comp(cnt)` of the L0 row of the first compaction table: flushes write L0 files, one per flush. */
function l0Compactions(text: string): number {
  const lines = text.split('\n');
  const h = lines.findIndex((l) => l.startsWith('Level ') && l.includes('Comp(cnt)'));
  if (h < 0) return 0;
  const col = lines[h]!.trim().split(/\s+/).indexOf('Comp(cnt)');
  for (let i = h + 1; i < lines.length && !lines[i]!.startsWith('**'); i++) {
    const f = lines[i]!.trim().split(/\s+/);
    // "L0  1/0  1.2 KB  0.2  ..." : the size takes two fields (value and unit), so count from the end.
    if (f[0] === 'L0') return Number(f[f.length - (lines[h]!.trim().split(/\s+/).length - col)] ?? 0) || 0;
  }
  return 0;
}

/**
 * The `Engine.stats()` keys RocksDB can speak for. WAL bytes are left out: `rocksdb.stats` prints them in
 * GB with two decimals (10 MB steps), which reads as 0 for most runs; the runner measures them from the
 * WAL files' growth instead.
 */
export function rocksObserved(s: RocksStats): Record<string, number> {
  const { walBytes: _coarse, ...rest } = s;
  return { ...rest, durableSyncs: s.walSyncs };
}
