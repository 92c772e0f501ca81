/**
 * The WAL's on-disk format, all of it in this file (as hashicorp/raft-wal keeps `segment/format.go`).
 *
 * The framing and checksums follow etcd's WAL (`server/storage/wal`): a segment file is a sequence of
 * frames, each an 8-byte little-endian length word followed by the record and zero padding to 8 bytes;
 * every record carries a CRC-32C chained over all records before it. The record body is a small binary
 * layout of our own where etcd uses protobuf.
 *
 * Segment file names: `%016x-%016x.wal` = `<seq>-<index>`, `seq` counting segments from 0 and `index` the
 * log index of the first entry record the segment holds. Both are fixed-width hex, so names sort in log
 * order. A segment is preallocated (zero filled) to its full size before it gets its name, so writes
 * inside it change no file metadata and fdatasync flushes data only. The first all-zero length word marks
 * the end of the written part.
 */
import { crc32c } from './crc32c.ts';

// ---------------------------------------------------------------------------------------------------------
// Frame
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +---------------------------------------------------------------+
//  |                 length word, bits 0..31 (LE)                  |  byte 0
//  +-----------------------------------------------+---------------+
//  |           length word, bits 32..55 (LE)       |P|0 0 0 0|pad  |  byte 4 (byte 7 = top byte)
//  +-----------------------------------------------+---------------+
//  |                     record (length bytes)                     |  byte 8
//  |                              ...                              |
//  +---------------------------------------------------------------+
//  |        zero padding (pad bytes, 0..7) to an 8-byte boundary   |
//  +---------------------------------------------------------------+
//
//  length  = low 56 bits of the word: the record's byte length (never 0: a record has >= 5 bytes)
//  P       = bit 63, set when pad > 0; pad = bits 56..58 (the low 3 bits of the top byte)
//  A zero length word ends the written part of a segment (the preallocated rest is zeros).
//
// Record (the frame's payload)
//
//  +--------+--------------------------+----------------------------------+
//  | type   | crc (u32 LE)             | data (length - 5 bytes)          |
//  | 1 byte | 4 bytes                  |                                  |
//  +--------+--------------------------+----------------------------------+
//
//  crc = CRC-32C(previous record's crc, data): chained, as etcd does, so a record dropped or reordered
//        anywhere breaks every crc after it. For a CRC record the field instead carries the chain value
//        itself (the crc of the last record before it), and the record is not fed into the chain.
//
// Record types (numbered as etcd's walpb types)
//
//  1 METADATA  segment header, second record of every segment:
//              magic "RBW1" | version u16 LE (=1) | reserved u16 | seq u64 LE | firstIndex u64 LE | user bytes
//  2 ENTRY     one write batch (a delta):   index u64 LE | op count u32 LE | ops
//  3 STATE     live keys carried forward from an old segment before it is dropped (absolute values, puts
//              only; etcd's STATE holds the latest HardState, also an absolute value): same body as ENTRY
//  4 CRC       first record of every segment: no data; crc = chain value at the end of the previous segment
//              (0 for the very first segment)
//  5 SNAPSHOT  truncation marker, written before older segments are unlinked:
//              index u64 LE | first live seq u64 LE  (segments below that seq are garbage)
//
// Ops inside ENTRY and STATE data (lengths u32 LE)
//
//  put      | 0x01 | keyLen | key | valueLen | value |
//  del      | 0x02 | keyLen | key |
//  delRange | 0x03 | startLen | start | endLen | end |     deletes [start, end)
// ---------------------------------------------------------------------------------------------------------

export const RecordType = {
  METADATA: 1,
  ENTRY: 2,
  STATE: 3,
  CRC: 4,
  SNAPSHOT: 5,
} as const;
export type RecordType = (typeof RecordType)[keyof typeof RecordType];

const TYPES = new Set<number>(Object.values(RecordType));

export const FRAME_HEADER_BYTES = 8;
export const RECORD_HEADER_BYTES = 5;
export const SEGMENT_SUFFIX = '.wal';

export interface WalRecord {
  readonly type: RecordType;
  readonly data: Uint8Array;
}

/** A record as read back: `crc` is the value stored in the record. */
export interface DecodedRecord extends WalRecord {
  readonly crc: number;
}

/** `%016x-%016x.wal` */
export function segmentName(seq: number, index: number): string {
  return `${hex16(seq)}-${hex16(index)}${SEGMENT_SUFFIX}`;
}

const NAME_RE = /^([0-9a-f]{16})-([0-9a-f]{16})\.wal$/;

export function parseSegmentName(name: string): { seq: number; index: number } | null {
  const m = NAME_RE.exec(name);
  if (!m) return null;
  return { seq: Number.parseInt(m[1]!, 16), index: Number.parseInt(m[2]!, 16) };
}

function hex16(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`segment number out of range: ${n}`);
  return n.toString(16).padStart(16, '0');
}

/** Bytes a record with `dataLen` data bytes takes on disk, frame included. */
export function frameBytes(dataLen: number): number {
  const len = RECORD_HEADER_BYTES + dataLen;
  return FRAME_HEADER_BYTES + len + padBytes(len);
}

function padBytes(len: number): number {
  return (8 - (len % 8)) % 8;
}

/**
 * Encodes `records` as consecutive frames, chaining crcs from `prevCrc`. Returns the bytes and the chain
 * value after the last record.
 */
export function encodeFrames(records: readonly WalRecord[], prevCrc: number): { bytes: Buffer; crc: number } {
  let total = 0;
  for (const r of records) total += frameBytes(r.data.byteLength);
  // Its own memory, not zeroed: every byte is written below (header, data, zeroed pad). Not from Buffer's
  // shared pool either, so a WalEngine index holding views into a record pins only that record.
  const out = Buffer.allocUnsafeSlow(total);
  let off = 0;
  let crc = prevCrc >>> 0;
  for (const r of records) {
    const len = RECORD_HEADER_BYTES + r.data.byteLength;
    const pad = padBytes(len);
    out.writeUInt32LE(len % 0x1_0000_0000, off);
    const high = Math.floor(len / 0x1_0000_0000);
    if (high > 0xffffff) throw new RangeError(`record too large: ${len} bytes`);
    out.writeUInt32LE((high | (pad > 0 ? (0x80 | pad) << 24 : 0)) >>> 0, off + 4);
    let recCrc: number;
    if (r.type === RecordType.CRC) {
      recCrc = crc;
    } else {
      crc = crc32c(crc, r.data);
      recCrc = crc;
    }
    out[off + 8] = r.type;
    out.writeUInt32LE(recCrc, off + 9);
    out.set(r.data, off + 8 + RECORD_HEADER_BYTES);
    out.fill(0, off + FRAME_HEADER_BYTES + len, off + FRAME_HEADER_BYTES + len + pad);
    off += FRAME_HEADER_BYTES + len + pad;
  }
  return { bytes: out, crc };
}

export type FrameResult =
  | { readonly kind: 'record'; readonly record: DecodedRecord; readonly next: number }
  /** A zero length word: the end of the written part. */
  | { readonly kind: 'end' }
  | { readonly kind: 'bad'; readonly reason: string };

/**
 * Reads the frame at `off` of a segment's bytes. It does not check the crc (the caller owns the chain);
 * it checks that the frame fits, its padding is zero and the record type is known.
 */
export function decodeFrame(buf: Uint8Array, off: number): FrameResult {
  if (off + FRAME_HEADER_BYTES > buf.length) return { kind: 'end' };
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const lo = view.readUInt32LE(off);
  const hi = view.readUInt32LE(off + 4);
  if (lo === 0 && hi === 0) return { kind: 'end' };
  const top = hi >>> 24;
  const len = lo + (hi & 0xffffff) * 0x1_0000_0000;
  const pad = top & 0x80 ? top & 0x07 : 0;
  if (top & 0x78 || (top & 0x80 && pad === 0)) return { kind: 'bad', reason: `bad length word at ${off}` };
  if (len < RECORD_HEADER_BYTES) return { kind: 'bad', reason: `record length ${len} too short at ${off}` };
  if (pad !== padBytes(len)) return { kind: 'bad', reason: `pad ${pad} does not match length ${len} at ${off}` };
  const end = off + FRAME_HEADER_BYTES + len + pad;
  if (end > buf.length) return { kind: 'bad', reason: `torn record at ${off}: ${len} bytes announced, ${buf.length - off - FRAME_HEADER_BYTES} present` };
  for (let i = end - pad; i < end; i++) if (buf[i] !== 0) return { kind: 'bad', reason: `nonzero padding at ${off}` };
  const type = buf[off + FRAME_HEADER_BYTES]!;
  if (!TYPES.has(type)) return { kind: 'bad', reason: `unknown record type ${type} at ${off}` };
  const crc = view.readUInt32LE(off + FRAME_HEADER_BYTES + 1);
  const dataStart = off + FRAME_HEADER_BYTES + RECORD_HEADER_BYTES;
  const data = buf.subarray(dataStart, dataStart + len - RECORD_HEADER_BYTES);
  return { kind: 'record', record: { type: type as RecordType, crc, data }, next: end };
}

// ---------------------------------------------------------------------------------------------------------
// Record data

const MAGIC = 0x31574252; // "RBW1" little-endian
export const FORMAT_VERSION = 1;

export interface SegmentMetadata {
  readonly seq: number;
  readonly firstIndex: number;
  readonly user: Uint8Array;
}

export function encodeMetadata(m: SegmentMetadata): Uint8Array {
  const out = Buffer.alloc(24 + m.user.byteLength);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt16LE(FORMAT_VERSION, 4);
  out.writeBigUInt64LE(BigInt(m.seq), 8);
  out.writeBigUInt64LE(BigInt(m.firstIndex), 16);
  out.set(m.user, 24);
  return out;
}

export function decodeMetadata(data: Uint8Array): SegmentMetadata | null {
  if (data.byteLength < 24) return null;
  const v = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (v.readUInt32LE(0) !== MAGIC || v.readUInt16LE(4) !== FORMAT_VERSION) return null;
  return { seq: Number(v.readBigUInt64LE(8)), firstIndex: Number(v.readBigUInt64LE(16)), user: data.subarray(24) };
}

export interface SnapshotMarker {
  readonly index: number;
  readonly firstLiveSeq: number;
}

export function encodeSnapshot(s: SnapshotMarker): Uint8Array {
  const out = Buffer.alloc(16);
  out.writeBigUInt64LE(BigInt(s.index), 0);
  out.writeBigUInt64LE(BigInt(s.firstLiveSeq), 8);
  return out;
}

export function decodeSnapshot(data: Uint8Array): SnapshotMarker | null {
  if (data.byteLength !== 16) return null;
  const v = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return { index: Number(v.readBigUInt64LE(0)), firstLiveSeq: Number(v.readBigUInt64LE(8)) };
}

/** One op of a batch as stored in ENTRY and STATE records. */
export type StoredOp =
  | { readonly type: 'put'; readonly key: Uint8Array; readonly value: Uint8Array }
  | { readonly type: 'del'; readonly key: Uint8Array }
  | { readonly type: 'delRange'; readonly start: Uint8Array; readonly end: Uint8Array };

const OP_CODE = { put: 1, del: 2, delRange: 3 } as const;

export function encodeBatch(index: number, ops: readonly StoredOp[]): Uint8Array {
  let size = 12;
  for (const op of ops) {
    if (op.type === 'put') size += 9 + op.key.byteLength + op.value.byteLength;
    else if (op.type === 'del') size += 5 + op.key.byteLength;
    else size += 9 + op.start.byteLength + op.end.byteLength;
  }
  // Every byte is written below; from Buffer's pool when small (the caller frames it and lets it go).
  const out = Buffer.allocUnsafe(size);
  // u64 LE as two u32 words (no BigInt on the write path; indexes are safe integers).
  out.writeUInt32LE(index % 0x1_0000_0000, 0);
  out.writeUInt32LE(Math.floor(index / 0x1_0000_0000), 4);
  out.writeUInt32LE(ops.length, 8);
  let off = 12;
  for (const op of ops) {
    out[off++] = OP_CODE[op.type];
    if (op.type === 'put') {
      off = putBytes(out, off, op.key);
      off = putBytes(out, off, op.value);
    } else if (op.type === 'del') {
      off = putBytes(out, off, op.key);
    } else {
      off = putBytes(out, off, op.start);
      off = putBytes(out, off, op.end);
    }
  }
  return out;
}

/** Writes `b` length-prefixed (u32 LE) at `off`; returns the offset after it. */
function putBytes(out: Buffer, off: number, b: Uint8Array): number {
  out.writeUInt32LE(b.byteLength, off);
  out.set(b, off + 4);
  return off + 4 + b.byteLength;
}

/** Decodes an ENTRY or STATE body; null when malformed. Returned arrays are views into `data`. */
export function decodeBatch(data: Uint8Array): { index: number; ops: StoredOp[] } | null {
  if (data.byteLength < 12) return null;
  const v = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const index = v.readUInt32LE(0) + v.readUInt32LE(4) * 0x1_0000_0000;
  const count = v.readUInt32LE(8);
  const ops: StoredOp[] = [];
  let off = 12;
  const bytes = (): Uint8Array | null => {
    if (off + 4 > v.length) return null;
    const n = v.readUInt32LE(off);
    if (off + 4 + n > v.length) return null;
    const b = data.subarray(off + 4, off + 4 + n);
    off += 4 + n;
    return b;
  };
  for (let i = 0; i < count; i++) {
    if (off >= v.length) return null;
    const code = v[off++];
    if (code === OP_CODE.put) {
      const key = bytes();
      const value = key && bytes();
      if (!key || !value) return null;
      ops.push({ type: 'put', key, value });
    } else if (code === OP_CODE.del) {
      const key = bytes();
      if (!key) return null;
      ops.push({ type: 'del', key });
    } else if (code === OP_CODE.delRange) {
      const start = bytes();
      const end = start && bytes();
      if (!start || !end) return null;
      ops.push({ type: 'delRange', start, end });
    } else {
      return null;
    }
  }
  if (off !== v.length) return null;
  return { index, ops };
}
