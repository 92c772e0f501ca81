import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CodecError,
  MESSAGE_TYPES,
  MemoryStorage,
  RaftError,
  decodeEntry,
  decodeHardState,
  decodeMessage,
  decodeSnapshot,
  encodeEntry,
  encodeHardState,
  encodeMessage,
  encodeSnapshot,
  encodedLength,
  message,
  type Entry,
  type Message,
} from '../../raft/index.ts';
import { Cluster, assertSameMessage, bytes, enc, sampleMessages } from './fixture.ts';

function roundTrip(m: Message): Message {
  const body = encodeMessage(m);
  assert.equal(body.byteLength, encodedLength(m));
  return decodeMessage(body);
}

const isCodecError = (e: unknown) => e instanceof CodecError && e instanceof RaftError && e.code === 'codec';

describe('codec: messages', () => {
  it('round-trips every message type, every field, exactly', () => {
    const all = sampleMessages();
    assert.deepEqual(new Set(all.map((m) => m.type)), new Set(MESSAGE_TYPES));
    for (const m of all) {
      const back = roundTrip(m);
      assertSameMessage(back, m);
      // Absent optional fields stay absent (not present-and-undefined).
      assert.equal('snapshot' in back, m.snapshot !== undefined);
      assert.equal('context' in back, m.context !== undefined);
    }
  });

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
    for (const m of c.sent) assert.deepEqual(roundTrip(m), m);
  });

  it('round-trips large entries and a 4 MiB snapshot, and the decoded bytes do not alias the input', () => {
    const entry = (index: number, size: number): Entry => ({ term: 3, index, type: 'normal', data: bytes(size, index) });
    const big = message({ type: 'MsgApp', to: 3, from: 1, term: 2, index: 1, entries: [entry(2, 3 * 1024 * 1024), entry(3, 5 * 1024 * 1024 + 7)] });
    const snap = message({ type: 'MsgSnap', to: 3, from: 1, term: 2, snapshot: { metadata: { index: 1 << 20, term: 2 }, data: bytes(4 * 1024 * 1024, 5) } });
    for (const m of [big, snap]) {
      const body = encodeMessage(m);
      const back = decodeMessage(body);
      assertSameMessage(back, m);
      body.fill(0);
      assertSameMessage(back, m, 'decoded data must be a copy');
    }
  });

  it('is compact: a heartbeat is a handful of bytes', () => {
    const hb = message({ type: 'MsgHeartbeat', group: 1, to: 2, from: 1, term: 3, commit: 1000 });
    assert.ok(encodedLength(hb) <= 16, `heartbeat is ${encodedLength(hb)} bytes`);
  });

  it('leaves headroom before the body for a caller\'s header', () => {
    const m = sampleMessages()[0]!;
    const withRoom = encodeMessage(m, 4);
    assert.deepEqual([...withRoom.subarray(0, 4)], [0, 0, 0, 0]);
    assert.deepEqual(withRoom.subarray(4), encodeMessage(m));
  });

  it('counts context bytes as UTF-8, lone surrogates included', () => {
    for (const context of ['', 'ascii', 'é', '✓', '🚀', '\ud800', 'a\udc00b', '\ud83d\ude80\ud83d']) {
      const m = message({ type: 'MsgHeartbeat', to: 2, from: 1, context });
      assert.equal(roundTrip(m).context, new TextDecoder().decode(new TextEncoder().encode(context)), JSON.stringify(context));
    }
  });

  it('rejects malformed input with CodecError', () => {
    const good = encodeMessage(sampleMessages()[0]!);
    const bad = (b: Uint8Array) => assert.throws(() => decodeMessage(b), isCodecError);
    bad(new Uint8Array(0));
    bad(good.subarray(0, good.byteLength - 1)); // truncated
    bad(Buffer.concat([good, Buffer.from([0])])); // trailing byte
    bad(new Uint8Array([9])); // version
    const v = Uint8Array.from(good);
    v[0] = 2;
    bad(v); // version
    const t = Uint8Array.from(good);
    t[1] = MESSAGE_TYPES.length;
    bad(t); // type
    const f = Uint8Array.from(good);
    f[2] = 0x80;
    bad(f); // flags
    bad(Uint8Array.from([1, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])); // varint too long
    bad(Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0x7f])); // entryCount beyond the body
    bad(Uint8Array.from([1, 6, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff])); // context not UTF-8
  });

  it('refuses to encode fields that are not safe non-negative integers, or unknown types', () => {
    for (const bad of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1, NaN]) {
      assert.throws(() => encodeMessage(message({ type: 'MsgApp', to: 2, from: 1, term: bad })), isCodecError);
    }
    assert.throws(() => encodeMessage(message({ type: 'MsgNope' as never, to: 2, from: 1 })), isCodecError);
  });

  it('encodes large numbers', () => {
    const m = message({ type: 'MsgAppResp', to: 2, from: 1, group: 2 ** 40, term: 2 ** 53 - 1, reject: true, rejectHint: 7 });
    assert.deepEqual(roundTrip(m), m);
  });
});

describe('codec: storage encodings', () => {
  it('round-trips entries (index included), HardState and snapshots', () => {
    for (const e of [
      { term: 3, index: 1000, type: 'normal' as const, data: enc('x') },
      { term: 1, index: 1, type: 'noop' as const, data: new Uint8Array(0) },
      { term: Number.MAX_SAFE_INTEGER, index: Number.MAX_SAFE_INTEGER, type: 'normal' as const, data: bytes(300, 7) },
    ]) {
      assert.deepEqual(decodeEntry(encodeEntry(e)), e);
    }
    assert.deepEqual(decodeHardState(encodeHardState({ term: 5, vote: 2, commit: 99 })), { term: 5, vote: 2, commit: 99 });
    assert.deepEqual(decodeHardState(encodeHardState({ term: 0, vote: 0, commit: 0 })), { term: 0, vote: 0, commit: 0 });
    const s = { metadata: { index: 10, term: 2 }, data: bytes(1000, 3) };
    assert.deepEqual(decodeSnapshot(encodeSnapshot(s)), s);
  });

  it('an entry is encoded as it is inside a MsgApp', () => {
    const e: Entry = { term: 4, index: 11, type: 'normal', data: enc('abc') };
    const body = encodeMessage(message({ type: 'MsgApp', to: 2, from: 1, entries: [e] }));
    const alone = encodeEntry(e);
    assert.deepEqual(body.subarray(body.byteLength - alone.byteLength), alone);
  });

  it('decoded entry data is a copy of the stored bytes', () => {
    const stored = encodeEntry({ term: 1, index: 2, type: 'normal', data: enc('abc') });
    const e = decodeEntry(stored);
    stored.fill(0);
    assert.deepEqual(e.data, enc('abc'));
  });

  it('rejects malformed stored values and unencodable ones with CodecError', () => {
    const entry = encodeEntry({ term: 1, index: 2, type: 'normal', data: enc('abc') });
    assert.throws(() => decodeEntry(entry.subarray(0, entry.byteLength - 1)), isCodecError);
    assert.throws(() => decodeEntry(Uint8Array.from([...entry, 0])), isCodecError);
    assert.throws(() => decodeEntry(Uint8Array.from([1, 2, 9, 0])), isCodecError); // entry type
    assert.throws(() => decodeHardState(Uint8Array.from([1, 2])), isCodecError);
    assert.throws(() => decodeSnapshot(Uint8Array.from([1, 2, 5, 0])), isCodecError);
    assert.throws(() => encodeHardState({ term: -1, vote: 0, commit: 0 }), isCodecError);
    assert.throws(() => encodeEntry({ term: 1, index: 1, type: 'bogus' as never, data: new Uint8Array(0) }), isCodecError);
  });
});

describe('MemoryStorage', () => {
  it('from rebuilds the cache from persisted parts', () => {
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
