import { countBatch, emptyCounters, type BatchOp, type Engine, type EngineCounters, type ScanRange, type WriteOptions } from '../engine.ts';
import { copyBytes } from '../bytes.ts';
import { RecordType, decodeBatch, decodeSnapshot, encodeBatch, encodeSnapshot, type DecodedRecord, type StoredOp } from './format.ts';
import { NodeFs, type WalFs, type WalIo } from './fs.ts';
import { BadRecordError, DATA_OFFSET, DEFAULT_SEGMENT_BYTES, SegmentedLog, type LogStats, type RecoveryReport } from './segmented-log.ts';
import { SortedIndex } from '../sorted-index.ts';
import { validateOp } from '../validate-op.ts';

export interface WalEngineOptions {
  /** The file system (default: the real one). Tests pass `FaultFs`. */
  readonly fs?: WalFs;
  /** How the real file system makes a synced append durable (default `pool`); ignored with `fs`. */
  readonly io?: WalIo;
  /** Preallocated segment size (default 64 MiB, as etcd). */
  readonly segmentBytes?: number;
  /** Prepare the next segment in the background (default true). */
  readonly prepareAhead?: boolean;
  /**
   * The oldest segment is rewritten (its live keys carried forward into the active segment, then the
   * segment unlinked) once its live bytes are at most this fraction of its size. Default 0.25, which bounds
   * the bytes carried forward to a third of the bytes written.
   */
  readonly carryForwardBelow?: number;
}

interface Slot {
  readonly value: Uint8Array;
  /** Seq of the segment holding the record this value came from. */
  seq: number;
}

interface Live {
  count: number;
  bytes: number;
}

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * An `Engine` whose only durable store is a segmented write-ahead log in etcd's format (`format.ts`,
 * `segmented-log.ts`), with every live key held in an in-memory sorted index rebuilt by replay on open.
 * It is the raft engine of the `wal` layouts: the replica's raft log entries and HardState, under
 * arbitrary byte keys.
 *
 * Each `write` is one ENTRY record (all its puts, dels and range deletes), so a batch is atomic across a
 * crash: replay applies a record whole or, when its frame is torn or its crc bad, not at all.
 *
 * Durability: `write(ops, { sync: true })` resolves after fdatasync of the active segment; since every
 * closed segment was fdatasync'ed when it was closed, that batch and every batch accepted before it are
 * durable. `sync()` is one fdatasync. An unsynced batch is in the page cache when its promise resolves:
 * it survives a process crash but not a power loss, until a later synced batch or `sync()`.
 *
 * Truncation: each segment tracks how many live values it holds. When the oldest segment holds none (the
 * raft log prefix was deleted and HardState rewritten since), it is unlinked whole, with no copying: etcd's
 * prefix truncation. When it still holds a few (keys written once and never again), those are carried
 * forward in one synced STATE record and the segment is unlinked. The active segment is synced before any
 * unlink, so an unsynced delete can never be half-persisted by the unlink. Segments are unlinked oldest
 * first with a directory sync after each, so the files on disk are always a suffix of the log, and any
 * suffix that starts at or before the oldest live value replays to the same state.
 *
 * Recovery: `recovery` reports what replay found; a torn or corrupt tail was cut back to the last valid
 * record (see `SegmentedLog`).
 *
 * Concurrency: writes, `sync` and `close` queue behind each other; reads never wait (they see every
 * write whose promise resolved).
 */
export class WalEngine implements Engine {
  readonly kind = 'wal';
  #log!: SegmentedLog;
  readonly #index = new SortedIndex<Slot>();
  readonly #live = new Map<number, Live>();
  #nextIndex = 0;
  #counters: EngineCounters = emptyCounters();
  #tail: Promise<unknown> = Promise.resolve();
  /** Calls queued on `#tail` and not yet settled; a write runs synchronously only when this is 0. */
  #queued = 0;
  #closed = false;
  readonly #carryBelow: number;
  #carriedBytes = 0;
  #internalSyncs = 0;
  readonly #settings: Record<string, string | number | boolean>;
  /** Key + value bytes the in-memory index holds now, and at most since open. */
  #indexBytes = 0;
  #peakIndexBytes = 0;

  private constructor(readonly dir: string, opts: WalEngineOptions) {
    this.#carryBelow = opts.carryForwardBelow ?? 0.25;
    this.#settings = {
      segmentBytes: opts.segmentBytes ?? DEFAULT_SEGMENT_BYTES,
      prepareAhead: opts.prepareAhead ?? true,
      carryForwardBelow: this.#carryBelow,
    };
  }

  /**
   * Segment settings, and the memory of the in-memory index of live keys (key + value bytes, now and at
   * most since open): the WAL's counterpart of a memtable, counted against the layout's memory budget.
   */
  settings(): Record<string, string | number | boolean> {
    return { ...this.#settings, indexBytes: this.#indexBytes, peakIndexBytes: this.#peakIndexBytes };
  }

  static async open(dir: string, opts: WalEngineOptions = {}): Promise<WalEngine> {
    const e = new WalEngine(dir, opts);
    let firstLiveSeq = 0;
    e.#log = await SegmentedLog.open(
      { fs: opts.fs ?? new NodeFs(opts.io), dir, segmentBytes: opts.segmentBytes, prepareAhead: opts.prepareAhead },
      (rec, seq) => {
        const m = e.#replay(rec, seq);
        if (m !== null) firstLiveSeq = Math.max(firstLiveSeq, m);
      },
    );
    // Finish an unlink interrupted by a crash (harmless to keep, but it is garbage).
    while (e.#log.segments.length > 1 && e.#log.segments[0]!.seq < firstLiveSeq && (e.#live.get(e.#log.segments[0]!.seq)?.count ?? 0) === 0) {
      e.#live.delete((await e.#log.removeOldest()).seq);
    }
    return e;
  }

  /** What replay found on open: segments, records, and a cut tail if there was one. */
  get recovery(): RecoveryReport {
    return this.#log.recovery;
  }

  /** Segment names oldest first (the last is active). */
  segmentNames(): string[] {
    return this.#log.segments.map((s) => s.name);
  }

  /**
   * With nothing queued and an inline file system, the append and the index update run synchronously in
   * this call (`SegmentedLog.appendNow`): the op's own work then runs as one piece of code right before and
   * after the device's flush, not as a chain of promise hops each running cold after the fdatasync
   * (bench/probe-wal-split.ts). A rollover, or truncation work, takes the queued path.
   */
  write(ops: readonly BatchOp[], opts: WriteOptions): Promise<void> {
    try {
      for (const op of ops) validateOp(op);
      if (this.#queued === 0 && !this.#closed && this.#writeNow(ops, opts)) {
        return this.#truncateDue() ? this.#serial(() => this.#truncate()) : RESOLVED;
      }
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#serial(async () => {
      this.#check();
      const index = this.#nextIndex;
      const data = encodeBatch(index, ops);
      const { seq, frames } = await this.#log.append([{ type: RecordType.ENTRY, data }], { sync: opts.sync, index });
      this.#written(ops, opts, index, seq, frames, data.byteLength);
      await this.#truncate();
    });
  }

  /** The synchronous write, or false (nothing done) when the log cannot append synchronously. */
  #writeNow(ops: readonly BatchOp[], opts: WriteOptions): boolean {
    const index = this.#nextIndex;
    const data = encodeBatch(index, ops);
    const r = this.#log.appendNow([{ type: RecordType.ENTRY, data }], { sync: opts.sync });
    if (r === null) return false;
    this.#written(ops, opts, index, r.seq, r.frames, data.byteLength);
    return true;
  }

  /**
   * Books an appended ENTRY. The index keeps views into the record just written (its own memory), not
   * copies of the caller's buffers: one allocation per write instead of one per key and value.
   */
  #written(ops: readonly BatchOp[], opts: WriteOptions, index: number, seq: number, frames: Buffer, dataBytes: number): void {
    this.#nextIndex = index + 1;
    const stored = decodeBatch(frames.subarray(DATA_OFFSET, DATA_OFFSET + dataBytes))!;
    for (const op of stored.ops) this.#apply(op, seq, false);
    countBatch(this.#counters, ops, opts.sync);
  }

  /** An empty call through the path a synced append takes: the log file's probe, or an await. */
  probe(): Promise<void> {
    this.#check();
    return this.#log.probe() ?? Promise.resolve();
  }

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    this.#check();
    const slot = this.#index.get(key);
    return slot ? copyBytes(slot.value) : undefined;
  }

  async scan(range: ScanRange): Promise<Array<[Uint8Array, Uint8Array]>> {
    this.#check();
    const ix = this.#index;
    const lo = range.gte ? ix.lowerBound(range.gte) : 0;
    const hi = range.lt ? ix.lowerBound(range.lt) : ix.size;
    const out: Array<[Uint8Array, Uint8Array]> = [];
    const limit = range.limit ?? Infinity;
    if (range.reverse) {
      for (let i = hi - 1; i >= lo && out.length < limit; i--) out.push([copyBytes(ix.keyAt(i)), copyBytes(ix.valAt(i).value)]);
    } else {
      for (let i = lo; i < hi && out.length < limit; i++) out.push([copyBytes(ix.keyAt(i)), copyBytes(ix.valAt(i).value)]);
    }
    return out;
  }

  async sync(): Promise<void> {
    return this.#serial(async () => {
      this.#check();
      await this.#log.sync();
      this.#counters.syncs++;
    });
  }

  async close(): Promise<void> {
    return this.#serial(async () => {
      if (this.#closed) return;
      this.#closed = true;
      await this.#log.close();
    });
  }

  counters(): EngineCounters {
    return { ...this.#counters };
  }

  /** Log-level numbers: fdatasyncs (all, including rollovers and truncation), bytes, segments. */
  stats(): Record<string, number> {
    const s: LogStats = this.#log.stats;
    let liveBytes = 0;
    for (const l of this.#live.values()) liveBytes += l.bytes;
    return {
      ...s,
      durableSyncs: s.fdatasyncs,
      walBytes: s.recordBytes,
      segmentRolls: s.segmentsCreated,
      segments: this.#log.segments.length,
      liveKeys: this.#index.size,
      liveBytes,
      carriedForwardBytes: this.#carriedBytes,
      truncationSyncs: this.#internalSyncs,
    };
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    this.#queued++;
    const run = this.#tail.then(fn);
    this.#tail = run.then(
      () => void this.#queued--,
      () => void this.#queued--,
    );
    return run;
  }

  #check(): void {
    if (this.#closed) throw new Error('wal engine is closed');
  }

  /** Replays one record; returns a SNAPSHOT marker's first live seq, else null. */
  #replay(rec: DecodedRecord, seq: number): number | null {
    if (rec.type === RecordType.SNAPSHOT) {
      const m = decodeSnapshot(rec.data);
      if (!m) throw new BadRecordError('malformed snapshot marker');
      return m.firstLiveSeq;
    }
    if (rec.type !== RecordType.ENTRY && rec.type !== RecordType.STATE) return null;
    const batch = decodeBatch(rec.data);
    if (!batch) throw new BadRecordError('malformed batch record');
    for (const op of batch.ops) this.#apply(op, seq, true);
    if (rec.type === RecordType.ENTRY) this.#nextIndex = Math.max(this.#nextIndex, batch.index + 1);
    return null;
  }

  #apply(op: StoredOp, seq: number, copy: boolean): void {
    if (op.type === 'put') {
      const key = copy ? copyBytes(op.key) : op.key;
      const value = copy ? copyBytes(op.value) : op.value;
      this.#account(seq, 1, key.byteLength + value.byteLength);
      const old = this.#index.set(key, { value, seq });
      if (old) this.#account(old.seq, -1, -(key.byteLength + old.value.byteLength));
    } else if (op.type === 'del') {
      const old = this.#index.get(op.key);
      if (old) {
        this.#index.delete(op.key);
        this.#account(old.seq, -1, -(op.key.byteLength + old.value.byteLength));
      }
    } else {
      const lo = this.#index.lowerBound(op.start);
      const hi = this.#index.lowerBound(op.end);
      for (let i = lo; i < hi; i++) {
        const s = this.#index.valAt(i);
        this.#account(s.seq, -1, -(this.#index.keyAt(i).byteLength + s.value.byteLength));
      }
      this.#index.deleteRange(op.start, op.end);
    }
  }

  #account(seq: number, count: number, bytes: number): void {
    let l = this.#live.get(seq);
    if (!l) this.#live.set(seq, (l = { count: 0, bytes: 0 }));
    l.count += count;
    l.bytes += bytes;
    this.#indexBytes += bytes;
    if (this.#indexBytes > this.#peakIndexBytes) this.#peakIndexBytes = this.#indexBytes;
  }

  /** Whether `#truncate` has work: the oldest of two or more segments is dead, or live little enough to carry. */
  #truncateDue(): boolean {
    const segs = this.#log.segments;
    if (segs.length < 2) return false;
    const live = this.#live.get(segs[0]!.seq);
    return live === undefined || live.count === 0 || live.bytes <= this.#carryBelow * segs[0]!.bytes;
  }

  /** Drops or carries forward the oldest segments while that is cheap (see the class comment). */
  async #truncate(): Promise<void> {
    while (this.#truncateDue()) {
      const segs = this.#log.segments;
      const oldest = segs[0]!;
      const live = this.#live.get(oldest.seq) ?? { count: 0, bytes: 0 };
      if (live.count > 0) await this.#carryForward(oldest.seq);
      const marker = { type: RecordType.SNAPSHOT, data: encodeSnapshot({ index: this.#nextIndex, firstLiveSeq: segs[1]!.seq }) };
      await this.#log.append([marker], { sync: true, index: this.#nextIndex });
      this.#internalSyncs++;
      this.#live.delete((await this.#log.removeOldest()).seq);
    }
  }

  /** Rewrites the live values of segment `seq` into the active segment as one STATE record. */
  async #carryForward(seq: number): Promise<void> {
    const ix = this.#index;
    const puts: StoredOp[] = [];
    const at: number[] = [];
    for (let i = 0; i < ix.size; i++) {
      const s = ix.valAt(i);
      if (s.seq === seq) {
        puts.push({ type: 'put', key: ix.keyAt(i), value: s.value });
        at.push(i);
      }
    }
    const record = { type: RecordType.STATE, data: encodeBatch(this.#nextIndex, puts) };
    // Not synced here: the SNAPSHOT marker that follows is, before the unlink.
    const { seq: newSeq } = await this.#log.append([record], { sync: false, index: this.#nextIndex });
    for (const i of at) {
      const s = ix.valAt(i);
      const bytes = ix.keyAt(i).byteLength + s.value.byteLength;
      this.#account(s.seq, -1, -bytes);
      this.#account(newSeq, 1, bytes);
      this.#carriedBytes += bytes;
      s.seq = newSeq;
    }
  }
}
