/**
 * Binary encodings of raft data, for transports (messages) and storage engines (entries, HardState,
 * snapshot metadata). Pure functions; numbers are unsigned LEB128 varints (safe up to 2^53).
 *
 * Message, version 1:
 *
 *   +----+------+--------------------------------------------------------------+-------+
 *   | 01 | type | varints: group to from term logTerm index commit rejectHint | flags |
 *   +----+------+--------------------------------------------------------------+-------+
 *   | varint n | n x Entry | [Snapshot if flags&2] | [varint len, utf-8 context if flags&4] |
 *   +----------+-----------+-----------------------+-----------------------------------------+
 *   flags: 1 = reject, 2 = snapshot present, 4 = context present
 *
 * Entry:     varint term | varint index | u8 type (0 normal, 1 noop) | varint len | data
 * Snapshot:  varint index | varint term | varint len | data
 * HardState: varint term | varint vote | varint commit
 */
import { RaftError } from './errors.ts';
import type { Entry, EntryType, HardState, Message, MessageType, Snapshot } from './types.ts';

export const ErrCorrupt = new RaftError('corrupt', 'malformed encoded raft data');

const MESSAGE_TYPES: readonly MessageType[] = [
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
];
const ENTRY_TYPES: readonly EntryType[] = ['normal', 'noop'];

class Writer {
  #buf = new Uint8Array(64);
  #len = 0;

  #grow(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let cap = this.#buf.length * 2;
    while (cap < this.#len + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.#buf.subarray(0, this.#len));
    this.#buf = b;
  }

  u8(v: number): void {
    this.#grow(1);
    this.#buf[this.#len++] = v;
  }

  varint(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`cannot encode ${v} as a varint`);
    this.#grow(8);
    while (v >= 0x80) {
      this.#buf[this.#len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.#buf[this.#len++] = v;
  }

  bytes(b: Uint8Array): void {
    this.varint(b.byteLength);
    this.#grow(b.byteLength);
    this.#buf.set(b, this.#len);
    this.#len += b.byteLength;
  }

  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}

class Reader {
  #pos = 0;
  constructor(readonly buf: Uint8Array) {}

  u8(): number {
    const v = this.buf[this.#pos++];
    if (v === undefined) throw ErrCorrupt;
    return v;
  }

  varint(): number {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = this.u8();
      v += (b & 0x7f) * mul;
      if (b < 0x80) break;
      mul *= 0x80;
      if (mul > 2 ** 56) throw ErrCorrupt;
    }
    return v;
  }

  bytes(): Uint8Array {
    const n = this.varint();
    if (this.#pos + n > this.buf.length) throw ErrCorrupt;
    const b = this.buf.slice(this.#pos, this.#pos + n);
    this.#pos += n;
    return b;
  }

  done(): void {
    if (this.#pos !== this.buf.length) throw ErrCorrupt;
  }
}

function writeEntry(w: Writer, e: Entry): void {
  w.varint(e.term);
  w.varint(e.index);
  w.u8(ENTRY_TYPES.indexOf(e.type));
  w.bytes(e.data);
}

function readEntry(r: Reader): Entry {
  const term = r.varint();
  const index = r.varint();
  const type = ENTRY_TYPES[r.u8()];
  if (type === undefined) throw ErrCorrupt;
  return { term, index, type, data: r.bytes() };
}

function writeSnapshot(w: Writer, s: Snapshot): void {
  w.varint(s.metadata.index);
  w.varint(s.metadata.term);
  w.bytes(s.data);
}

function readSnapshot(r: Reader): Snapshot {
  const index = r.varint();
  const term = r.varint();
  return { metadata: { index, term }, data: r.bytes() };
}

export function encodeMessage(m: Message): Uint8Array {
  const w = new Writer();
  w.u8(1);
  w.u8(MESSAGE_TYPES.indexOf(m.type));
  for (const v of [m.group, m.to, m.from, m.term, m.logTerm, m.index, m.commit, m.rejectHint]) w.varint(v);
  w.u8((m.reject ? 1 : 0) | (m.snapshot ? 2 : 0) | (m.context !== undefined ? 4 : 0));
  w.varint(m.entries.length);
  for (const e of m.entries) writeEntry(w, e);
  if (m.snapshot) writeSnapshot(w, m.snapshot);
  if (m.context !== undefined) w.bytes(new TextEncoder().encode(m.context));
  return w.finish();
}

/** Decodes a message; throws ErrCorrupt on malformed input. */
export function decodeMessage(buf: Uint8Array): Message {
  const r = new Reader(buf);
  if (r.u8() !== 1) throw ErrCorrupt;
  const type = MESSAGE_TYPES[r.u8()];
  if (type === undefined) throw ErrCorrupt;
  const [group, to, from, term, logTerm, index, commit, rejectHint] = Array.from({ length: 8 }, () => r.varint()) as [
    number, number, number, number, number, number, number, number,
  ];
  const flags = r.u8();
  const n = r.varint();
  if (n > buf.length) throw ErrCorrupt;
  const entries: Entry[] = [];
  for (let i = 0; i < n; i++) entries.push(readEntry(r));
  const snapshot = flags & 2 ? readSnapshot(r) : undefined;
  const context = flags & 4 ? new TextDecoder().decode(r.bytes()) : undefined;
  r.done();
  return {
    type, group, to, from, term, logTerm, index, commit, rejectHint,
    reject: (flags & 1) !== 0,
    entries,
    ...(snapshot ? { snapshot } : {}),
    ...(context !== undefined ? { context } : {}),
  };
}

export function encodeEntry(e: Entry): Uint8Array {
  const w = new Writer();
  writeEntry(w, e);
  return w.finish();
}

export function decodeEntry(buf: Uint8Array): Entry {
  const r = new Reader(buf);
  const e = readEntry(r);
  r.done();
  return e;
}

export function encodeHardState(hs: HardState): Uint8Array {
  const w = new Writer();
  w.varint(hs.term);
  w.varint(hs.vote);
  w.varint(hs.commit);
  return w.finish();
}

export function decodeHardState(buf: Uint8Array): HardState {
  const r = new Reader(buf);
  const hs = { term: r.varint(), vote: r.varint(), commit: r.varint() };
  r.done();
  return hs;
}

export function encodeSnapshot(s: Snapshot): Uint8Array {
  const w = new Writer();
  writeSnapshot(w, s);
  return w.finish();
}

export function decodeSnapshot(buf: Uint8Array): Snapshot {
  const r = new Reader(buf);
  const s = readSnapshot(r);
  r.done();
  return s;
}
