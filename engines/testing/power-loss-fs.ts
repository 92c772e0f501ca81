/**
 * A power-loss model for the segmented WAL on real files: a `WalFs` over node:fs that remembers, for
 * every file, what each write and truncation since the file's last fdatasync overwrote. `crash()` stops
 * all further I/O (the power is off), waits for the calls already running, and puts every file back to
 * its image as of its last fdatasync: everything written after it is discarded, as on a device that lost
 * its page cache. The files stay on disk, so the next process opens exactly what a power loss left.
 *
 * Model limits (stated, not hidden): creates, renames and removes are durable at once (the WAL syncs
 * the directory right after each of them anyway); no torn writes (a write is lost whole or kept whole,
 * and it is kept only by an fdatasync of its file).
 */
import { constants } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { WalFile, WalFs } from '../wal/fs.ts';

/** What to undo, newest last: bytes a write overwrote (and the size before it), or what a truncation cut. */
type Undo = { readonly pos: number; readonly prev: Buffer; readonly sizeBefore: number };

interface Inode {
  path: string;
  removed: boolean;
  /** Undo records since the last datasync. */
  undo: Undo[];
}

export interface PowerLossFsStats {
  /** Files put back by the last `crash()`, and the unsynced bytes it discarded. */
  filesRolledBack: number;
  bytesDiscarded: number;
}

export class PowerLossFs implements WalFs {
  readonly #inodes = new Map<string, Inode>();
  readonly #running = new Set<Promise<unknown>>();
  /** Open handles: a power loss ends them (closed after the rollback). */
  readonly #open = new Set<FileHandle>();
  #off = false;
  readonly stats: PowerLossFsStats = { filesRolledBack: 0, bytesDiscarded: 0 };

  /**
   * The power goes off: every later call fails with EIO, calls already running finish, then each file
   * is put back to its last fdatasync'ed image.
   */
  async crash(): Promise<void> {
    this.#off = true;
    await Promise.allSettled([...this.#running]);
    for (const inode of new Set(this.#inodes.values())) {
      if (inode.removed || inode.undo.length === 0) continue;
      const fh = await open(inode.path, constants.O_RDWR);
      try {
        for (let i = inode.undo.length - 1; i >= 0; i--) {
          const u = inode.undo[i]!;
          if (u.prev.length > 0) await fh.write(u.prev, 0, u.prev.length, u.pos);
          const { size } = await fh.stat();
          if (size !== u.sizeBefore) await fh.truncate(u.sizeBefore);
          this.stats.bytesDiscarded += u.prev.length;
        }
        await fh.datasync();
      } finally {
        await fh.close();
      }
      this.stats.filesRolledBack++;
      inode.undo = [];
    }
    for (const fh of this.#open) await fh.close().catch(() => {});
    this.#open.clear();
  }

  async mkdirp(dir: string): Promise<void> {
    await this.#io(() => mkdir(dir, { recursive: true }));
  }

  async open(file: string, opts: { create: boolean }): Promise<WalFile> {
    const abs = path.resolve(file);
    const fh = await this.#io(() => open(abs, opts.create ? constants.O_RDWR | constants.O_CREAT : constants.O_RDWR, 0o644));
    let inode = this.#inodes.get(abs);
    if (!inode) this.#inodes.set(abs, (inode = { path: abs, removed: false, undo: [] }));
    this.#open.add(fh);
    return this.#handle(fh, inode);
  }

  readFile(file: string): Promise<Uint8Array> {
    return this.#io(() => readFile(file));
  }

  async list(dir: string): Promise<string[]> {
    return this.#io(async () => {
      try {
        return await readdir(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
    });
  }

  async rename(from: string, to: string): Promise<void> {
    const a = path.resolve(from);
    const b = path.resolve(to);
    await this.#io(() => rename(a, b));
    const old = this.#inodes.get(b);
    if (old) old.removed = true;
    const inode = this.#inodes.get(a);
    this.#inodes.delete(a);
    if (inode) {
      inode.path = b;
      this.#inodes.set(b, inode);
    }
  }

  async remove(file: string): Promise<void> {
    const abs = path.resolve(file);
    await this.#io(() => rm(abs, { force: true }));
    const inode = this.#inodes.get(abs);
    if (inode) inode.removed = true;
    this.#inodes.delete(abs);
  }

  async syncDir(dir: string): Promise<void> {
    await this.#io(async () => {
      const fh = await open(dir, constants.O_RDONLY);
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    });
  }

  #handle(fh: FileHandle, inode: Inode): WalFile {
    return {
      write: (data, pos) =>
        this.#io(async () => {
          const { size } = await fh.stat();
          const end = Math.min(size, pos + data.byteLength);
          const prev = Buffer.alloc(Math.max(0, end - pos));
          if (prev.length > 0) await fh.read(prev, 0, prev.length, pos);
          inode.undo.push({ pos, prev, sizeBefore: size });
          let done = 0;
          while (done < data.byteLength) {
            const { bytesWritten } = await fh.write(data, done, data.byteLength - done, pos + done);
            done += bytesWritten;
          }
        }),
      datasync: () =>
        this.#io(async () => {
          // Writes queued behind this call are not covered: only what was written before it.
          const covered = inode.undo.length;
          await fh.datasync();
          inode.undo.splice(0, covered);
        }),
      truncate: (size) =>
        this.#io(async () => {
          const st = await fh.stat();
          const prev = Buffer.alloc(Math.max(0, st.size - size));
          if (prev.length > 0) await fh.read(prev, 0, prev.length, size);
          inode.undo.push({ pos: size, prev, sizeBefore: st.size });
          await fh.truncate(size);
        }),
      close: async () => {
        this.#open.delete(fh);
        await fh.close();
      },
    };
  }

  /** Runs one call unless the power is off, tracking it so `crash()` can wait for it. */
  #io<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#off) {
      const err: NodeJS.ErrnoException = new Error('EIO: power is off (simulated power loss)');
      err.code = 'EIO';
      return Promise.reject(err);
    }
    const p = fn();
    this.#running.add(p);
    const done = () => this.#running.delete(p);
    p.then(done, done);
    return p;
  }
}
