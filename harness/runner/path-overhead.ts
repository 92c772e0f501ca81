import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Engine } from '../../engines/engine.ts';
import { LmdbEngine } from '../../engines/lmdb.ts';
import { MemoryEngine } from '../../engines/memory.ts';
import type { MemoryBudget } from '../../engines/memory-budget.ts';
import { RocksDB6Engine } from '../../engines/rocksdb6.ts';
import { RocksDB9Engine } from '../../engines/rocksdb9.ts';
import { WalEngine } from '../../engines/wal/wal-engine.ts';
import { nowNs } from '../../scenarios/family.ts';
import type { PathOverhead } from '../../analysis/results-schema.ts';
import { LatencyRecorder } from './latency-recorder.ts';

/** One way an op's write reaches an engine, and how to open an engine that takes it. */
export interface PathDef {
  readonly engine: string;
  readonly usedBy?: string;
  readonly path: string;
  readonly handoffs: number;
  open(dir: string, budget: MemoryBudget): Promise<Engine>;
}

/**
 * Every path a write takes in this harness. All op loops and replicas run on the main thread
 * (`scenarios/`, `node/`): RocksDB 6 has only asynchronous calls, RocksDB 9's batch write is synchronous,
 * the WAL writes and syncs with synchronous calls (a replica's Ready loop blocks for its fdatasync, as it
 * does for a synced RocksDB 9 write: measured no slower at 16 and 64 clients and faster at 1 than one
 * O_DSYNC `pwrite` through the pool), lmdb-js commits on its own write thread.
 */
export const PATHS: readonly PathDef[] = [
  { engine: 'rocksdb', path: 'RocksDB 6 binding, libuv pool round trip', handoffs: 1, open: (d, b) => RocksDB6Engine.open(d, b) },
  { engine: 'rocksdb9', path: 'RocksDB 9 binding, synchronous call on the op thread', handoffs: 0, open: (d, b) => RocksDB9Engine.open(d, b) },
  { engine: 'wal', path: 'WAL, writeSync+fdatasyncSync on the op thread', handoffs: 0, open: (d) => WalEngine.open(d, { io: 'inline', segmentBytes: 64 << 10 }) },
  { engine: 'lmdb', path: 'lmdb-js transaction on its write thread', handoffs: 1, open: (d) => LmdbEngine.open(d) },
  { engine: 'memory', path: 'awaited call, no thread', handoffs: 0, open: async () => new MemoryEngine() },
];

/**
 * Times `samples` empty round trips (`Engine.probe()`) through each path, round robin so that machine load
 * hits every path alike, each timed and recorded exactly as an op is. Engines live in `dir/overhead-*`
 * (the bench's data directory, so the pool and the file system are those of the runs), removed after.
 */
export async function measurePathOverhead(dir: string, budget: MemoryBudget, samples = 200, paths: readonly PathDef[] = PATHS): Promise<PathOverhead[]> {
  const opened: Array<{ def: PathDef; engine: Engine; dir: string; rec: LatencyRecorder }> = [];
  try {
    for (const [i, def] of paths.entries()) {
      const d = path.join(dir, `overhead-${i}-${def.engine}`);
      await rm(d, { recursive: true, force: true });
      await mkdir(d, { recursive: true });
      const engine = await def.open(d, budget);
      if (!engine.probe) {
        await engine.close();
        continue;
      }
      opened.push({ def, engine, dir: d, rec: new LatencyRecorder(samples) });
    }
    const warm = Math.min(20, samples);
    for (let i = 0; i < warm + samples; i++) {
      for (const o of opened) {
        const t0 = nowNs();
        await o.engine.probe!();
        const dt = nowNs() - t0;
        if (i >= warm) o.rec.record(dt);
      }
    }
    return opened.map(({ def, rec }) => {
      const s = rec.summary();
      return { engine: def.engine, ...(def.usedBy ? { usedBy: def.usedBy } : {}), path: def.path, handoffs: def.handoffs, p50Ns: s.p50, p99Ns: s.p99, samples: rec.count };
    });
  } finally {
    for (const o of opened) {
      await o.engine.close().catch(() => {});
      await rm(o.dir, { recursive: true, force: true });
    }
  }
}

/**
 * The paths a plan's layouts take on `binding`: RocksDB layouts their binding's, `shared-cf` RocksDB 9's,
 * the WAL and LMDB layouts theirs plus the state engine's binding, memory its own. Only these are timed,
 * so a bench opens no engine it does not run (a small data directory stays enough).
 */
export function pathsFor(layouts: readonly string[], binding: string): PathDef[] {
  const engines = new Set<string>();
  for (const l of layouts) {
    if (l === 'memory') engines.add('memory');
    else engines.add(l === 'shared-cf' ? 'rocksdb9' : binding);
    if (l === 'wal' || l === 'wal-per-group') engines.add('wal');
    if (l === 'lmdb') engines.add('lmdb');
  }
  return PATHS.filter((p) => engines.has(p.engine));
}
