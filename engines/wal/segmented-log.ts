/**
 * The segmented log: record-level semantics over `WalFs` and the frame format of `format.ts`.
 *
 * A log directory holds segments `<seq>-<index>.wal` (names sort in log order). Exactly one segment, the
 * newest, is active: records are appended at its end. When an append does not fit, the log rolls over:
 * it fdatasyncs the active segment, takes a preallocated spare file (zero filled to `segmentBytes` and
 * synced, prepared in the background as etcd's file pipeline does, from when the active segment is half
 * full; made on the spot if it is not ready), writes a CRC record (the chain value
 * so far) and a METADATA record at its start, syncs it, renames it to its segment name and syncs the
 * directory. Prefix truncation unlinks whole segments, oldest first.
 *
 * Durability: `append(..., { sync: true })` resolves after fdatasync of the active segment. Because a
 * rollover syncs the outgoing segment first, a synced append also makes every earlier append durable.
 * Unsynced appends sit in the page cache: they survive a process crash, not a power loss.
 *
 * Recovery (`open`): segments are replayed oldest first, checking the frame, the crc chain, the CRC
 * record at each segment start and the METADATA record. The first invalid record (a torn write, a bad
 * crc, a missing segment in the sequence) ends the log: the rest of that segment is zeroed, every later
 * segment is removed, and `recovery.cut` says where and why. Nonzero bytes after the last record of the
 * last segment (a torn append that never got its length word) are zeroed and reported the same way.
 *
 * Concurrency: one call at a time (the owner serializes); the spare is prepared concurrently.
 */
import path from 'node:path';
import {
  FRAME_HEADER_BYTES,
  RECORD_HEADER_BYTES,
  RecordType,
  decodeFrame,
  decodeMetadata,
  encodeFrames,
  encodeMetadata,
  frameBytes,
  parseSegmentName,
  segmentName,
  type DecodedRecord,
  type WalRecord,
} from './format.ts';
import { crc32c } from './crc32c.ts';
import type { WalFile, WalFs } from './fs.ts';
import { ZERO_FILL_CHUNK, ZEROS } from '../zero-fill.ts';

export const DEFAULT_SEGMENT_BYTES = 64 << 20;
/** Where the first record's data starts in the frames `append` returns. */
export const DATA_OFFSET = FRAME_HEADER_BYTES + RECORD_HEADER_BYTES;
const SPARE_NAME = 'next.wal.tmp';

export interface SegmentedLogOptions {
  readonly fs: WalFs;
  readonly dir: string;
  /** Preallocated size of each segment; a record larger than a whole segment grows its segment. */
  readonly segmentBytes?: number;
  /** Prepare the next segment's file in the background (default true). */
  readonly prepareAhead?: boolean;
  /** Opaque bytes repeated in every segment's METADATA record (etcd: node and cluster ids). */
  readonly userMetadata?: Uint8Array;
}

export interface SegmentInfo {
  readonly seq: number;
  /** Index of the first entry appended to the segment (its name's second half). */
  readonly firstIndex: number;
  readonly name: string;
  /** Bytes written so far (the end of its last record). */
  bytes: number;
}

/** Where replay stopped early and what it threw away. */
export interface RecoveryCut {
  readonly segment: string;
  readonly offset: number;
  readonly reason: string;
  /** Bytes after `offset` in that segment that were zeroed. */
  readonly discardedBytes: number;
  /** Later segments removed whole. */
  readonly removedSegments: readonly string[];
}

export interface RecoveryReport {
  readonly segments: number;
  readonly records: number;
  /** null when every segment replayed to its end cleanly. */
  readonly cut: RecoveryCut | null;
  /** Leftover temporary files removed (an interrupted segment creation). */
  readonly removedTempFiles: readonly string[];
}

export interface LogStats {
  fdatasyncs: number;
  /** Record bytes written (frames), not counting preallocation. */
  recordBytes: number;
  /** Zero bytes written to preallocate segments. */
  preallocatedBytes: number;
  segmentsCreated: number;
  segmentsRemoved: number;
}

/** Thrown by a replay callback to reject a record whose crc was fine but whose body is not; replay cuts there. */
export class BadRecordError extends Error {}

type Spare = { path: string; file: WalFile };

export class SegmentedLog {
  readonly #fs: WalFs;
  readonly #dir: string;
  readonly #segmentBytes: number;
  readonly #prepareAhead: boolean;
  readonly #user: Uint8Array;
  #segments: SegmentInfo[] = [];
  #active!: WalFile;
  #crc = 0;
  #dirty = false;
  #spare: Promise<Spare> | null = null;
  #failed: Error | null = null;
  #closed = false;
  #recovery!: RecoveryReport;
  readonly #stats: LogStats = { fdatasyncs: 0, recordBytes: 0, preallocatedBytes: 0, segmentsCreated: 0, segmentsRemoved: 0 };

  private constructor(opts: SegmentedLogOptions) {
    this.#fs = opts.fs;
    this.#dir = opts.dir;
    this.#segmentBytes = opts.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.#prepareAhead = opts.prepareAhead ?? true;
    this.#user = opts.userMetadata ?? new Uint8Array(0);
    if (!(this.#segmentBytes >= 4096)) throw new RangeError(`segmentBytes must be >= 4096, got ${this.#segmentBytes}`);
  }

  /**
   * Opens (creating when empty) the log in `opts.dir`, calling `onRecord` for every valid ENTRY, STATE and
   * SNAPSHOT record in log order with the seq of the segment holding it.
   */
  static async open(opts: SegmentedLogOptions, onRecord: (rec: DecodedRecord, seq: number) => void): Promise<SegmentedLog> {
    const log = new SegmentedLog(opts);
    await log.#recover(onRecord);
    // No spare yet: it is prepared once the active segment is half full (`#spareAhead`). Zero-filling a
    // second segment at open doubled the burst of writes the device digests right before the first
    // appends (128 MiB instead of 64 by default), and a benchmark replicate rarely fills one segment.
    // A running log still pays one zero-fill per segment, racing its writes, as it did before.
    return log;
  }

  get recovery(): RecoveryReport {
    return this.#recovery;
  }

  /** Segments oldest first; the last one is active. */
  get segments(): readonly SegmentInfo[] {
    return this.#segments;
  }

  get activeSeq(): number {
    return this.#segments[this.#segments.length - 1]!.seq;
  }

  get stats(): LogStats {
    return { ...this.#stats };
  }

  /**
   * Appends `records` (all into one segment, in one write) and returns that segment's seq and the frames
   * written (the first record's data starts at `DATA_OFFSET`; callers may keep views into them, nothing
   * else writes to them). `index` is the log index of the first record; a segment created by this append
   * is named with it.
   */
  async append(records: readonly WalRecord[], opts: { sync: boolean; index: number }): Promise<{ seq: number; frames: Buffer }> {
    this.#check();
    let active = this.#segments[this.#segments.length - 1]!;
    let size = 0;
    for (const r of records) size += frameBytes(r.data.byteLength);
    if (!this.#fits(active, size)) {
      await this.#guard(() => this.#rollover(opts.index));
      active = this.#segments[this.#segments.length - 1]!;
    }
    const { bytes, crc } = encodeFrames(records, this.#crc);
    const file = this.#active;
    // One step when nothing unsynced is outstanding: the durable write then covers all the log holds.
    const oneStep = opts.sync && !this.#dirty && file.writeDurable !== undefined;
    await this.#guard(() =>
      oneStep ? file.writeDurable!(bytes, active.bytes) : file.writeAppend ? file.writeAppend(bytes, active.bytes) : file.write(bytes, active.bytes),
    );
    this.#wrote(active, bytes, crc, oneStep);
    if (!oneStep && opts.sync) await this.#datasync();
    this.#spareAhead(active);
    return { seq: active.seq, frames: bytes };
  }

  /**
   * `append` in one synchronous step, when it can be one: the file offers synchronous calls (`WalFile.now`,
   * `io: 'inline'`) and the records fit in the active segment (a rollover is async). Returns null, having
   * done nothing, when it cannot; the caller then uses `append`. The same durability and failure rules.
   */
  appendNow(records: readonly WalRecord[], opts: { sync: boolean }): { seq: number; frames: Buffer } | null {
    this.#check();
    const now = this.#active.now;
    if (now === undefined) return null;
    const active = this.#segments[this.#segments.length - 1]!;
    let size = 0;
    for (const r of records) size += frameBytes(r.data.byteLength);
    if (!this.#fits(active, size)) return null;
    const { bytes, crc } = encodeFrames(records, this.#crc);
    const oneStep = opts.sync && !this.#dirty;
    this.#guardNow(() => (oneStep ? now.writeDurable(bytes, active.bytes) : now.writeAppend(bytes, active.bytes)));
    this.#wrote(active, bytes, crc, oneStep);
    if (!oneStep && opts.sync) {
      this.#guardNow(() => now.datasyncAppend());
      this.#synced();
    }
    this.#spareAhead(active);
    return { seq: active.seq, frames: bytes };
  }

  /** Whether `size` more bytes fit in `active` (a record larger than a whole segment gets a segment of its own). */
  #fits(active: SegmentInfo, size: number): boolean {
    return active.bytes + size <= this.#segmentBytes || active.bytes <= this.#headerBytes();
  }

  /** Books frames written at the end of `active`; `durable` when that write also synced them. */
  #wrote(active: SegmentInfo, bytes: Buffer, crc: number, durable: boolean): void {
    active.bytes += bytes.length;
    this.#crc = crc;
    this.#stats.recordBytes += bytes.length;
    if (durable) this.#stats.fdatasyncs++;
    else this.#dirty = true;
  }

  #synced(): void {
    this.#stats.fdatasyncs++;
    this.#dirty = false;
  }

  /** fdatasync of the active segment (every earlier segment was synced when it was closed). */
  async sync(): Promise<void> {
    this.#check();
    await this.#datasync();
  }

  /** An empty call through the path a synced append takes (no I/O), or null when the file system has none. */
  probe(): Promise<void> | null {
    return this.#active.probe?.() ?? null;
  }

  /** Whether appends since the last sync are still only in the page cache. */
  get dirty(): boolean {
    return this.#dirty;
  }

  /** Unlinks the oldest segment (never the active one) and syncs the directory. */
  async removeOldest(): Promise<SegmentInfo> {
    this.#check();
    if (this.#segments.length < 2) throw new Error('cannot remove the active segment');
    const oldest = this.#segments[0]!;
    await this.#guard(async () => {
      await this.#fs.remove(path.join(this.#dir, oldest.name));
      await this.#fs.syncDir(this.#dir);
    });
    this.#segments.shift();
    this.#stats.segmentsRemoved++;
    return oldest;
  }

  /** Closes files without syncing (unsynced appends stay in the page cache) and drops the spare. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const spare = this.#spare;
    this.#spare = null;
    if (spare) {
      const s = await spare.catch(() => null);
      if (s) {
        await s.file.close().catch(() => {});
        await this.#fs.remove(s.path).catch(() => {});
      }
    }
    await this.#active.close();
  }

  #headerBytes(): number {
    return frameBytes(0) + frameBytes(24 + this.#user.byteLength);
  }

  async #datasync(): Promise<void> {
    const f = this.#active;
    await this.#guard(() => (f.datasyncAppend ? f.datasyncAppend() : f.datasync()));
    this.#synced();
  }

  /** After a failed write or sync the page cache state is unknown (fsyncgate): refuse further use. */
  async #guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      this.#failed = err instanceof Error ? err : new Error(String(err));
      throw err;
    }
  }

  /** `#guard` for a synchronous call. */
  #guardNow<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      this.#failed = err instanceof Error ? err : new Error(String(err));
      throw err;
    }
  }

  #check(): void {
    if (this.#closed) throw new Error('wal is closed');
    if (this.#failed) throw new Error(`wal failed earlier and refuses writes: ${this.#failed.message}`);
  }

  #startSpare(): void {
    const p = this.#prepareSpare(false);
    p.catch(() => {}); // surfaced when awaited at rollover
    this.#spare = p;
  }

  /**
   * A zero-filled spare segment. `awaited`: the caller waits for it (open, or a rollover that found no
   * spare ready), so the writes run on the calling thread where the file allows (`io: 'inline'`): 64 MiB
   * in 16 KiB writes took 140 ms so against 315 ms through the pool (engines/zero-fill.ts). A spare made
   * ahead, while appends go on, is written through the pool and does not block them.
   */
  async #prepareSpare(awaited: boolean): Promise<Spare> {
    const p = path.join(this.#dir, SPARE_NAME);
    await this.#fs.remove(p);
    const file = await this.#fs.open(p, { create: true });
    // Small writes, not one large one: the folios they leave decide what every later record append and
    // fdatasync costs (engines/zero-fill.ts).
    const now = awaited ? file.now : undefined;
    for (let off = 0; off < this.#segmentBytes; off += ZERO_FILL_CHUNK) {
      const n = Math.min(ZERO_FILL_CHUNK, this.#segmentBytes - off);
      const zeros = n === ZERO_FILL_CHUNK ? ZEROS : ZEROS.subarray(0, n);
      if (now) now.writeAppend(zeros, off);
      else await file.write(zeros, off);
    }
    await file.datasync();
    this.#stats.fdatasyncs++;
    this.#stats.preallocatedBytes += this.#segmentBytes;
    return { path: p, file };
  }

  /** Starts segment `seq` holding entries from `index`; the previous active segment (if any) is synced first. */
  async #newSegment(seq: number, index: number): Promise<void> {
    if (this.#segments.length > 0 && this.#dirty) await this.#datasync();
    const pending = this.#spare ?? this.#prepareSpare(true);
    this.#spare = null;
    const spare = await pending;
    const { bytes, crc } = encodeFrames(
      [
        { type: RecordType.CRC, data: new Uint8Array(0) },
        { type: RecordType.METADATA, data: encodeMetadata({ seq, firstIndex: index, user: this.#user }) },
      ],
      this.#crc,
    );
    await spare.file.write(bytes, 0);
    await spare.file.datasync();
    this.#stats.fdatasyncs++;
    const name = segmentName(seq, index);
    await this.#fs.rename(spare.path, path.join(this.#dir, name));
    await this.#fs.syncDir(this.#dir);
    if (this.#segments.length > 0) await this.#active.close();
    this.#active = spare.file;
    this.#segments.push({ seq, firstIndex: index, name, bytes: bytes.length });
    this.#crc = crc;
    this.#dirty = false;
    this.#stats.recordBytes += bytes.length;
    this.#stats.segmentsCreated++;
  }

  /** Starts preparing the next segment's file once the active one is half full (see `open`). */
  #spareAhead(active: SegmentInfo): void {
    if (this.#prepareAhead && this.#spare === null && !this.#closed && active.bytes * 2 >= this.#segmentBytes) this.#startSpare();
  }

  async #rollover(index: number): Promise<void> {
    await this.#newSegment(this.activeSeq + 1, index);
  }

  async #recover(onRecord: (rec: DecodedRecord, seq: number) => void): Promise<void> {
    const fs = this.#fs;
    await fs.mkdirp(this.#dir);
    const names = await fs.list(this.#dir);
    const removedTempFiles: string[] = [];
    for (const n of names) {
      if (n.endsWith('.tmp')) {
        await fs.remove(path.join(this.#dir, n));
        removedTempFiles.push(n);
      }
    }
    if (removedTempFiles.length) await fs.syncDir(this.#dir);
    const found = names
      .map((name) => ({ name, parsed: parseSegmentName(name) }))
      .filter((s): s is { name: string; parsed: { seq: number; index: number } } => s.parsed !== null)
      .sort((a, b) => a.parsed.seq - b.parsed.seq);

    let records = 0;
    let cut: RecoveryCut | null = null;
    let crc = 0;
    for (let i = 0; i < found.length && !cut; i++) {
      const { name, parsed } = found[i]!;
      const isLast = i === found.length - 1;
      const buf = await fs.readFile(path.join(this.#dir, name));
      const prev = this.#segments[this.#segments.length - 1];
      let off = 0;
      let fail: string | null = prev && parsed.seq !== prev.seq + 1 ? `segment seq ${parsed.seq} follows ${prev.seq}` : null;
      let n = 0;
      while (!fail) {
        const fr = decodeFrame(buf, off);
        if (fr.kind === 'end') break;
        if (fr.kind === 'bad') {
          fail = fr.reason;
          break;
        }
        const rec = fr.record;
        if (n === 0 && rec.type !== RecordType.CRC) fail = `segment does not start with a crc record`;
        else if (n === 1 && rec.type !== RecordType.METADATA) fail = `segment has no metadata record`;
        else if (n > 1 && (rec.type === RecordType.CRC || rec.type === RecordType.METADATA)) fail = `unexpected record type ${rec.type} at ${off}`;
        else if (rec.type === RecordType.CRC) {
          if (this.#segments.length > 0 && rec.crc !== crc) fail = `crc chain broken at segment start: ${rec.crc} != ${crc}`;
        } else {
          const c = crc32c(crc, rec.data);
          if (c !== rec.crc) fail = `crc mismatch at ${off}`;
          else if (rec.type === RecordType.METADATA) {
            const m = decodeMetadata(rec.data);
            if (!m || m.seq !== parsed.seq || m.firstIndex !== parsed.index) fail = `metadata does not match the segment name`;
          }
        }
        if (fail) break;
        if (n > 1) {
          try {
            onRecord(rec, parsed.seq);
          } catch (err) {
            if (!(err instanceof BadRecordError)) throw err;
            fail = `${err.message} at ${off}`;
            break;
          }
          records++;
        }
        crc = rec.type === RecordType.CRC ? rec.crc : crc32c(crc, rec.data);
        off = fr.next;
        n++;
      }
      if (!fail && n < 2) fail = 'segment header missing';
      if (!fail && isLast) {
        const junk = lastNonZero(buf, off);
        if (junk > off) fail = `torn tail: ${junk - off} nonzero bytes after the last record at ${off}`;
      }
      if (fail) {
        const headerOk = n >= 2;
        const removed: string[] = [];
        for (let j = found.length - 1; j > i; j--) {
          await fs.remove(path.join(this.#dir, found[j]!.name));
          removed.unshift(found[j]!.name);
        }
        let discarded = 0;
        if (headerOk) {
          const end = lastNonZero(buf, off);
          discarded = end - off;
          if (discarded > 0) {
            const f = await fs.open(path.join(this.#dir, name), { create: false });
            // In small writes: appends continue here, and a large write's folios would slow each one.
            for (let at = off; at < end; at += ZERO_FILL_CHUNK) await f.write(ZEROS.subarray(0, Math.min(ZERO_FILL_CHUNK, end - at)), at);
            await f.datasync();
            await f.close();
          }
          this.#segments.push({ seq: parsed.seq, firstIndex: parsed.index, name, bytes: off });
        } else {
          await fs.remove(path.join(this.#dir, name));
          removed.unshift(name);
          discarded = buf.length;
        }
        await fs.syncDir(this.#dir);
        cut = { segment: name, offset: off, reason: fail, discardedBytes: discarded, removedSegments: removed };
        break;
      }
      this.#segments.push({ seq: parsed.seq, firstIndex: parsed.index, name, bytes: off });
    }
    this.#crc = crc;
    this.#recovery = { segments: this.#segments.length, records, cut, removedTempFiles };
    const last = this.#segments[this.#segments.length - 1];
    if (last) {
      this.#active = await fs.open(path.join(this.#dir, last.name), { create: false });
    } else {
      await this.#newSegment(0, 0);
    }
  }
}

/** Offset just past the last nonzero byte of `buf` at or after `from` (`from` when all zero). */
function lastNonZero(buf: Uint8Array, from: number): number {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  let end = b.length;
  const step = ZEROS.length;
  while (end > from) {
    const start = Math.max(from, end - step);
    if (b.compare(ZEROS, 0, end - start, start, end) !== 0) {
      for (let i = end - 1; i >= start; i--) if (b[i] !== 0) return i + 1;
    }
    end = start;
  }
  return from;
}
