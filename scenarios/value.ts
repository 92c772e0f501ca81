import { randomFillSync } from 'node:crypto';

/** An incompressible value of `size` bytes (compression is off, but this keeps results honest if it is on). */
export function randomValue(size: number): Buffer {
  return randomFillSync(Buffer.allocUnsafe(size));
}

/** `prefix` followed by `n` as 8 bytes big-endian: unique keys that sort in write order. */
export function seqKey(prefix: Buffer, n: number): Buffer {
  const k = Buffer.allocUnsafe(prefix.length + 8);
  prefix.copy(k, 0);
  k.writeBigUInt64BE(BigInt(n), prefix.length);
  return k;
}
