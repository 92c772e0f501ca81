import type { Engine, BatchOp } from '../engines/engine.ts';
import {
  clientOf,
  decodeApplied,
  decodeSession,
  groupSuffixOf,
  isAppliedKey,
  isSessionKey,
  machineRange,
  withGroup,
  type AppliedState,
  type SessionRecord,
} from './keys.ts';

/**
 * A state machine image sent in MsgSnap: the user keys and the client sessions of one group, exactly as
 * they stood at `applied.applied`. One scan reads the applied index together with the rows, so the image
 * is consistent (the engine's iterator reads one point in time, and the applied index is written in the
 * same batch as each application); the leader then sends it as a snapshot at that index. An image that
 * mixed later applications into an earlier index would be replayed wrongly once sessions skip duplicates.
 *
 *   <count:4 BE> then per row: <keyLen:4 BE> <key without its 8-byte group> <valueLen:4 BE> <value>
 */
export async function captureSnapshotData(state: Engine, group: number): Promise<{ data: Buffer; applied: AppliedState | undefined }> {
  const { start, end } = machineRange(group);
  const scanned = await state.scan({ gte: start, lt: end });
  let applied: AppliedState | undefined;
  const rows: Array<[Uint8Array, Uint8Array]> = [];
  for (const [k, v] of scanned) {
    if (isAppliedKey(k)) applied = decodeApplied(v);
    else rows.push([groupSuffixOf(k), v]);
  }
  let size = 4;
  for (const [k, v] of rows) size += 8 + k.byteLength + v.byteLength;
  const b = Buffer.allocUnsafe(size);
  b.writeUInt32BE(rows.length, 0);
  let o = 4;
  for (const [k, v] of rows) {
    b.writeUInt32BE(k.byteLength, o);
    b.set(k, o + 4);
    o += 4 + k.byteLength;
    b.writeUInt32BE(v.byteLength, o);
    b.set(v, o + 4);
    o += 4 + v.byteLength;
  }
  return { data: b, applied };
}

/** Ops that replace `group`'s state machine and sessions with the image in `data`, and the sessions it holds. */
export function installSnapshotOps(group: number, data: Uint8Array): { ops: BatchOp[]; sessions: Map<number, SessionRecord> } {
  const { kvStart, end } = machineRange(group);
  const ops: BatchOp[] = [{ type: 'delRange', start: kvStart, end }];
  const sessions = new Map<number, SessionRecord>();
  if (data.byteLength === 0) return { ops, sessions };
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const n = b.readUInt32BE(0);
  let o = 4;
  for (let i = 0; i < n; i++) {
    const kl = b.readUInt32BE(o);
    const key = withGroup(group, b.subarray(o + 4, o + 4 + kl));
    o += 4 + kl;
    const vl = b.readUInt32BE(o);
    const value = b.subarray(o + 4, o + 4 + vl);
    o += 4 + vl;
    if (isAppliedKey(key)) continue;
    ops.push({ type: 'put', key, value });
    if (isSessionKey(key)) sessions.set(clientOf(key), decodeSession(value));
  }
  return { ops, sessions };
}
