/**
 * The file-system seam under the WAL: the few calls it makes, so tests can swap in `FaultFs` (a
 * fault-injecting in-memory file system) and simulate torn writes, power loss and bit flips.
 *
 * Durability rules every implementation follows (those of POSIX on Linux):
 * - `write` puts bytes in the page cache; they survive a process crash but not a power loss.
 * - `datasync` makes the file's written bytes durable (fdatasync: no metadata beyond what the data needs;
 *   the WAL preallocates, so there is none).
 * - Creating, renaming and removing names become durable with `syncDir` on the parent directory.
 */
import { constants, fdatasyncSync, write as writeCb, writeSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, type FileHandle } from 'node:fs/promises';

export interface WalFile {
  /** Writes all of `data` at byte `position`, growing the file if needed. */
  write(data: Uint8Array, position: number): Promise<void>;
  /** fdatasync. */
  datasync(): Promise<void>;
  /**
   * Optional: writes all of `data` at `position` and makes it durable in one step (one handoff to another
   * thread at most), where `write` then `datasync` take two. Durable means only the bytes written here
   * (O_DSYNC covers the range written), so callers use it only when no unsynced write of this file is
   * outstanding; otherwise `write` then `datasync`.
   */
  writeDurable?(data: Uint8Array, position: number): Promise<void>;
  /**
   * Optional, with `datasyncAppend`: the log's record appends and their syncs, on the path `writeDurable`
   * takes (the calling thread for `io: 'inline'`). Without them appends use `write` and `datasync`, which
   * stay for bulk work such as preallocating a segment.
   */
  writeAppend?(data: Uint8Array, position: number): Promise<void>;
  datasyncAppend?(): Promise<void>;
  /** Optional: an empty call through the same path as `writeDurable` (same threads, no I/O). */
  probe?(): Promise<void>;
  /**
   * Optional: `writeDurable`, `writeAppend` and `datasyncAppend` as plain synchronous calls, present only
   * where those run on the calling thread anyway (`io: 'inline'`). The log's append then runs start to
   * end in one synchronous step, without the promise hops between its parts: after a blocking fdatasync
   * each hop runs cold (bench/probe-wal-split.ts).
   */
  readonly now?: SyncAppends;
  /** Sets the file's length (cuts or extends with zeros). */
  truncate(size: number): Promise<void>;
  close(): Promise<void>;
}

export interface SyncAppends {
  writeDurable(data: Uint8Array, position: number): void;
  writeAppend(data: Uint8Array, position: number): void;
  datasyncAppend(): void;
}

export interface WalFs {
  mkdirp(dir: string): Promise<void>;
  /** Opens for read and write; `create` makes a missing file (it fails when `create` is false). */
  open(path: string, opts: { create: boolean }): Promise<WalFile>;
  readFile(path: string): Promise<Uint8Array>;
  /** Names in `dir` (not paths); [] when `dir` is missing. */
  list(dir: string): Promise<string[]>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
  /** fsync of the directory, making creates, renames and removes in it durable. */
  syncDir(dir: string): Promise<void>;
}

/**
 * How `NodeFile.writeDurable` reaches the disk:
 * - `pool`: one `pwrite` on a second descriptor opened with O_DSYNC, through libuv's thread pool (one
 *   handoff; measured 0.63x the p50 of `write` then `datasync` through `fs/promises`, bench/hops-wal.ts).
 * - `inline`: `writeSync` then `fdatasyncSync` on the calling thread (no handoff; 0.45x), and so are
 *   unsynced record appends and the syncs that follow them (`writeAppend`, `datasyncAppend`: a replica
 *   writes its HardState unsynced whenever only the commit index moved, and through the pool each such
 *   append cost a round trip and the next synced append two), which blocks
 *   that thread for the device's flush. Every layout uses it: BatchCommit's op loop, and a replica's Ready
 *   loop, which blocks for its fdatasync as it does for a synced RocksDB 9 write (bench/probe-replica.ts;
 *   ReplicaWrite wal at 16 and 64 clients was no slower than with `pool`, and faster at 1).
 */
export type WalIo = 'pool' | 'inline';

class NodeFile implements WalFile {
  readonly now: SyncAppends | undefined;

  /**
   * @param dsync the same file opened with O_DSYNC (`pool` only), opened with `fh` because the name may
   *   change later (a spare segment is renamed into place).
   */
  constructor(
    private readonly fh: FileHandle,
    private dsync: FileHandle | null,
  ) {
    const fd = fh.fd;
    this.now =
      dsync === null
        ? {
            writeDurable: (data, position) => {
              writeAllSync(fd, data, position);
              fdatasyncSync(fd);
            },
            writeAppend: (data, position) => writeAllSync(fd, data, position),
            datasyncAppend: () => fdatasyncSync(fd),
          }
        : undefined;
  }

  writeDurable(data: Uint8Array, position: number): Promise<void> {
    if (this.dsync === null) return settled(() => this.now!.writeDurable(data, position));
    return writeAllPool(this.dsync.fd, data, position);
  }

  /**
   * An unsynced record append. Inline: on the calling thread (a page-cache write of a few µs, where a pool
   * round trip costs 30-40 µs and wakes another thread); the pool otherwise, as `write`.
   */
  writeAppend(data: Uint8Array, position: number): Promise<void> {
    if (this.dsync !== null) return this.write(data, position);
    return settled(() => this.now!.writeAppend(data, position));
  }

  /** fdatasync of the appended records: inline on the calling thread, as `writeDurable` syncs. */
  datasyncAppend(): Promise<void> {
    if (this.dsync !== null) return this.datasync();
    return settled(() => this.now!.datasyncAppend());
  }

  probe(): Promise<void> {
    if (this.dsync === null) {
      writeSync(this.fh.fd, EMPTY, 0, 0, 0);
      return Promise.resolve();
    }
    const fd = this.dsync.fd;
    // A zero-byte pwrite: the pool round trip of `writeDurable` with no I/O (Linux syncs only after bytes were written).
    return new Promise((resolve, reject) => writeCb(fd, EMPTY, 0, 0, 0, (err) => (err ? reject(err) : resolve())));
  }

  async write(data: Uint8Array, position: number): Promise<void> {
    let done = 0;
    while (done < data.byteLength) {
      const { bytesWritten } = await this.fh.write(data, done, data.byteLength - done, position + done);
      done += bytesWritten;
    }
  }

  datasync(): Promise<void> {
    return this.fh.datasync();
  }

  truncate(size: number): Promise<void> {
    return this.fh.truncate(size);
  }

  async close(): Promise<void> {
    const d = this.dsync;
    this.dsync = null;
    await d?.close();
    await this.fh.close();
  }
}

const EMPTY = new Uint8Array(0);

/** A synchronous call's outcome as a promise: resolved, or rejected with what it threw. */
function settled(fn: () => void): Promise<void> {
  try {
    fn();
    return Promise.resolve();
  } catch (err) {
    return Promise.reject(err);
  }
}

function writeAllSync(fd: number, data: Uint8Array, position: number): void {
  for (let done = 0; done < data.byteLength; ) done += writeSync(fd, data, done, data.byteLength - done, position + done);
}

/** One pool job per `pwrite`; a short write (never seen on a regular file) takes another. */
function writeAllPool(fd: number, data: Uint8Array, position: number, done = 0): Promise<void> {
  return new Promise<number>((resolve, reject) =>
    writeCb(fd, data, done, data.byteLength - done, position + done, (err, n) => (err ? reject(err) : resolve(n))),
  ).then((n) => (done + n < data.byteLength ? writeAllPool(fd, data, position, done + n) : undefined));
}

/**
 * The real file system (node:fs). Every call runs on libuv's thread pool, except `writeDurable` with
 * `io: 'inline'` (see `WalIo`).
 */
export class NodeFs implements WalFs {
  constructor(private readonly io: WalIo = 'pool') {}

  async mkdirp(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
  }

  async open(path: string, opts: { create: boolean }): Promise<WalFile> {
    const flags = opts.create ? constants.O_RDWR | constants.O_CREAT : constants.O_RDWR;
    const fh = await open(path, flags, 0o644);
    if (this.io === 'inline') return new NodeFile(fh, null);
    const dsync = await open(path, constants.O_WRONLY | constants.O_DSYNC).catch(async (err: unknown) => {
      await fh.close();
      throw err;
    });
    return new NodeFile(fh, dsync);
  }

  async readFile(path: string): Promise<Uint8Array> {
    return readFile(path);
  }

  async list(dir: string): Promise<string[]> {
    try {
      return await readdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  rename(from: string, to: string): Promise<void> {
    return rename(from, to);
  }

  remove(path: string): Promise<void> {
    return rm(path, { force: true });
  }

  async syncDir(dir: string): Promise<void> {
    const fh = await open(dir, constants.O_RDONLY);
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }
}
