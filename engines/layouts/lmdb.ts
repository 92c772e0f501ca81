import { LmdbEngine } from '../lmdb.ts';
import { splitBudget } from '../memory-budget.ts';
import type { LayoutDef } from './layout.ts';
import { BINDING_LABEL } from './open-rocks.ts';
import { openSeparate } from './separate.ts';

/**
 * The RFC's other alternative (the BoltDB / raft-mdb family; etcd keeps its state in bbolt): the raft log
 * and HardState in LMDB in `<dir>/raft` or `--raft-dir`, the state machine in RocksDB in `<dir>`.
 *
 * Memory budget: the state RocksDB gets half, as in `dedicated`. LMDB has no memtable or cache setting: it
 * reads and writes through the OS page cache (mmap), so the other half is left to the page cache that LMDB
 * uses, rather than handed to the state engine.
 */
export const lmdb: LayoutDef = {
  name: 'lmdb',
  summary: 'raft log in LMDB, a copy-on-write B+tree (<dir>/raft or --raft-dir), state machine in RocksDB (RFC alternative)',
  separate: true,
  open(opts) {
    return openSeparate(
      'lmdb',
      opts,
      splitBudget(opts.budget, 2),
      (raftDir) => LmdbEngine.open(raftDir),
      (raftDir) => `LMDB (lmdb-js 3, overlappingSync) in ${raftDir}, state in ${BINDING_LABEL[opts.binding]} in ${opts.dir} with half the memory budget`,
    );
  },
};
