import path from 'node:path';
import { findLayout, type Layout, type LayoutOptions } from '../engines/layouts/index.ts';
import { openRocks } from '../engines/layouts/open-rocks.ts';
import { walLayout, walPerGroupLayout } from '../engines/layouts/wal.ts';
import { PowerLossEngine, PowerLossJournal, withPowerLoss } from '../engines/testing/power-loss.ts';
import { WalEngine } from '../engines/wal/wal-engine.ts';
import { WalGroupsEngine } from '../engines/wal/wal-groups-engine.ts';
import { PowerLossFs } from '../engines/testing/power-loss-fs.ts';

/**
 * How a crash happens:
 * - `sigkill`: the process is killed; the OS keeps its page cache, so every write an engine handed to
 *   the kernel survives, synced or not (RocksDB's unsynced WAL writes included).
 * - `power-loss`: the machine loses power; only what was synced survives. RocksDB and LMDB go through
 *   `withPowerLoss` (each engine rolled back to its last sync; engines sharing a WAL share the rollback).
 *   The segmented WAL goes through `PowerLossFs`: each of its files goes back to its last fdatasync.
 */
export const CRASH_MODELS = ['sigkill', 'power-loss'] as const;
export type CrashModel = (typeof CRASH_MODELS)[number];

/** Small WAL segments, so that a short crash run rolls over, carries forward and unlinks segments too. */
export const CRASH_WAL_SEGMENT_BYTES = 256 << 10;

/** Layouts that keep nothing across a restart, so a crash check of them means nothing. */
export const VOLATILE_LAYOUTS: ReadonlySet<string> = new Set(['memory']);

export interface CrashableLayout {
  readonly layout: Layout;
  /**
   * Power loss: discards every unsynced write of every engine, leaving the files as a power loss would.
   * The engines must not be used afterwards; the caller ends the process. A no-op for `sigkill`.
   */
  crash(): Promise<void>;
}

/** Opens layout `name` in `opts.dir` for a crash run under `model`. */
export async function openCrashLayout(name: string, opts: LayoutOptions, model: CrashModel): Promise<CrashableLayout> {
  if (name === 'wal' || name === 'wal-per-group') {
    if (model === 'power-loss') return openWalPowerLoss(name, opts);
    const def = name === 'wal' ? walLayout({ segmentBytes: CRASH_WAL_SEGMENT_BYTES }) : walPerGroupLayout({ segmentBytes: CRASH_WAL_SEGMENT_BYTES });
    return { layout: await def.open(opts), crash: async () => {} };
  }
  const layout = await findLayout(name).open(opts);
  if (model === 'sigkill') return { layout, crash: async () => {} };
  const pl = withPowerLoss(layout);
  return { layout: pl, crash: () => pl.crash() };
}

/** A WAL layout with the state RocksDB under the journal model and the WAL files under `PowerLossFs`. */
async function openWalPowerLoss(name: 'wal' | 'wal-per-group', opts: LayoutOptions): Promise<CrashableLayout> {
  const fs = new PowerLossFs();
  const raftDir = opts.raftDir ?? path.join(opts.dir, 'raft');
  const rocks = await openRocks(opts.binding, opts.dir, opts.budget);
  const journal = new PowerLossJournal();
  const state = new PowerLossEngine(rocks, journal);
  const walOpts = { fs, segmentBytes: CRASH_WAL_SEGMENT_BYTES };
  const raft = await (name === 'wal' ? WalEngine.open(raftDir, walOpts) : WalGroupsEngine.open(raftDir, { ...walOpts, prepareAhead: false })).catch(
    async (err: unknown) => {
      await rocks.close();
      throw err;
    },
  );
  const layout: Layout = {
    name,
    raft,
    state,
    syncCoversState: false,
    files: { raft: raftDir, state: opts.dir },
    description: `${name} (power-loss model: WAL files cut back to their last fdatasync, state RocksDB to its last sync) in ${opts.dir}`,
    async close() {
      await raft.close();
      await rocks.close();
    },
  };
  return {
    layout,
    async crash() {
      await fs.crash();
      await journal.rollBack();
      await rocks.close();
    },
  };
}
