import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CodecError, decodeMessage, encodeMessage, message } from '../../raft/index.ts';
import { FRAME_HEADER_BYTES, FrameDecoder, encodeFrame } from '../../node/transport/codec.ts';
import { assertSameMessage, bytes, sampleMessages } from './fixture.ts';

// The message body codec is tested in test/raft/codec.test.ts; this is the stream framing around it.
describe('framing', () => {
  it('frames: 4-byte big-endian length, then the body', () => {
    for (const m of sampleMessages()) {
      const frame = encodeFrame(m);
      assert.equal(frame.readUInt32BE(0), frame.byteLength - FRAME_HEADER_BYTES);
      assert.ok(frame.subarray(FRAME_HEADER_BYTES).equals(encodeMessage(m)));
    }
  });

  it('FrameDecoder reassembles frames split at every possible byte boundary and in one piece', () => {
    const msgs = sampleMessages();
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

  it('FrameDecoder refuses a frame over its limit; encodeFrame refuses what the codec refuses', () => {
    assert.throws(() => new FrameDecoder(1024).push(Buffer.from([0, 0, 4, 1])), CodecError);
    assert.throws(() => encodeFrame(message({ type: 'MsgApp', to: 2, from: 1, term: -1 })), CodecError);
  });
});
