import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkLinearizable, type Op } from './checker.ts';

const put = (key: string, value: string, call: number, ret: number): Op => ({ kind: 'put', key, value, call, ret });
const get = (key: string, value: string | null, call: number, ret: number): Op => ({ kind: 'get', key, value, call, ret });

describe('linearizability checker (register per key)', () => {
  it('accepts sequential and overlapping histories that have an order', () => {
    assert.ok(checkLinearizable([put('k', 'a', 1, 2), get('k', 'a', 3, 4), put('k', 'b', 5, 6), get('k', 'b', 7, 8)]).ok);
    // Reads overlapping a write may see either value, but not go back once the new one was seen.
    assert.ok(checkLinearizable([put('k', 'a', 1, 2), put('k', 'b', 3, 10), get('k', 'b', 4, 5), get('k', 'b', 6, 7)]).ok);
    assert.ok(checkLinearizable([put('k', 'a', 1, 2), put('k', 'b', 3, 10), get('k', 'a', 4, 5), get('k', 'b', 6, 7)]).ok);
    assert.ok(checkLinearizable([get('k', null, 1, 2), put('k', 'a', 3, 4)]).ok);
  });

  it('rejects a stale read, a read going back in time, and a value never written', () => {
    assert.equal(checkLinearizable([put('k', 'a', 1, 2), put('k', 'b', 3, 4), get('k', 'a', 5, 6)]).ok, false);
    assert.equal(checkLinearizable([put('k', 'a', 1, 2), put('k', 'b', 3, 10), get('k', 'b', 4, 5), get('k', 'a', 6, 7)]).ok, false);
    assert.equal(checkLinearizable([put('k', 'a', 1, 2), get('k', 'z', 3, 4)]).ok, false);
    assert.equal(checkLinearizable([put('k', 'a', 1, 2), get('k', null, 3, 4)]).ok, false);
  });

  it('a write with an unknown outcome may apply late or never, but only once', () => {
    // Unknown put of a: seen late, after b.
    assert.ok(checkLinearizable([put('k', 'a', 1, Infinity), put('k', 'b', 2, 3), get('k', 'b', 4, 5), get('k', 'a', 6, 7)]).ok);
    // Never seen at all.
    assert.ok(checkLinearizable([put('k', 'a', 1, Infinity), put('k', 'b', 2, 3), get('k', 'b', 4, 5)]).ok);
    // Seen before b and again after b: it applied twice (the retried-put bug of issue 14).
    assert.equal(
      checkLinearizable([put('k', 'a', 1, Infinity), get('k', 'a', 2, 3), put('k', 'b', 4, 5), get('k', 'b', 6, 7), get('k', 'a', 8, 9)]).ok,
      false,
    );
  });

  it('checks keys independently and names the bad one', () => {
    const r = checkLinearizable([put('x', '1', 1, 2), get('x', '1', 3, 4), put('y', '1', 1, 2), put('y', '2', 3, 4), get('y', '1', 5, 6)]);
    assert.equal(r.ok, false);
    assert.deepEqual(r.badKeys, ['y']);
    assert.equal(r.detail?.key, 'y');
  });

  it('handles a long history of a few concurrent clients quickly (memoization)', () => {
    // 4 clients, 600 ops: each writes its own values and reads, overlapping its neighbours.
    const ops: Op[] = [];
    let last = 'v0';
    for (let i = 0; i < 600; i++) {
      const call = i * 10;
      const ret = call + 25; // overlaps the two ops before and the two after
      if (i % 3 === 2) ops.push(get('k', last, call, ret));
      else ops.push(put('k', (last = `v${i}`), call, ret));
    }
    const t0 = performance.now();
    assert.ok(checkLinearizable(ops).ok);
    ops.push(get('k', 'v0', 1_000_000, 1_000_001));
    assert.equal(checkLinearizable(ops).ok, false);
    assert.ok(performance.now() - t0 < 5000, 'took too long');
  });
});
