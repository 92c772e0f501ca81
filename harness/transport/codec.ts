import type { Entry, EntryType, Message, MessageType, Snapshot } from '../../raft/index.ts';

/**
 * The wire format of raft messages: a compact binary body, and a frame around it for streams.
 *
 * Frame (stream framing, used by the TCP transport):
 *
 *     +----------------------+------------------+
 *     | length: u32 BE (4 B) | body (length B)  |
 *     +----------------------+------------------+
 *
 * Body (version 1). `uv` is an unsigned LEB128 varint (7 bits a byte, low bits first, high bit = more),
 * at most 8 bytes, holding any integer in [0, 2^53 - 1]:
 *
 *     +---------+---------+----------+--------+-----+-------+------+---------+-------+--------+------------+
 *     | ver u8  | type u8 | flags u8 | group  | to  | from  | term | logTerm | index | commit | rejectHint |
 *     |   = 1   |         |          |  uv    | uv  |  uv   |  uv  |   uv    |  uv   |   uv   |     uv     |
 *     +---------+---------+----------+--------+-----+-------+------+---------+-------+--------+------------+
 *     | entryCount uv | entryCount x entry | [snapshot] if flags & 2 | [context] if flags & 4 |
 *     +---------------+--------------------+-------------------------+------------------------+
 *
 *     entry:    | term uv | index uv | kind u8 (0 normal, 1 noop) | dataLen uv | data |
 *     snapshot: | index uv | term uv | dataLen uv | data |
 *     context:  | byteLen uv | UTF-8 bytes |
 *
 *     type:  the position of the message type in MESSAGE_TYPES below (0 = MsgApp ... 11 = MsgProp)
 *     flags: bit 0 reject, bit 1 snapshot present, bit 2 context present; other bits must be 0
 *
 * A body must be consumed exactly: trailing bytes are an error. Decoding copies entry, snapshot and
 * context bytes out of the input, so a decoded message never pins or aliases a network buffer.
 */

export const CODEC_VERSION = 1;
/** Bytes of the frame header (the body length). */
export const FRAME_HEADER_BYTES = 4;
/** Largest body a frame may announce unless told otherwise (a guard against garbage, not a design limit). */
export const DEFAULT_MAX_FRAME_BYTES = 512 * 1024 * 1024;

/** Order is the wire format: append only. */
export const MESSAGE_TYPES: readonly MessageType[] = [
  'MsgApp',
  'MsgAppResp',
  'MsgVote',
  'MsgVoteResp',
  'MsgPreVote',
  'MsgPreVoteResp',
  'MsgHeartbeat',
  'MsgHeartbeatResp',
  'MsgSnap',
  'MsgReadIndex',
  'MsgReadIndexResp',
  'MsgProp',
];
const TYPE_CODE: ReadonlyMap<MessageType, number> = new Map(MESSAGE_TYPES.map((t, i) => [t, i]));
const ENTRY_TYPES: readonly EntryType[] = ['normal', 'noop'];

const FLAG_REJECT = 1;
const FLAG_SNAPSHOT = 2;
const FLAG_CONTEXT = 4;
const KNOWN_FLAGS = FLAG_REJECT | FLAG_SNAPSHOT | FLAG_CONTEXT;
const MAX_VARINT_BYTES = 8;

/** Bytes that cannot be decoded, or a message that cannot be encoded. */
export class CodecError extends Error {
  override name = 'CodecError';
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

function varintLength(v: number, field: string): number {
  if (!Number.isSafeInteger(v) || v < 0) throw new CodecError(`${field} must be an integer in [0, 2^53), got ${v}`);
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    n++;
  }
  return n;
}

/** Encoded size of `m`'s body in bytes (no frame header); also validates every numeric field. */
export function encodedLength(m: Message): number {
  if (!TYPE_CODE.has(m.type)) throw new CodecError(`unknown message type ${String(m.type)}`);
  let n = 3;
  n += varintLength(m.group, 'group');
  n += varintLength(m.to, 'to');
  n += varintLength(m.from, 'from');
  n += varintLength(m.term, 'term');
  n += varintLength(m.logTerm, 'logTerm');
  n += varintLength(m.index, 'index');
  n += varintLength(m.commit, 'commit');
  n += varintLength(m.rejectHint, 'rejectHint');
  n += varintLength(m.entries.length, 'entries.length');
  for (const e of m.entries) {
    if (!ENTRY_TYPES.includes(e.type)) throw new CodecError(`unknown entry type ${String(e.type)}`);
    n += varintLength(e.term, 'entry.term') + varintLength(e.index, 'entry.index') + 1;
    n += varintLength(e.data.byteLength, 'entry.data.length') + e.data.byteLength;
  }
  if (m.snapshot !== undefined) {
    const s = m.snapshot;
    n += varintLength(s.metadata.index, 'snapshot.index') + varintLength(s.metadata.term, 'snapshot.term');
    n += varintLength(s.data.byteLength, 'snapshot.data.length') + s.data.byteLength;
  }
  if (m.context !== undefined) {
    const len = Buffer.byteLength(m.context, 'utf8');
    n += varintLength(len, 'context.length') + len;
  }
  return n;
}

class Writer {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start: number,
  ) {
    this.pos = start;
  }
  u8(v: number): void {
    this.buf[this.pos++] = v;
  }
  uv(v: number): void {
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }
  bytes(b: Uint8Array): void {
    this.uv(b.byteLength);
    this.buf.set(b, this.pos);
    this.pos += b.byteLength;
  }
}

function writeBody(w: Writer, m: Message): void {
  w.u8(CODEC_VERSION);
  w.u8(TYPE_CODE.get(m.type)!);
  w.u8((m.reject ? FLAG_REJECT : 0) | (m.snapshot !== undefined ? FLAG_SNAPSHOT : 0) | (m.context !== undefined ? FLAG_CONTEXT : 0));
  w.uv(m.group);
  w.uv(m.to);
  w.uv(m.from);
  w.uv(m.term);
  w.uv(m.logTerm);
  w.uv(m.index);
  w.uv(m.commit);
  w.uv(m.rejectHint);
  w.uv(m.entries.length);
  for (const e of m.entries) {
    w.uv(e.term);
    w.uv(e.index);
    w.u8(e.type === 'noop' ? 1 : 0);
    w.bytes(e.data);
  }
  if (m.snapshot !== undefined) {
    w.uv(m.snapshot.metadata.index);
    w.uv(m.snapshot.metadata.term);
    w.bytes(m.snapshot.data);
  }
  if (m.context !== undefined) w.bytes(utf8.encode(m.context));
}

/** The body of `m` (no frame header). Throws CodecError for a field out of range. */
export function encodeMessage(m: Message): Uint8Array {
  const len = encodedLength(m);
  const w = new Writer(Buffer.allocUnsafe(len), 0);
  writeBody(w, m);
  return w.buf;
}

/** A frame: the 4-byte big-endian body length, then the body, in one buffer (one socket write). */
export function encodeFrame(m: Message): Buffer {
  const len = encodedLength(m);
  if (len > 0xffffffff) throw new CodecError(`message of ${len} bytes does not fit in a frame`);
  const buf = Buffer.allocUnsafe(FRAME_HEADER_BYTES + len);
  buf.writeUInt32BE(len, 0);
  writeBody(new Writer(buf, FRAME_HEADER_BYTES), m);
  return buf;
}

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}
  need(n: number, what: string): void {
    if (this.pos + n > this.buf.byteLength) {
      throw new CodecError(`truncated message: ${what} needs ${n} bytes at offset ${this.pos} of ${this.buf.byteLength}`);
    }
  }
  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }
  uv(what: string): number {
    let v = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      const b = this.u8(what);
      v += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (!Number.isSafeInteger(v)) throw new CodecError(`${what} exceeds 2^53 - 1`);
        return v;
      }
      scale *= 0x80;
    }
    throw new CodecError(`${what}: varint longer than ${MAX_VARINT_BYTES} bytes`);
  }
  /** A copy, so that the result does not alias the input. */
  bytes(what: string): Uint8Array {
    const n = this.uv(`${what} length`);
    this.need(n, what);
    // A plain Uint8Array copy: Buffer#slice would return a view.
    const out = new Uint8Array(n);
    out.set(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }
}

/** Decodes one body (no frame header). Throws CodecError on anything malformed. */
export function decodeMessage(body: Uint8Array): Message {
  const r = new Reader(body);
  const ver = r.u8('version');
  if (ver !== CODEC_VERSION) throw new CodecError(`unsupported codec version ${ver} (this build reads ${CODEC_VERSION})`);
  const code = r.u8('type');
  const type = MESSAGE_TYPES[code];
  if (type === undefined) throw new CodecError(`unknown message type code ${code}`);
  const flags = r.u8('flags');
  if ((flags & ~KNOWN_FLAGS) !== 0) throw new CodecError(`unknown flags 0x${flags.toString(16)}`);
  const group = r.uv('group');
  const to = r.uv('to');
  const from = r.uv('from');
  const term = r.uv('term');
  const logTerm = r.uv('logTerm');
  const index = r.uv('index');
  const commit = r.uv('commit');
  const rejectHint = r.uv('rejectHint');
  const count = r.uv('entryCount');
  // Each entry takes at least 4 bytes; refuse counts the body cannot hold before allocating.
  if (count * 4 > body.byteLength - r.pos) throw new CodecError(`entryCount ${count} exceeds the body`);
  const entries: Entry[] = new Array<Entry>(count);
  for (let i = 0; i < count; i++) {
    const eTerm = r.uv('entry.term');
    const eIndex = r.uv('entry.index');
    const kind = r.u8('entry.type');
    const eType = ENTRY_TYPES[kind];
    if (eType === undefined) throw new CodecError(`unknown entry type code ${kind}`);
    entries[i] = { term: eTerm, index: eIndex, type: eType, data: r.bytes('entry.data') };
  }
  let snapshot: Snapshot | undefined;
  if (flags & FLAG_SNAPSHOT) {
    const sIndex = r.uv('snapshot.index');
    const sTerm = r.uv('snapshot.term');
    snapshot = { metadata: { index: sIndex, term: sTerm }, data: r.bytes('snapshot.data') };
  }
  let context: string | undefined;
  if (flags & FLAG_CONTEXT) {
    try {
      context = utf8Decoder.decode(r.bytes('context'));
    } catch (err) {
      if (err instanceof CodecError) throw err;
      throw new CodecError('context is not valid UTF-8');
    }
  }
  if (r.pos !== body.byteLength) throw new CodecError(`${body.byteLength - r.pos} trailing bytes after the message`);
  const m: {
    -readonly [K in keyof Message]: Message[K];
  } = { type, group, to, from, term, logTerm, index, entries, commit, reject: (flags & FLAG_REJECT) !== 0, rejectHint };
  if (snapshot !== undefined) m.snapshot = snapshot;
  if (context !== undefined) m.context = context;
  return m;
}

/**
 * Splits a byte stream into frame bodies. Feed it chunks in arrival order; it returns every body that
 * became complete. A body that arrives in one chunk is returned as a view into that chunk (decode it
 * before the chunk is reused); a body spread over chunks is assembled once into its own buffer, so a
 * large snapshot costs one copy, not one per chunk.
 */
export class FrameDecoder {
  readonly #maxFrameBytes: number;
  readonly #header = new Uint8Array(FRAME_HEADER_BYTES);
  #headerFilled = 0;
  #body: Uint8Array | undefined;
  #bodyFilled = 0;

  constructor(maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {
    this.#maxFrameBytes = maxFrameBytes;
  }

  /** True when no partial frame is buffered. */
  get idle(): boolean {
    return this.#headerFilled === 0 && this.#body === undefined;
  }

  /** Throws CodecError when a frame announces more than the limit; the stream is unusable after that. */
  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let pos = 0;
    while (pos < chunk.byteLength) {
      if (this.#body === undefined) {
        let len: number;
        if (this.#headerFilled === 0 && chunk.byteLength - pos >= FRAME_HEADER_BYTES) {
          len = readU32BE(chunk, pos);
          pos += FRAME_HEADER_BYTES;
        } else {
          const n = Math.min(FRAME_HEADER_BYTES - this.#headerFilled, chunk.byteLength - pos);
          this.#header.set(chunk.subarray(pos, pos + n), this.#headerFilled);
          this.#headerFilled += n;
          pos += n;
          if (this.#headerFilled < FRAME_HEADER_BYTES) break;
          this.#headerFilled = 0;
          len = readU32BE(this.#header, 0);
        }
        if (len > this.#maxFrameBytes) throw new CodecError(`frame of ${len} bytes exceeds the limit of ${this.#maxFrameBytes}`);
        if (chunk.byteLength - pos >= len) {
          out.push(chunk.subarray(pos, pos + len));
          pos += len;
          continue;
        }
        this.#body = new Uint8Array(len);
        this.#bodyFilled = 0;
      }
      const body = this.#body;
      const n = Math.min(body.byteLength - this.#bodyFilled, chunk.byteLength - pos);
      body.set(chunk.subarray(pos, pos + n), this.#bodyFilled);
      this.#bodyFilled += n;
      pos += n;
      if (this.#bodyFilled === body.byteLength) {
        out.push(body);
        this.#body = undefined;
      }
    }
    return out;
  }
}

function readU32BE(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;
}
