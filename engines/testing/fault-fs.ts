/**
 * A fault-injecting in-memory `WalFs` for crash tests (hashicorp/raft-wal keeps the same kind of seam).
 *
 * Each file has two images: what reads see (the page cache) and what survives a power loss (the bytes as
 * of its last `datasync`). Each directory likewise has live names and durable names (as of its last
 * `syncDir`; directories themselves are durable once made). `powerLoss()` throws the volatile images away, optionally keeping a prefix of the unsynced
 * writes (a torn write); `flipBit()` corrupts both images, as a bad sector would.
 */
import path from 'node:path';
import type { WalFile, WalFs } from '../wal/fs.ts';

type Op = 'open' | 'write' | 'datasync' | 'truncate' | 'rename' | 'remove' | 'syncDir' | 'readFile' | 'list';

interface Inode {
  data: Buffer;
  durable: Buffer;
  /** Writes and truncations since the last datasync, in order. */
  pending: Array<{ kind: 'write'; pos: number; bytes: Buffer } | { kind: 'truncate'; size: number }>;
}

interface Dir {
  live: Map<string, Inode>;
  durable: Map<string, Inode>;
}

export interface PowerLossOptions {
  /**
   * How many bytes of the unsynced writes reach the disk anyway, in write order (the last one kept may be
   * cut in the middle: a torn write). Default 0: every unsynced write is lost.
   */
  readonly keepUnsyncedBytes?: number;
}

export class FaultFs implements WalFs {
  #dirs = new Map<string, Dir>();
  #generation = 0;
  #failures = new Map<Op, number>();
  /** Calls per operation, for tests that count fdatasyncs. */
  readonly calls: Record<Op, number> = { open: 0, write: 0, datasync: 0, truncate: 0, rename: 0, remove: 0, syncDir: 0, readFile: 0, list: 0 };

  /** The next `count` calls of `op` fail with EIO (after doing nothing). */
  failNext(op: Op, count = 1): void {
    this.#failures.set(op, (this.#failures.get(op) ?? 0) + count);
  }

  /**
   * Simulates a power loss: every file reverts to its last synced image plus `keepUnsyncedBytes` of its
   * unsynced writes, every directory to its last synced names. Open handles stop working.
   */
  powerLoss(opts: PowerLossOptions = {}): void {
    this.#generation++;
    const seen = new Set<Inode>();
    for (const dir of this.#dirs.values()) {
      dir.live = new Map(dir.durable);
      for (const inode of dir.live.values()) {
        if (seen.has(inode)) continue;
        seen.add(inode);
        let budget = opts.keepUnsyncedBytes ?? 0;
        let data: Buffer = Buffer.from(inode.durable);
        for (const p of inode.pending) {
          if (p.kind === 'truncate') {
            if (budget <= 0) break;
            data = resize(data, p.size);
            continue;
          }
          if (budget <= 0) break;
          const part = p.bytes.subarray(0, Math.min(budget, p.bytes.length));
          budget -= part.length;
          data = resize(data, Math.max(data.length, p.pos + part.length));
          data.set(part, p.pos);
        }
        inode.data = data;
        inode.durable = Buffer.from(data);
        inode.pending = [];
      }
    }
  }

  /** Flips one bit in both images of the file (a media error). */
  flipBit(file: string, offset: number, bit = 0): void {
    const inode = this.#lookup(file);
    if (!inode) throw new Error(`no such file ${file}`);
    if (offset < inode.data.length) inode.data[offset]! ^= 1 << bit;
    if (offset < inode.durable.length) inode.durable[offset]! ^= 1 << bit;
  }

  /** The bytes reads see now. */
  peek(file: string): Buffer {
    const inode = this.#lookup(file);
    if (!inode) throw new Error(`no such file ${file}`);
    return Buffer.from(inode.data);
  }

  async mkdirp(dir: string): Promise<void> {
    let d = path.resolve(dir);
    for (;;) {
      if (!this.#dirs.has(d)) this.#dirs.set(d, { live: new Map(), durable: new Map() });
      const parent = path.dirname(d);
      if (parent === d) break;
      d = parent;
    }
  }

  async open(file: string, opts: { create: boolean }): Promise<WalFile> {
    this.#maybeFail('open');
    const dir = this.#dir(path.dirname(file));
    const name = path.basename(file);
    let inode = dir.live.get(name);
    if (!inode) {
      if (!opts.create) throw errno('ENOENT', file);
      inode = { data: Buffer.alloc(0), durable: Buffer.alloc(0), pending: [] };
      dir.live.set(name, inode);
    }
    return this.#handle(inode);
  }

  async readFile(file: string): Promise<Uint8Array> {
    this.#maybeFail('readFile');
    const inode = this.#lookup(file);
    if (!inode) throw errno('ENOENT', file);
    return Buffer.from(inode.data);
  }

  async list(dir: string): Promise<string[]> {
    this.#maybeFail('list');
    const abs = path.resolve(dir);
    const d = this.#dirs.get(abs);
    if (!d) return [];
    // Directories are durable once made (mkdirp), files as their directory's last syncDir.
    const subdirs = [...this.#dirs.keys()].filter((k) => k !== abs && path.dirname(k) === abs).map((k) => path.basename(k));
    return [...subdirs, ...d.live.keys()];
  }

  async rename(from: string, to: string): Promise<void> {
    this.#maybeFail('rename');
    const src = this.#dir(path.dirname(from));
    const inode = src.live.get(path.basename(from));
    if (!inode) throw errno('ENOENT', from);
    src.live.delete(path.basename(from));
    this.#dir(path.dirname(to)).live.set(path.basename(to), inode);
  }

  async remove(file: string): Promise<void> {
    this.#maybeFail('remove');
    this.#dirs.get(path.resolve(path.dirname(file)))?.live.delete(path.basename(file));
  }

  async syncDir(dir: string): Promise<void> {
    this.#maybeFail('syncDir');
    const d = this.#dir(dir);
    d.durable = new Map(d.live);
  }

  #handle(inode: Inode): WalFile {
    const gen = this.#generation;
    const check = (op: Op) => {
      if (gen !== this.#generation) throw errno('EBADF', 'handle from before a power loss');
      this.#maybeFail(op);
    };
    return {
      write: async (data, pos) => {
        check('write');
        const bytes = Buffer.from(data);
        if (pos + bytes.length > inode.data.length) inode.data = resize(inode.data, pos + bytes.length);
        inode.data.set(bytes, pos);
        inode.pending.push({ kind: 'write', pos, bytes });
      },
      datasync: async () => {
        check('datasync');
        inode.durable = Buffer.from(inode.data);
        inode.pending = [];
      },
      truncate: async (size) => {
        check('truncate');
        inode.data = resize(inode.data, size);
        inode.pending.push({ kind: 'truncate', size });
      },
      close: async () => {},
    };
  }

  #maybeFail(op: Op): void {
    this.calls[op]++;
    const n = this.#failures.get(op) ?? 0;
    if (n > 0) {
      this.#failures.set(op, n - 1);
      throw errno('EIO', `injected ${op} failure`);
    }
  }

  #dir(dir: string): Dir {
    const d = this.#dirs.get(path.resolve(dir));
    if (!d) throw errno('ENOENT', dir);
    return d;
  }

  #lookup(file: string): Inode | undefined {
    return this.#dirs.get(path.resolve(path.dirname(file)))?.live.get(path.basename(file));
  }
}

function resize(b: Buffer, size: number): Buffer {
  if (size === b.length) return b;
  if (size < b.length) return Buffer.from(b.subarray(0, size));
  const out = Buffer.alloc(size);
  out.set(b);
  return out;
}

function errno(code: string, what: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`${code}: ${what}`);
  err.code = code;
  return err;
}
