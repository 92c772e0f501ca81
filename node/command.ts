/**
 * The client session of a write (Raft paper §6.3): a client id unique among clients, and a sequence
 * number that grows with each new request of that client. Every attempt (retry) of one request carries
 * the same pair, so the state machine applies it at most once. Client id 0 means no session: a blind put,
 * applied every time it commits (benchmarks whose clients never retry).
 *
 * A client keeps at most one request outstanding: the state machine remembers only the latest sequence
 * number applied per client, and skips any lower one.
 */
export interface Session {
  /** In [1, 2^53). */
  readonly client: number;
  /** In [1, 2^53). */
  readonly seq: number;
}

/**
 * A client command in a raft entry: a put of one key, under a session.
 *
 *   <client:8 BE> <seq:8 BE> <keyLen:4 BE> <key> <value>
 */
export interface PutCommand {
  readonly client: number;
  readonly seq: number;
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

const HEADER = 20;

export function encodePut(key: Uint8Array, value: Uint8Array, session?: Session): Buffer {
  const b = Buffer.allocUnsafe(HEADER + key.byteLength + value.byteLength);
  b.writeBigUInt64BE(BigInt(session?.client ?? 0), 0);
  b.writeBigUInt64BE(BigInt(session?.seq ?? 0), 8);
  b.writeUInt32BE(key.byteLength, 16);
  b.set(key, HEADER);
  b.set(value, HEADER + key.byteLength);
  return b;
}

export function decodePut(data: Uint8Array): PutCommand {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const n = b.readUInt32BE(16);
  return {
    client: Number(b.readBigUInt64BE(0)),
    seq: Number(b.readBigUInt64BE(8)),
    key: b.subarray(HEADER, HEADER + n),
    value: b.subarray(HEADER + n),
  };
}
