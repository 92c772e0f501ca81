import assert from 'node:assert/strict';
import type { Message } from '../../raft/index.ts';

/** Deterministic pseudo-random bytes (xorshift32), so payload mix-ups cannot compare equal. */
export function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

/** deepEqual without printing megabytes on failure: payloads are compared by content first. */
export function assertSameMessage(actual: Message, expected: Message, label: string = expected.type): void {
  const payloads = (m: Message) => [...m.entries.map((e) => e.data), ...(m.snapshot ? [m.snapshot.data] : [])];
  const a = payloads(actual);
  const e = payloads(expected);
  assert.equal(a.length, e.length, label);
  for (let i = 0; i < a.length; i++) {
    assert.ok(Buffer.from(a[i]!.buffer, a[i]!.byteOffset, a[i]!.byteLength).equals(e[i]!), `${label}: payload ${i} differs`);
    assert.equal(Object.getPrototypeOf(a[i]), Uint8Array.prototype, `${label}: payload ${i} is a plain Uint8Array`);
  }
  const strip = (m: Message) => ({
    ...m,
    entries: m.entries.map((x) => ({ ...x, data: x.data.byteLength })),
    ...(m.snapshot ? { snapshot: { ...m.snapshot, data: m.snapshot.data.byteLength } } : {}),
  });
  assert.deepEqual(strip(actual), strip(expected), label);
}
