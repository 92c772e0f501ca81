import { CodecError, MESSAGE_VERSION, encodeMessage, type Message } from '../../raft/index.ts';

/**
 * Stream framing for raft messages. The body is raft's message codec (`raft/codec.ts`, which has its
 * byte diagram); this file only cuts a byte stream into bodies.
 *
 *     +----------------------+------------------+
 *     | length: u32 BE (4 B) | body (length B)  |
 *     +----------------------+------------------+
 */

/** The body version the TCP hello announces: peers that differ could not decode each other's frames. */
export const CODEC_VERSION = MESSAGE_VERSION;
/** Bytes of the frame header (the body length). */
export const FRAME_HEADER_BYTES = 4;
/** Largest body a frame may announce unless told otherwise (a guard against garbage, not a design limit). */
export const DEFAULT_MAX_FRAME_BYTES = 512 * 1024 * 1024;
const MAX_U32 = 0xffffffff;

/** A frame: the 4-byte big-endian body length, then the body, in one buffer (one socket write). */
export function encodeFrame(m: Message): Buffer {
  const b = encodeMessage(m, FRAME_HEADER_BYTES);
  const frame = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const len = frame.byteLength - FRAME_HEADER_BYTES;
  if (len > MAX_U32) throw new CodecError(`message of ${len} bytes does not fit in a frame`);
  frame.writeUInt32BE(len, 0);
  return frame;
}

/**
 * Splits a byte stream into frame bodies. Feed it chunks in arrival order; it returns every body that
 * became complete. A body that arrives in one chunk is returned as a view into that chunk (decode it
 * before the chunk is reused); a body spread over chunks is assembled once into its own buffer, so a
 * large snapshot costs one copy, not one per chunk.
 */
export class FrameDecoder {
  readonly #maxFrameBytes: number;
  readonly #header = new Uint8Array(FRAME_HEADER_BYTES);
  #headerFilled = 0;
  #body: Uint8Array | undefined;
  #bodyFilled = 0;

  constructor(maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {
    this.#maxFrameBytes = maxFrameBytes;
  }

  /** True when no partial frame is buffered. */
  get idle(): boolean {
    return this.#headerFilled === 0 && this.#body === undefined;
  }

  /** Throws CodecError when a frame announces more than the limit; the stream is unusable after that. */
  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let pos = 0;
    while (pos < chunk.byteLength) {
      if (this.#body === undefined) {
        let len: number;
        if (this.#headerFilled === 0 && chunk.byteLength - pos >= FRAME_HEADER_BYTES) {
          len = readU32BE(chunk, pos);
          pos += FRAME_HEADER_BYTES;
        } else {
          const n = Math.min(FRAME_HEADER_BYTES - this.#headerFilled, chunk.byteLength - pos);
          this.#header.set(chunk.subarray(pos, pos + n), this.#headerFilled);
          this.#headerFilled += n;
          pos += n;
          if (this.#headerFilled < FRAME_HEADER_BYTES) break;
          this.#headerFilled = 0;
          len = readU32BE(this.#header, 0);
        }
        if (len > this.#maxFrameBytes) throw new CodecError(`frame of ${len} bytes exceeds the limit of ${this.#maxFrameBytes}`);
        if (chunk.byteLength - pos >= len) {
          out.push(chunk.subarray(pos, pos + len));
          pos += len;
          continue;
        }
        this.#body = new Uint8Array(len);
        this.#bodyFilled = 0;
      }
      const body = this.#body;
      const n = Math.min(body.byteLength - this.#bodyFilled, chunk.byteLength - pos);
      body.set(chunk.subarray(pos, pos + n), this.#bodyFilled);
      this.#bodyFilled += n;
      pos += n;
      if (this.#bodyFilled === body.byteLength) {
        out.push(body);
        this.#body = undefined;
      }
    }
    return out;
  }
}

function readU32BE(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;
}
