/** Shared by the probes: the raw write+fdatasync they interleave with, on a file whose space is pre-written. */
import { fdatasyncSync, openSync } from 'node:fs';
import path from 'node:path';
import type { Engine } from '../engines/engine.ts';
import { WalEngine } from '../engines/wal/wal-engine.ts';
import type { WalFs } from '../engines/wal/fs.ts';
import { RocksDB9Engine } from '../engines/rocksdb9.ts';
import { DEFAULT_BUDGET, splitBudget } from '../engines/memory-budget.ts';
import { zeroFillSync } from '../engines/zero-fill.ts';

/**
 * Opens `path` (created), writes `mib` MiB of zeros and syncs it: overwrites then change no extents or
 * size. In small writes, as the WAL fills its segments and fio lays out its file (engines/zero-fill.ts).
 */
export function prewrittenFile(file: string, mib: number): number {
  const fd = openSync(file, 'w+');
  zeroFillSync(fd, mib << 20);
  fdatasyncSync(fd);
  return fd;
}

/** BatchCommit wal's engine pair as the probes open it in `root`: the WAL (on `fs`) and RocksDB 9 with half the default budget. */
export async function openWalPair(root: string, fs: WalFs): Promise<{ wal: Engine; state: Engine }> {
  const wal = await WalEngine.open(path.join(root, 'wal'), { fs });
  const state = await RocksDB9Engine.open(path.join(root, 'state'), splitBudget(DEFAULT_BUDGET, 2));
  return { wal, state };
}

/** The 1 KiB value and the key prefixes the probes write (raft log, state machine). */
export const PROBE_OP = { value: Buffer.alloc(1024, 3), logPrefix: Buffer.from('r/log/'), statePrefix: Buffer.from('s/kv/') } as const;
