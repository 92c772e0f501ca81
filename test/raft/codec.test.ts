import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ErrCorrupt,
  decodeEntry,
  decodeHardState,
  decodeMessage,
  encodeEntry,
  encodeHardState,
  encodeMessage,
  MemoryStorage,
  message,
  type Message,
} from '../../raft/index.ts';
import { Cluster, enc } from './fixture.ts';

describe('codec', () => {
  it('round-trips every message a cluster sends', () => {
    const c = new Cluster(3);
    c.elect(1);
    c.propose(1, 'a');
    c.get(2).node.readIndex('ctx-ü');
    c.stabilize();
    c.isolate(3);
    for (let k = 0; k < 5; k++) c.propose(1, `v${k}`);
    c.stabilize();
    c.compact(1);
    c.heal();
    c.tickAll(3);
    const types = new Set(c.sent.map((m) => m.type));
    for (const t of ['MsgApp', 'MsgAppResp', 'MsgPreVote', 'MsgVote', 'MsgHeartbeat', 'MsgSnap', 'MsgReadIndex', 'MsgReadIndexResp'])
      assert.ok(types.has(t as Message['type']), t);
    for (const m of c.sent) assert.deepEqual(decodeMessage(encodeMessage(m)), m);
  });

  it('encodes large numbers and rejects garbage', () => {
    const m = message({ type: 'MsgAppResp', to: 2, from: 1, group: 2 ** 40, term: 2 ** 53 - 1, reject: true, rejectHint: 7 });
    assert.deepEqual(decodeMessage(encodeMessage(m)), m);
    const buf = encodeMessage(m);
    assert.throws(() => decodeMessage(buf.subarray(0, buf.length - 1)), (e) => e === ErrCorrupt);
    assert.throws(() => decodeMessage(new Uint8Array([9])), (e) => e === ErrCorrupt);
    const e = { term: 3, index: 1000, type: 'normal' as const, data: enc('x') };
    assert.deepEqual(decodeEntry(encodeEntry(e)), e);
    assert.deepEqual(decodeHardState(encodeHardState({ term: 5, vote: 2, commit: 99 })), { term: 5, vote: 2, commit: 99 });
  });

  it('MemoryStorage.from rebuilds the cache from persisted parts', () => {
    const s = MemoryStorage.from({
      snapshot: { metadata: { index: 10, term: 2 }, data: enc('sm') },
      entries: [11, 12].map((index) => ({ index, term: 3, type: 'normal' as const, data: enc(`${index}`) })),
      hardState: { term: 3, vote: 1, commit: 12 },
    });
    assert.equal(s.firstIndex(), 11);
    assert.equal(s.lastIndex(), 12);
    assert.equal(s.term(10), 2);
    assert.deepEqual(s.initialState().hardState, { term: 3, vote: 1, commit: 12 });
  });
});
