import type { Engine, BatchOp } from '../engines/engine.ts';
import { kvKey, kvRange, userKeyOf } from './keys.ts';

/**
 * A state machine image sent in MsgSnap. The leader captures it when it sends the snapshot, so it may
 * include entries applied after the snapshot's index; the follower re-applies those entries after
 * installing it, which is harmless because commands are blind puts replayed in log order.
 *
 *   <count:4 BE> then per pair: <keyLen:4 BE> <key> <valueLen:4 BE> <value>
 */
export async function captureSnapshotData(state: Engine, group: number): Promise<Buffer> {
  const { start, end } = kvRange(group);
  const rows = await state.scan({ gte: start, lt: end });
  let size = 4;
  for (const [k, v] of rows) size += 8 + (k.byteLength - 9) + v.byteLength;
  const b = Buffer.allocUnsafe(size);
  b.writeUInt32BE(rows.length, 0);
  let o = 4;
  for (const [k, v] of rows) {
    const uk = userKeyOf(k);
    b.writeUInt32BE(uk.byteLength, o);
    b.set(uk, o + 4);
    o += 4 + uk.byteLength;
    b.writeUInt32BE(v.byteLength, o);
    b.set(v, o + 4);
    o += 4 + v.byteLength;
  }
  return b;
}

/** Ops that replace `group`'s state machine with the image in `data`. */
export function installSnapshotOps(group: number, data: Uint8Array): BatchOp[] {
  const { start, end } = kvRange(group);
  const ops: BatchOp[] = [{ type: 'delRange', start, end }];
  if (data.byteLength === 0) return ops;
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const n = b.readUInt32BE(0);
  let o = 4;
  for (let i = 0; i < n; i++) {
    const kl = b.readUInt32BE(o);
    const key = b.subarray(o + 4, o + 4 + kl);
    o += 4 + kl;
    const vl = b.readUInt32BE(o);
    const value = b.subarray(o + 4, o + 4 + vl);
    o += 4 + vl;
    ops.push({ type: 'put', key: kvKey(group, key), value });
  }
  return ops;
}
