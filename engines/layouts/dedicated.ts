import path from 'node:path';
import { splitBudget } from '../memory-budget.ts';
import type { LayoutDef } from './layout.ts';
import { BINDING_LABEL, openRocks } from './open-rocks.ts';

/** The RFC's proposal: a second RocksDB for the raft log and HardState, in `<dir>/raft` or `--raft-dir`. */
export const dedicated: LayoutDef = {
  name: 'dedicated',
  summary: 'raft log in its own RocksDB (<dir>/raft or --raft-dir), state machine in another (RFC proposal)',
  separate: true,
  async open(opts) {
    const half = splitBudget(opts.budget, 2);
    const raftDir = opts.raftDir ?? path.join(opts.dir, 'raft');
    const state = await openRocks(opts.binding, opts.dir, half);
    const raft = await openRocks(opts.binding, raftDir, half).catch(async (err: unknown) => {
      await state.close();
      throw err;
    });
    return {
      name: 'dedicated',
      raft,
      state,
      syncCoversState: false,
      files: { raft: raftDir, state: opts.dir },
      description: `${BINDING_LABEL[opts.binding]} x2, raft in ${raftDir}, state in ${opts.dir}, memory budget split in half`,
      async close() {
        await raft.close();
        await state.close();
      },
    };
  },
};
