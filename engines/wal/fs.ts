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
import { constants } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, type FileHandle } from 'node:fs/promises';

export interface WalFile {
  /** Writes all of `data` at byte `position`, growing the file if needed. */
  write(data: Uint8Array, position: number): Promise<void>;
  /** fdatasync. */
  datasync(): Promise<void>;
  /** Sets the file's length (cuts or extends with zeros). */
  truncate(size: number): Promise<void>;
  close(): Promise<void>;
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

class NodeFile implements WalFile {
  constructor(private readonly fh: FileHandle) {}

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

  close(): Promise<void> {
    return this.fh.close();
  }
}

/** The real file system (node:fs); every call runs on libuv's thread pool. */
export class NodeFs implements WalFs {
  async mkdirp(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
  }

  async open(path: string, opts: { create: boolean }): Promise<WalFile> {
    const flags = opts.create ? constants.O_RDWR | constants.O_CREAT : constants.O_RDWR;
    return new NodeFile(await open(path, flags, 0o644));
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
