import type { BatchOp } from '../engines/engine.ts';
import type { Layout } from '../engines/layouts/index.ts';
import { encodePut } from './command.ts';
import { appliedKey, encodeApplied, encodeEntry, encodeHardState, hardStateKey, kvKey, logKey } from './keys.ts';

export interface FillOptions {
  readonly groups: number;
  /** Id of the first group filled (default 1); groups are firstGroup..firstGroup+groups-1. */
  readonly firstGroup?: number;
  /** Log entries per group, indexes 1..entries, all committed and applied, none truncated. */
  readonly entries: number;
  /** Value bytes of each entry's put. */
  readonly valueBytes: number;
  /** Distinct user keys per group the puts cycle over (default 100): the state machine stays small. */
  readonly keys?: number;
  /** Called after each group. */
  readonly onGroup?: (done: number) => void;
}

/** Bytes of ops per batch the filler writes (unsynced; one sync at the end). */
const BATCH_BYTES = 4 << 20;

/**
 * Writes the image a single-node replica leaves after `entries` puts to each of `groups` groups (ids
 * 1..groups) with no truncation: log entries and HardState in the raft engine, the applied state and the
 * final value of each key in the state engine. Written directly, in the replica's key scheme, because
 * going through raft would take minutes for 1000 x 10k entries and measure nothing the migration needs.
 * Both engines are synced at the end.
 */
export async function fillStore(layout: Layout, o: FillOptions): Promise<{ bytes: number }> {
  const value = Buffer.alloc(o.valueBytes, 0x61);
  const keys = o.keys ?? 100;
  let bytes = 0;
  let raftOps: BatchOp[] = [];
  let raftBytes = 0;
  const flush = async () => {
    if (raftOps.length > 0) await layout.raft.write(raftOps, { sync: false });
    raftOps = [];
    raftBytes = 0;
  };
  const firstGroup = o.firstGroup ?? 1;
  for (let g = firstGroup; g < firstGroup + o.groups; g++) {
    for (let i = 1; i <= o.entries; i++) {
      const key = logKey(g, i);
      const entry = encodeEntry({ term: 1, index: i, type: 'normal', data: encodePut(userKey(i % keys), value) });
      raftOps.push({ type: 'put', key, value: entry });
      raftBytes += key.byteLength + entry.byteLength;
      if (raftBytes >= BATCH_BYTES) {
        bytes += raftBytes;
        await flush();
      }
    }
    const hs = encodeHardState({ term: 1, vote: 1, commit: o.entries });
    raftOps.push({ type: 'put', key: hardStateKey(g), value: hs });
    bytes += raftBytes + hs.byteLength;
    await flush();
    const stateOps: BatchOp[] = [{ type: 'put', key: appliedKey(g), value: encodeApplied({ applied: o.entries, truncIndex: 0, truncTerm: 0 }) }];
    for (let k = 0; k < Math.min(keys, o.entries); k++) stateOps.push({ type: 'put', key: kvKey(g, userKey(k)), value });
    await layout.state.write(stateOps, { sync: false });
    o.onGroup?.(g - firstGroup + 1);
  }
  await layout.raft.sync();
  if (layout.state !== layout.raft) await layout.state.sync();
  return { bytes };
}

function userKey(k: number): Buffer {
  return Buffer.from(`k${String(k).padStart(6, '0')}`);
}
