import type { Engine } from '../engine.ts';
import type { MemoryBudget } from '../memory-budget.ts';
import { RocksDB6Engine } from '../rocksdb6.ts';
import { RocksDB9Engine } from '../rocksdb9.ts';
import type { Binding } from './layout.ts';
import { slowSyncFromEnv, withSlowSync } from '../slow.ts';

/** One single-family RocksDB engine on the chosen binding (slowed only when a test sets RAFTBENCH_TEST_SLOW_SYNC_US, see slow.ts). */
export async function openRocks(binding: Binding, dir: string, budget: MemoryBudget): Promise<Engine> {
  const slowUs = slowSyncFromEnv(); // read first: a bad value must not leave an engine open
  const engine = binding === 'rocksdb9' ? await RocksDB9Engine.open(dir, budget) : await RocksDB6Engine.open(dir, budget);
  return slowUs === undefined ? engine : withSlowSync(engine, slowUs);
}

export const BINDING_LABEL: Record<Binding, string> = { rocksdb: 'RocksDB 6.17 (rocksdb)', rocksdb9: 'RocksDB 9.7 (@nxtedition/rocksdb)' };
