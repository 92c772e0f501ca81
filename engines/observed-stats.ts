import path from 'node:path';
import { OBSERVED_KEYS, type Engine } from './engine.ts';

/**
 * What a set of engines counted themselves (`Engine.stats()`), one figure per store: the keys of
 * `OBSERVED_KEYS` summed over distinct stores (column families of one RocksDB report the same store-wide
 * figures), which keys any store reports at all, and whether every engine with files counts its own
 * durable syncs (LMDB does not: a sum without it would read as 0). The runner reads it around a run's
 * timed ops; a node process reports it with its counters, so a cluster of processes is read the same way.
 */
export interface EngineStatsSnapshot {
  readonly stats: Readonly<Record<string, number>>;
  readonly reported: readonly string[];
  readonly countsSyncs: boolean;
}

export function engineStatsSnapshot(engines: readonly Engine[]): EngineStatsSnapshot {
  const unique = uniqueStores(engines);
  const stats: Record<string, number> = {};
  const reported = new Set<string>();
  for (const e of unique) {
    const s = e.stats?.() ?? {};
    for (const k of OBSERVED_KEYS) {
      if (s[k] === undefined) continue;
      reported.add(k);
      stats[k] = (stats[k] ?? 0) + s[k]!;
    }
  }
  const withFiles = unique.filter((e) => e.dir !== null);
  const countsSyncs = withFiles.length > 0 && withFiles.every((e) => e.stats?.().durableSyncs !== undefined);
  return { stats, reported: [...reported], countsSyncs };
}

/** What engines in other processes (a cluster's nodes) counted over a run's timed ops: deltas. */
export interface RemoteObserved {
  readonly stats: Readonly<Record<string, number>>;
  readonly reported: readonly string[];
  /** Whether every remote engine with files counts its own durable syncs. */
  readonly countsSyncs: boolean;
  /** Bytes handed to the remote engines. */
  readonly payloadBytes: number;
}

/** One engine per store. */
function uniqueStores(engines: readonly Engine[]): Engine[] {
  const byKey = new Map<unknown, Engine>();
  for (const e of engines) byKey.set(e.dir === null ? e : `${e.kind}:${path.resolve(e.dir)}`, e);
  return [...byKey.values()];
}
