
/**
 * Keys and values the replica writes. Every key starts with the group id (8 bytes, big-endian), so many
 * raft groups share one store and a per-group router (the `wal-per-group` layout) can route by prefix.
 *
 *   raft engine   <group:8> 0x01 <index:8>   log entry       raft/codec.ts encodeEntry
 *                 <group:8> 0x02             HardState       raft/codec.ts encodeHardState
 *   state engine  <group:8> 0x10             applied state   <applied:8> <truncIndex:8> <truncTerm:8>
 *                 <group:8> 0x11 <user key>  state machine   <value>
 *                 <group:8> 0x12 <client:8>  client session  <seq:8> <index:8>  (latest seq applied, at index)
 *
 * Integers are unsigned 64-bit big-endian (numbers stay below 2^53), so log keys sort by index.
 */
const LOG = 0x01;
const HARD_STATE = 0x02;
const APPLIED = 0x10;
const KV = 0x11;
const SESSION = 0x12;

function prefix(group: number, tag: number, extra = 0): Buffer {
  const k = Buffer.allocUnsafe(9 + extra);
  k.writeBigUInt64BE(BigInt(group), 0);
  k[8] = tag;
  return k;
}

export function logKey(group: number, index: number): Buffer {
  const k = prefix(group, LOG, 8);
  k.writeBigUInt64BE(BigInt(index), 9);
  return k;
}

/** [start, end) covering every log key of `group`. */
export function logRange(group: number): { start: Buffer; end: Buffer } {
  return { start: logKey(group, 0), end: prefix(group, LOG + 1) };
}

/** The log index in a key made by `logKey`. */
export function logIndexOf(key: Uint8Array): number {
  return Number(Buffer.from(key.buffer, key.byteOffset, key.byteLength).readBigUInt64BE(9));
}

export function hardStateKey(group: number): Buffer {
  return prefix(group, HARD_STATE);
}

export function appliedKey(group: number): Buffer {
  return prefix(group, APPLIED);
}

export function kvKey(group: number, userKey: Uint8Array): Buffer {
  const k = prefix(group, KV, userKey.byteLength);
  k.set(userKey, 9);
  return k;
}

/** [start, end) covering every state machine key of `group`. */
export function kvRange(group: number): { start: Buffer; end: Buffer } {
  return { start: prefix(group, KV), end: prefix(group, KV + 1) };
}

export function sessionKey(group: number, client: number): Buffer {
  const k = prefix(group, SESSION, 8);
  k.writeBigUInt64BE(BigInt(client), 9);
  return k;
}

/** [start, end) covering every client session of `group`. */
export function sessionRange(group: number): { start: Buffer; end: Buffer } {
  return { start: prefix(group, SESSION), end: prefix(group, SESSION + 1) };
}

/**
 * [start, end) covering the applied state, the state machine and the sessions of `group`: what one
 * consistent scan reads to capture a snapshot image, and (from `start` of the state machine on) what
 * installing one replaces.
 */
export function machineRange(group: number): { start: Buffer; end: Buffer; kvStart: Buffer } {
  return { start: prefix(group, APPLIED), end: prefix(group, SESSION + 1), kvStart: prefix(group, KV) };
}

/** The key without its group: the tag byte and what follows (how a snapshot image names keys). */
export function groupSuffixOf(key: Uint8Array): Uint8Array {
  return key.subarray(8);
}

/** The key of `group` ending in `suffix` (from `groupSuffixOf`). */
export function withGroup(group: number, suffix: Uint8Array): Buffer {
  const k = Buffer.allocUnsafe(8 + suffix.byteLength);
  k.writeBigUInt64BE(BigInt(group), 0);
  k.set(suffix, 8);
  return k;
}

export function isSessionKey(key: Uint8Array): boolean {
  return key[8] === SESSION;
}

export function isAppliedKey(key: Uint8Array): boolean {
  return key.byteLength === 9 && key[8] === APPLIED;
}

export function clientOf(key: Uint8Array): number {
  return Number(Buffer.from(key.buffer, key.byteOffset, key.byteLength).readBigUInt64BE(9));
}

/** A client's session in the state machine: the latest sequence number applied and the index it applied at. */
export interface SessionRecord {
  readonly seq: number;
  readonly index: number;
}

export function encodeSession(r: SessionRecord): Buffer {
  return u64s(r.seq, r.index);
}

export function decodeSession(v: Uint8Array): SessionRecord {
  const [seq, index] = readU64s(v, 2);
  return { seq: seq!, index: index! };
}

export function userKeyOf(key: Uint8Array): Uint8Array {
  return key.subarray(9);
}

/** Log entries and HardState use the core's own encodings (raft/codec.ts). */
export { encodeEntry, decodeEntry, encodeHardState, decodeHardState } from '../raft/index.ts';

/** What the state engine knows of the log: applied up to `applied`; log truncated up to `truncIndex`. */
export interface AppliedState {
  readonly applied: number;
  readonly truncIndex: number;
  readonly truncTerm: number;
}

export const EMPTY_APPLIED: AppliedState = { applied: 0, truncIndex: 0, truncTerm: 0 };

export function encodeApplied(a: AppliedState): Buffer {
  return u64s(a.applied, a.truncIndex, a.truncTerm);
}

export function decodeApplied(v: Uint8Array): AppliedState {
  const [applied, truncIndex, truncTerm] = readU64s(v, 3);
  return { applied: applied!, truncIndex: truncIndex!, truncTerm: truncTerm! };
}

function u64s(...xs: number[]): Buffer {
  const b = Buffer.allocUnsafe(8 * xs.length);
  xs.forEach((x, i) => b.writeBigUInt64BE(BigInt(x), 8 * i));
  return b;
}

function readU64s(v: Uint8Array, n: number): number[] {
  const b = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return Array.from({ length: n }, (_, i) => Number(b.readBigUInt64BE(8 * i)));
}
