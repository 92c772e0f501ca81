import { splitBudget } from '../memory-budget.ts';
import { RocksDB9Store } from '../rocksdb9.ts';
import type { LayoutDef } from './layout.ts';
import { BINDING_LABEL } from './open-rocks.ts';

/**
 * The RFC's footnote 4: one RocksDB 9 with a `raft` column family. Families share the WAL, so a raft sync
 * still persists state writes; they separate memtables and compaction. Always RocksDB 9 (the `rocksdb`
 * package's binding has no column families).
 */
export const sharedCf: LayoutDef = {
  name: 'shared-cf',
  summary: 'one RocksDB 9, raft log in a "raft" column family, state in the default family (RFC footnote 4)',
  separate: false,
  async open(opts) {
    const store = await RocksDB9Store.open(opts.dir, ['raft'], splitBudget(opts.budget, 2));
    const raft = store.engine('raft');
    const state = store.engine('default');
    return {
      name: 'shared-cf',
      raft,
      state,
      syncCoversState: true,
      files: { raft: opts.dir, state: opts.dir },
      description: `${BINDING_LABEL.rocksdb9} x1 with column families raft+default in ${opts.dir}`,
      async close() {
        await raft.close();
        await state.close();
      },
    };
  },
};
