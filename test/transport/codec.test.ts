import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { message, type Entry, type Message } from '../../raft/index.ts';
import { assertSameMessage, bytes } from './fixture.ts';
import {
  CodecError,
  FRAME_HEADER_BYTES,
  FrameDecoder,
  MESSAGE_TYPES,
  decodeMessage,
  encodeFrame,
  encodeMessage,
  encodedLength,
} from '../../harness/transport/codec.ts';

function entry(index: number, size: number, type: Entry['type'] = 'normal'): Entry {
  return { term: 3, index, type, data: type === 'noop' ? new Uint8Array(0) : bytes(size, index) };
}

/** One message of every type, with the fields each type really uses, plus edge values. */
function samples(): Message[] {
  const base = { group: 7, to: 2, from: 1, term: 5 };
  return [
    message({ ...base, type: 'MsgApp', logTerm: 4, index: 10, commit: 9, entries: [entry(11, 0, 'noop'), entry(12, 1024), entry(13, 1)] }),
    message({ ...base, type: 'MsgApp', logTerm: 4, index: 10, commit: 9 }),
    message({ ...base, type: 'MsgAppResp', index: 13 }),
    message({ ...base, type: 'MsgAppResp', index: 10, reject: true, rejectHint: 8, logTerm: 2 }),
    message({ ...base, type: 'MsgVote', logTerm: 4, index: 13 }),
    message({ ...base, type: 'MsgVoteResp', reject: true }),
    message({ ...base, type: 'MsgPreVote', term: 6, logTerm: 4, index: 13 }),
    message({ ...base, type: 'MsgPreVoteResp', term: 6 }),
    message({ ...base, type: 'MsgHeartbeat', commit: 12, context: 'round-42' }),
    message({ ...base, type: 'MsgHeartbeatResp', context: 'round-42' }),
    message({ ...base, type: 'MsgHeartbeatResp', context: '' }),
    message({ ...base, type: 'MsgSnap', snapshot: { metadata: { index: 100, term: 4 }, data: bytes(4096, 9) } }),
    message({ ...base, type: 'MsgReadIndex', term: 0, context: 'read é ✓ 🚀' }),
    message({ ...base, type: 'MsgReadIndexResp', index: 99, context: 'read é ✓ 🚀' }),
    message({ ...base, type: 'MsgProp', term: 0, entries: [entry(0, 300)] }),
    // Edge values: the largest safe integers, group 0 and varint boundaries.
    message({
      type: 'MsgApp',
      group: Number.MAX_SAFE_INTEGER,
      to: 127,
      from: 128,
      term: 2 ** 32,
      logTerm: 2 ** 32 - 1,
      index: Number.MAX_SAFE_INTEGER,
      commit: 16383,
      rejectHint: 16384,
      entries: [{ term: Number.MAX_SAFE_INTEGER, index: 2 ** 40, type: 'normal', data: bytes(200, 1) }],
    }),
  ];
}

function roundTrip(m: Message): Message {
  const body = encodeMessage(m);
  assert.equal(body.byteLength, encodedLength(m));
  return decodeMessage(body);
}

describe('codec', () => {
  it('round-trips every message type, every field, exactly', () => {
    const all = samples();
    assert.deepEqual(new Set(all.map((m) => m.type)), new Set(MESSAGE_TYPES));
    for (const m of all) {
      const back = roundTrip(m);
      assertSameMessage(back, m);
      // Absent optional fields stay absent (not present-and-undefined).
      assert.equal('snapshot' in back, m.snapshot !== undefined);
      assert.equal('context' in back, m.context !== undefined);
    }
  });

  it('round-trips large entries and a 4 MiB snapshot, and the decoded bytes do not alias the input', () => {
    const big = message({
      type: 'MsgApp',
      to: 3,
      from: 1,
      term: 2,
      index: 1,
      entries: [entry(2, 3 * 1024 * 1024), entry(3, 5 * 1024 * 1024 + 7)],
    });
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

  it('frames: 4-byte big-endian length, then the body', () => {
    const m = samples()[0]!;
    const frame = encodeFrame(m);
    assert.equal(frame.readUInt32BE(0), frame.byteLength - FRAME_HEADER_BYTES);
    assert.ok(frame.subarray(FRAME_HEADER_BYTES).equals(encodeMessage(m)));
  });

  it('FrameDecoder reassembles frames split at every possible byte boundary and in one piece', () => {
    const msgs = samples();
    const stream = Buffer.concat(msgs.map(encodeFrame));
    const check = (bodies: Uint8Array[]) => {
      assert.equal(bodies.length, msgs.length);
      bodies.forEach((b, i) => assertSameMessage(decodeMessage(b), msgs[i]!));
    };
    check(new FrameDecoder().push(stream));
    for (const step of [1, 2, 3, 5, 7, 64, 1000]) {
      const d = new FrameDecoder();
      const bodies: Uint8Array[] = [];
      for (let i = 0; i < stream.byteLength; i += step) bodies.push(...d.push(stream.subarray(i, i + step)));
      check(bodies);
      assert.ok(d.idle);
    }
  });

  it('FrameDecoder assembles a 4 MiB frame from 64 KiB chunks', () => {
    const m = message({ type: 'MsgSnap', to: 2, from: 1, term: 1, snapshot: { metadata: { index: 5, term: 1 }, data: bytes(4 * 1024 * 1024, 3) } });
    const frame = encodeFrame(m);
    const d = new FrameDecoder();
    const bodies: Uint8Array[] = [];
    for (let i = 0; i < frame.byteLength; i += 65536) bodies.push(...d.push(frame.subarray(i, i + 65536)));
    assert.equal(bodies.length, 1);
    assertSameMessage(decodeMessage(bodies[0]!), m);
  });

  it('rejects malformed input with CodecError', () => {
    const good = encodeMessage(samples()[0]!);
    const bad = (b: Uint8Array) => assert.throws(() => decodeMessage(b), CodecError);
    bad(new Uint8Array(0));
    bad(good.subarray(0, good.byteLength - 1)); // truncated
    bad(Buffer.concat([good, Buffer.from([0])])); // trailing byte
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
    bad(Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0x7f])); // entryCount beyond the body
    assert.throws(() => new FrameDecoder(1024).push(Buffer.from([0, 0, 4, 1])), CodecError);
  });

  it('refuses to encode fields that are not safe non-negative integers', () => {
    for (const bad of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1, NaN]) {
      assert.throws(() => encodeMessage(message({ type: 'MsgApp', to: 2, from: 1, term: bad })), CodecError);
    }
    assert.throws(() => encodeMessage(message({ type: 'MsgNope' as never, to: 2, from: 1 })), CodecError);
  });
});
