import type { Engine } from '../engine.ts';
import type { MemoryBudget } from '../memory-budget.ts';
import { RocksDB6Engine } from '../rocksdb6.ts';
import { RocksDB9Engine } from '../rocksdb9.ts';
import type { Binding } from './layout.ts';

/** One single-family RocksDB engine on the chosen binding. */
export function openRocks(binding: Binding, dir: string, budget: MemoryBudget): Promise<Engine> {
  return binding === 'rocksdb9' ? RocksDB9Engine.open(dir, budget) : RocksDB6Engine.open(dir, budget);
}

export const BINDING_LABEL: Record<Binding, string> = { rocksdb: 'RocksDB 6.17 (rocksdb)', rocksdb9: 'RocksDB 9.7 (@nxtedition/rocksdb)' };
