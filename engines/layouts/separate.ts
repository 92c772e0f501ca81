import path from 'node:path';
import type { Engine } from '../engine.ts';
import type { MemoryBudget } from '../memory-budget.ts';
import type { Layout, LayoutOptions } from './layout.ts';
import { openRocks } from './open-rocks.ts';

/**
 * A layout with the raft log in an engine of its own, in `<dir>/raft` or `opts.raftDir`, and the state
 * machine in RocksDB in `<dir>` with `stateBudget`. Opens the state engine, then the raft engine (closing
 * the state engine again if that fails); closes the raft engine first. A synced raft write persists
 * nothing of the state engine (`syncCoversState: false`), which is what the RFC's truncation rule is for.
 */
export async function openSeparate(
  name: string,
  opts: LayoutOptions,
  stateBudget: MemoryBudget,
  openRaft: (raftDir: string) => Promise<Engine>,
  describe: (raftDir: string) => string,
): Promise<Layout> {
  const raftDir = opts.raftDir ?? path.join(opts.dir, 'raft');
  const state = await openRocks(opts.binding, opts.dir, stateBudget, opts.wrapEngine);
  const raft = await openRaft(raftDir).catch(async (err: unknown) => {
    await state.close();
    throw err;
  });
  return {
    name,
    raft,
    state,
    syncCoversState: false,
    files: { raft: raftDir, state: opts.dir },
    description: describe(raftDir),
    async close() {
      await raft.close();
      await state.close();
    },
  };
}
