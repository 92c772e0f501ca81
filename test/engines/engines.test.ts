import { engineConformance } from './conformance.ts';
import { MemoryEngine } from '../../engines/memory.ts';
import { RocksDB6Engine } from '../../engines/rocksdb6.ts';
import { RocksDB9Engine, RocksDB9Store } from '../../engines/rocksdb9.ts';
import { DEFAULT_BUDGET, splitBudget } from '../../engines/memory-budget.ts';

const small = splitBudget(DEFAULT_BUDGET, 8);

engineConformance('memory', async () => new MemoryEngine(), { persistent: false });
engineConformance('rocksdb', (dir) => RocksDB6Engine.open(dir, small), { persistent: true });
engineConformance('rocksdb9', (dir) => RocksDB9Engine.open(dir, small), { persistent: true });
// A column family view must behave like a whole engine.
engineConformance('rocksdb9-cf', async (dir) => (await RocksDB9Store.open(dir, ['raft'], small)).engine('raft'), { persistent: true });
