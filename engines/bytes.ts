/** Byte-string helpers shared by the adapters: memcmp order and Buffer views without copies. */

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/** A Buffer over the same memory (no copy) for bindings that want Buffers. */
export function asBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/** A copy the caller owns. */
export function copyBytes(u: Uint8Array): Uint8Array {
  return Uint8Array.prototype.slice.call(u);
}

/** Whether `key` lies within [gte, lt). */
export function inRange(key: Uint8Array, gte: Uint8Array | undefined, lt: Uint8Array | undefined): boolean {
  if (gte && compareBytes(key, gte) < 0) return false;
  if (lt && compareBytes(key, lt) >= 0) return false;
  return true;
}
