import { splitBudget } from '../memory-budget.ts';
import { DEFAULT_SEGMENT_BYTES } from '../wal/segmented-log.ts';
import { WalEngine } from '../wal/wal-engine.ts';
import { WalGroupsEngine } from '../wal/wal-groups-engine.ts';
import type { LayoutDef, LayoutOptions } from './layout.ts';
import { BINDING_LABEL } from './open-rocks.ts';
import { openSeparate } from './separate.ts';

/** Segment size of each per-group log: 1000 groups preallocate 1 GiB rather than etcd's 64 GiB. */
export const PER_GROUP_SEGMENT_BYTES = 1 << 20;

export interface WalLayoutOptions {
  /** Preallocated segment size (default 64 MiB, etcd's; `wal-per-group`: 1 MiB). */
  readonly segmentBytes?: number;
  /** `wal-per-group` only: leading key bytes that name the group (default 8, `<group id u64 BE>`). */
  readonly groupKeyBytes?: number;
}

/**
 * The RFC's alternative and etcd's design: the raft log and HardState in a segmented WAL written here
 * (etcd's format, `engines/wal/`) in `<dir>/raft` or `--raft-dir`; the state machine in RocksDB in `<dir>`.
 *
 * Memory budget: split in half as in `dedicated`. The WAL has no memtable or block cache to size: it keeps
 * the live raft log (entries not yet truncated, plus HardState) in an in-memory index, its memtable. That
 * index is counted against the raft half: the state RocksDB gets the other half, so the two engines
 * together get what one engine gets in `shared`. The index's size follows the truncation policy, not the
 * budget, so the WAL reports it (`settings().indexBytes`, `peakIndexBytes`) and results record it.
 */
export function walLayout(o: WalLayoutOptions = {}): LayoutDef {
  const segmentBytes = o.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
  return {
    name: 'wal',
    summary: 'raft log in a segmented WAL, etcd format (<dir>/raft or --raft-dir), state machine in RocksDB (RFC alternative; etcd)',
    separate: true,
    open(opts: LayoutOptions) {
      return openSeparate(
        'wal',
        opts,
        splitBudget(opts.budget, 2),
        (raftDir) => WalEngine.open(raftDir, { segmentBytes, io: 'inline' }),
        (raftDir) =>
          `segmented WAL (etcd format, ${mib(segmentBytes)} segments, one log for all groups) in ${raftDir}, state in ${BINDING_LABEL[opts.binding]} in ${opts.dir} with half the memory budget (the other half: the WAL's index)`,
      );
    },
  };
}

/**
 * One WAL per raft group (the RFC's "non-starter", measured for MultiRange): keys route by their group id
 * prefix to `<raftDir>/g-<hex id>/`; keys shorter than the prefix go to `<raftDir>/shared/`. A synced write
 * fdatasyncs the log of every group it touches. State machine in RocksDB with half the budget (as `wal`).
 */
export function walPerGroupLayout(o: WalLayoutOptions = {}): LayoutDef {
  const segmentBytes = o.segmentBytes ?? PER_GROUP_SEGMENT_BYTES;
  return {
    name: 'wal-per-group',
    summary: 'one segmented WAL per raft group (<dir>/raft/g-<id>), state machine in RocksDB (the RFC\'s "non-starter")',
    separate: true,
    open(opts: LayoutOptions) {
      return openSeparate(
        'wal-per-group',
        opts,
        splitBudget(opts.budget, 2),
        (raftDir) => WalGroupsEngine.open(raftDir, { segmentBytes, prepareAhead: false, groupKeyBytes: o.groupKeyBytes, io: 'inline' }),
        (raftDir) =>
          `segmented WAL per raft group (etcd format, ${mib(segmentBytes)} segments) under ${raftDir}, state in ${BINDING_LABEL[opts.binding]} in ${opts.dir} with half the memory budget (the other half: the WAL's index)`,
      );
    },
  };
}

export const wal: LayoutDef = walLayout();
export const walPerGroup: LayoutDef = walPerGroupLayout();

function mib(n: number): string {
  return n % (1 << 20) === 0 ? `${n / (1 << 20)} MiB` : `${n} B`;
}
