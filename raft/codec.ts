/**
 * Binary encodings of raft data: message bodies for transports, and entries, HardState and snapshots
 * for storage engines. Pure functions over Uint8Array (no Buffer, no I/O), so every encoding of raft
 * data lives here, next to the types it encodes.
 *
 * `uv` is an unsigned LEB128 varint (7 bits a byte, low bits first, high bit = more), at most 8 bytes,
 * holding any integer in [0, 2^53 - 1].
 *
 * Message body, version 1 (MESSAGE_VERSION). A transport frames it; this file does not:
 *
 *     +---------+---------+----------+--------+-----+-------+------+---------+-------+--------+------------+
 *     | ver u8  | type u8 | flags u8 | group  | to  | from  | term | logTerm | index | commit | rejectHint |
 *     |   = 1   |         |          |  uv    | uv  |  uv   |  uv  |   uv    |  uv   |   uv   |     uv     |
 *     +---------+---------+----------+--------+-----+-------+------+---------+-------+--------+------------+
 *     | entryCount uv | entryCount x Entry | [Snapshot] if flags & 2 | [context] if flags & 4 |
 *     +---------------+--------------------+-------------------------+------------------------+
 *
 *     context:  | byteLen uv | UTF-8 bytes |
 *     type:     the position of the message type in MESSAGE_TYPES below (0 = MsgApp ... 11 = MsgProp)
 *     flags:    bit 0 reject, bit 1 snapshot present, bit 2 context present; other bits must be 0
 *
 * Entry (inside a message, and alone as a stored log entry):
 *
 *     +---------+----------+----------------------------+------------+------+
 *     | term uv | index uv | kind u8 (0 normal, 1 noop) | dataLen uv | data |
 *     +---------+----------+----------------------------+------------+------+
 *
 * Snapshot (inside MsgSnap, and alone):
 *
 *     +----------+---------+------------+------+
 *     | index uv | term uv | dataLen uv | data |
 *     +----------+---------+------------+------+
 *
 * HardState:
 *
 *     +---------+---------+-----------+
 *     | term uv | vote uv | commit uv |
 *     +---------+---------+-----------+
 *
 * Every decoder consumes its input exactly (trailing bytes are an error) and copies entry, snapshot and
 * context bytes out of it, so decoded data never pins or aliases a network or storage buffer.
 */
import { RaftError } from './errors.ts';
import type { Entry, EntryType, HardState, Message, MessageType, Snapshot } from './types.ts';

/** The first byte of every message body. The TCP hello announces it, so peers agree before any message. */
export const MESSAGE_VERSION = 1;

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
/** Order is the format: append only. */
const ENTRY_TYPES: readonly EntryType[] = ['normal', 'noop'];

const FLAG_REJECT = 1;
const FLAG_SNAPSHOT = 2;
const FLAG_CONTEXT = 4;
const KNOWN_FLAGS = FLAG_REJECT | FLAG_SNAPSHOT | FLAG_CONTEXT;
const MAX_VARINT_BYTES = 8;
/** term, index, kind, dataLen: the fewest bytes an encoded entry takes. */
const MIN_ENTRY_BYTES = 4;

/**
 * Bytes that cannot be decoded (truncated, trailing, unknown version/type/flags, bad UTF-8), or a value
 * that cannot be encoded (a number that is not a safe non-negative integer, an unknown type). Its
 * `code` is always `'codec'`; the message names the field.
 */
export class CodecError extends RaftError {
  constructor(message: string) {
    super('codec', message);
    this.name = 'CodecError';
  }
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

// ---- varints and sizes: the one place numbers are checked on the way out ----

function varintLength(v: number, field: string): number {
  if (!Number.isSafeInteger(v) || v < 0) throw new CodecError(`${field} must be an integer in [0, 2^53), got ${v}`);
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    n++;
  }
  return n;
}

/** UTF-8 length of `s` as TextEncoder encodes it (a lone surrogate becomes U+FFFD, 3 bytes). */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function entryLength(e: Entry): number {
  if (!ENTRY_TYPES.includes(e.type)) throw new CodecError(`unknown entry type ${String(e.type)}`);
  return (
    varintLength(e.term, 'entry.term') +
    varintLength(e.index, 'entry.index') +
    1 +
    varintLength(e.data.byteLength, 'entry.data.length') +
    e.data.byteLength
  );
}

function snapshotLength(s: Snapshot): number {
  return (
    varintLength(s.metadata.index, 'snapshot.index') +
    varintLength(s.metadata.term, 'snapshot.term') +
    varintLength(s.data.byteLength, 'snapshot.data.length') +
    s.data.byteLength
  );
}

function hardStateLength(hs: HardState): number {
  return varintLength(hs.term, 'hardState.term') + varintLength(hs.vote, 'hardState.vote') + varintLength(hs.commit, 'hardState.commit');
}

/** Encoded size of `m`'s body in bytes; also validates every field, throwing CodecError. */
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
  for (const e of m.entries) n += entryLength(e);
  if (m.snapshot !== undefined) n += snapshotLength(m.snapshot);
  if (m.context !== undefined) {
    const len = utf8Length(m.context);
    n += varintLength(len, 'context.length') + len;
  }
  return n;
}

// ---- writing: sizes are computed (and validated) first, so writers never grow or check ----

class Writer {
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
  ) {}
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
  utf8(s: string, len: number): void {
    this.uv(len);
    this.pos += utf8Encoder.encodeInto(s, this.buf.subarray(this.pos, this.pos + len)).written;
  }
}

function writeEntry(w: Writer, e: Entry): void {
  w.uv(e.term);
  w.uv(e.index);
  w.u8(ENTRY_TYPES.indexOf(e.type));
  w.bytes(e.data);
}

function writeSnapshot(w: Writer, s: Snapshot): void {
  w.uv(s.metadata.index);
  w.uv(s.metadata.term);
  w.bytes(s.data);
}

/**
 * The body of `m`. `headroom` bytes are left (zeroed) before it, so a transport can put its frame
 * header in the same buffer and send one write without copying the body. Throws CodecError for a
 * field out of range.
 */
export function encodeMessage(m: Message, headroom = 0): Uint8Array {
  const w = new Writer(new Uint8Array(headroom + encodedLength(m)), headroom);
  w.u8(MESSAGE_VERSION);
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
  for (const e of m.entries) writeEntry(w, e);
  if (m.snapshot !== undefined) writeSnapshot(w, m.snapshot);
  if (m.context !== undefined) w.utf8(m.context, utf8Length(m.context));
  return w.buf;
}

export function encodeEntry(e: Entry): Uint8Array {
  const w = new Writer(new Uint8Array(entryLength(e)), 0);
  writeEntry(w, e);
  return w.buf;
}

export function encodeSnapshot(s: Snapshot): Uint8Array {
  const w = new Writer(new Uint8Array(snapshotLength(s)), 0);
  writeSnapshot(w, s);
  return w.buf;
}

export function encodeHardState(hs: HardState): Uint8Array {
  const w = new Writer(new Uint8Array(hardStateLength(hs)), 0);
  w.uv(hs.term);
  w.uv(hs.vote);
  w.uv(hs.commit);
  return w.buf;
}

// ---- reading ----

class Reader {
  pos = 0;
  constructor(
    readonly buf: Uint8Array,
    readonly what: string,
  ) {}
  need(n: number, field: string): void {
    if (this.pos + n > this.buf.byteLength) {
      throw new CodecError(`truncated ${this.what}: ${field} needs ${n} bytes at offset ${this.pos} of ${this.buf.byteLength}`);
    }
  }
  u8(field: string): number {
    this.need(1, field);
    return this.buf[this.pos++]!;
  }
  uv(field: string): number {
    let v = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      const b = this.u8(field);
      v += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (!Number.isSafeInteger(v)) throw new CodecError(`${field} exceeds 2^53 - 1`);
        return v;
      }
      scale *= 0x80;
    }
    throw new CodecError(`${field}: varint longer than ${MAX_VARINT_BYTES} bytes`);
  }
  /** A copy, so that the result does not alias the input. */
  bytes(field: string): Uint8Array {
    const n = this.uv(`${field} length`);
    this.need(n, field);
    // slice() of a Buffer would return a view; copy into a plain Uint8Array whatever the input is.
    const out = new Uint8Array(n);
    out.set(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }
  done(): void {
    const left = this.buf.byteLength - this.pos;
    if (left !== 0) throw new CodecError(`${left} trailing bytes after the ${this.what}`);
  }
}

function readEntry(r: Reader): Entry {
  const term = r.uv('entry.term');
  const index = r.uv('entry.index');
  const kind = r.u8('entry.type');
  const type = ENTRY_TYPES[kind];
  if (type === undefined) throw new CodecError(`unknown entry type code ${kind}`);
  return { term, index, type, data: r.bytes('entry.data') };
}

function readSnapshot(r: Reader): Snapshot {
  const index = r.uv('snapshot.index');
  const term = r.uv('snapshot.term');
  return { metadata: { index, term }, data: r.bytes('snapshot.data') };
}

/** Decodes one body. Throws CodecError on anything malformed. */
export function decodeMessage(body: Uint8Array): Message {
  const r = new Reader(body, 'message');
  const ver = r.u8('version');
  if (ver !== MESSAGE_VERSION) throw new CodecError(`unsupported message version ${ver} (this build reads ${MESSAGE_VERSION})`);
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
  // Refuse counts the body cannot hold before allocating for them.
  if (count * MIN_ENTRY_BYTES > body.byteLength - r.pos) throw new CodecError(`entryCount ${count} exceeds the body`);
  const entries: Entry[] = new Array<Entry>(count);
  for (let i = 0; i < count; i++) entries[i] = readEntry(r);
  const snapshot = flags & FLAG_SNAPSHOT ? readSnapshot(r) : undefined;
  let context: string | undefined;
  if (flags & FLAG_CONTEXT) {
    const bytes = r.bytes('context');
    try {
      context = utf8Decoder.decode(bytes);
    } catch {
      throw new CodecError('context is not valid UTF-8');
    }
  }
  r.done();
  const m: {
    -readonly [K in keyof Message]: Message[K];
  } = { type, group, to, from, term, logTerm, index, entries, commit, reject: (flags & FLAG_REJECT) !== 0, rejectHint };
  if (snapshot !== undefined) m.snapshot = snapshot;
  if (context !== undefined) m.context = context;
  return m;
}

/** An entry as stored, index included. Throws CodecError on malformed input. */
export function decodeEntry(buf: Uint8Array): Entry {
  const r = new Reader(buf, 'entry');
  const e = readEntry(r);
  r.done();
  return e;
}

export function decodeSnapshot(buf: Uint8Array): Snapshot {
  const r = new Reader(buf, 'snapshot');
  const s = readSnapshot(r);
  r.done();
  return s;
}

export function decodeHardState(buf: Uint8Array): HardState {
  const r = new Reader(buf, 'hard state');
  const hs = { term: r.uv('hardState.term'), vote: r.uv('hardState.vote'), commit: r.uv('hardState.commit') };
  r.done();
  return hs;
}
