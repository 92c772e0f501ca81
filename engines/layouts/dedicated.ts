import { splitBudget } from '../memory-budget.ts';
import type { LayoutDef } from './layout.ts';
import { BINDING_LABEL, openRocks } from './open-rocks.ts';
import { openSeparate } from './separate.ts';

/** The RFC's proposal: a second RocksDB for the raft log and HardState, in `<dir>/raft` or `--raft-dir`. */
export const dedicated: LayoutDef = {
  name: 'dedicated',
  summary: 'raft log in its own RocksDB (<dir>/raft or --raft-dir), state machine in another (RFC proposal)',
  separate: true,
  open(opts) {
    const half = splitBudget(opts.budget, 2);
    return openSeparate(
      'dedicated',
      opts,
      half,
      (raftDir) => openRocks(opts.binding, raftDir, half, opts.wrapEngine),
      (raftDir) => `${BINDING_LABEL[opts.binding]} x2, raft in ${raftDir}, state in ${opts.dir}, memory budget split in half`,
    );
  },
};
