import type { Engine } from '../engine.ts';
import type { MemoryBudget } from '../memory-budget.ts';
import { RocksDB6Engine } from '../rocksdb6.ts';
import { RocksDB9Engine } from '../rocksdb9.ts';
import type { Binding, EngineWrapper } from './layout.ts';

/** One single-family RocksDB engine on the chosen binding, passed through `wrap` when a test gives one. */
export async function openRocks(binding: Binding, dir: string, budget: MemoryBudget, wrap?: EngineWrapper): Promise<Engine> {
  const engine = binding === 'rocksdb9' ? await RocksDB9Engine.open(dir, budget) : await RocksDB6Engine.open(dir, budget);
  return wrap ? wrap(engine) : engine;
}

export const BINDING_LABEL: Record<Binding, string> = { rocksdb: 'RocksDB 6.17 (rocksdb)', rocksdb9: 'RocksDB 9.7 (@nxtedition/rocksdb)' };
