import { LmdbEngine } from '../lmdb.ts';
import type { Engine } from '../engine.ts';
import { splitBudget } from '../memory-budget.ts';
import { WalEngine } from '../wal/wal-engine.ts';
import { WalGroupsEngine } from '../wal/wal-groups-engine.ts';
import type { LayoutOptions } from './layout.ts';
import { openRocks } from './open-rocks.ts';
import { PER_GROUP_SEGMENT_BYTES } from './wal.ts';

/**
 * The raft engine of a layout with a separate one, opened alone in `raftDir`, with the options the layout
 * itself gives it (`dedicated`: half the budget). A migration needs it beside the old layout, whose
 * state engine already holds `<dir>`'s lock, so it cannot open the whole new layout.
 */
export const RAFT_ENGINE_OPENERS: Readonly<Record<string, (raftDir: string, opts: LayoutOptions) => Promise<Engine>>> = {
  dedicated: (raftDir, opts) => openRocks(opts.binding, raftDir, splitBudget(opts.budget, 2), opts.wrapEngine),
  wal: (raftDir) => WalEngine.open(raftDir, { io: 'inline' }),
  'wal-per-group': (raftDir) => WalGroupsEngine.open(raftDir, { segmentBytes: PER_GROUP_SEGMENT_BYTES, prepareAhead: false, io: 'inline' }),
  lmdb: (raftDir) => LmdbEngine.open(raftDir),
};

export function openRaftEngine(layout: string, raftDir: string, opts: LayoutOptions): Promise<Engine> {
  const open = RAFT_ENGINE_OPENERS[layout];
  if (!open) throw new Error(`layout ${layout} has no raft engine of its own`);
  return open(raftDir, opts);
}
