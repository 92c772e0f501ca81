/**
 * A client command in a raft entry: a blind put of one key.
 *
 *   <keyLen:4 BE> <key> <value>
 */
export function encodePut(key: Uint8Array, value: Uint8Array): Buffer {
  const b = Buffer.allocUnsafe(4 + key.byteLength + value.byteLength);
  b.writeUInt32BE(key.byteLength, 0);
  b.set(key, 4);
  b.set(value, 4 + key.byteLength);
  return b;
}

export function decodePut(data: Uint8Array): { key: Uint8Array; value: Uint8Array } {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const n = b.readUInt32BE(0);
  return { key: b.subarray(4, 4 + n), value: b.subarray(4 + n) };
}
