/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum etcd's WAL uses. Node 20's zlib has
 * crc32 (IEEE) only, so this is a slicing-by-8 table implementation: eight 256-entry tables, 8 bytes per
 * step, about 1 GB/s in V8.
 *
 * `crc32c(prev, data)` continues a running checksum the way Go's `crc32.Update(prev, table, data)` does,
 * so `crc32c(crc32c(0, a), b) === crc32c(0, a ++ b)`. The WAL chains records this way.
 */

const POLY = 0x82f63b78;

const TABLES: Uint32Array[] = (() => {
  const t: Uint32Array[] = Array.from({ length: 8 }, () => new Uint32Array(256));
  const t0 = t[0]!;
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t0[i] = c >>> 0;
  }
  for (let i = 0; i < 256; i++) {
    let c = t0[i]!;
    for (let s = 1; s < 8; s++) {
      c = (c >>> 8) ^ t0[c & 0xff]!;
      t[s]![i] = c >>> 0;
    }
  }
  return t;
})();

const [T0, T1, T2, T3, T4, T5, T6, T7] = TABLES as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];

/** The CRC-32C of `data` continued from the checksum `prev` (0 to start). Returns an unsigned 32-bit value. */
export function crc32c(prev: number, data: Uint8Array): number {
  let c = ~prev >>> 0;
  let i = 0;
  const n = data.length;
  const end8 = n - (n & 7);
  while (i < end8) {
    const lo = (c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24))) >>> 0;
    c =
      T7[lo & 0xff]! ^
      T6[(lo >>> 8) & 0xff]! ^
      T5[(lo >>> 16) & 0xff]! ^
      T4[lo >>> 24]! ^
      T3[data[i + 4]!]! ^
      T2[data[i + 5]!]! ^
      T1[data[i + 6]!]! ^
      T0[data[i + 7]!]!;
    i += 8;
  }
  while (i < n) c = (c >>> 8) ^ T0[(c ^ data[i++]!) & 0xff]!;
  return ~c >>> 0;
}
