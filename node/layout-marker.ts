import { closeSync, fsyncSync, openSync } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { BINDINGS, type Binding } from '../engines/layouts/index.ts';
import { UserError } from '../errors/user-error.ts';

/**
 * Which layout a store directory is in: `<dir>/LAYOUT`, one line of JSON, replaced atomically (write a
 * temporary file, fsync it, rename it over the old one, fsync the directory). A migration switches a store
 * from one layout to another by this one rename, so a crash leaves the store in exactly one of them.
 *
 *   {"layout":"dedicated","raftDir":"raft","binding":"rocksdb"}
 *
 * `raftDir` is relative to the store directory (null when the raft data lives in the state engine).
 */
export interface LayoutMarker {
  readonly layout: string;
  readonly raftDir: string | null;
  readonly binding: Binding;
}

export const MARKER_FILE = 'LAYOUT';

/** A store directory without a marker, or with one that does not parse. */
export class MarkerError extends UserError {
  override readonly name = 'MarkerError';
}

export async function readMarker(dir: string, file = MARKER_FILE): Promise<LayoutMarker | null> {
  let text: string;
  try {
    text = await readFile(path.join(dir, file), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let m: Partial<LayoutMarker>;
  try {
    m = JSON.parse(text) as Partial<LayoutMarker>;
  } catch {
    throw new MarkerError(`${path.join(dir, file)} is not a layout marker (not JSON)`);
  }
  if (typeof m.layout !== 'string' || !(m.raftDir === null || typeof m.raftDir === 'string') || !BINDINGS.includes(m.binding as Binding)) {
    throw new MarkerError(`${path.join(dir, file)} is not a layout marker (needs layout, raftDir, binding)`);
  }
  return { layout: m.layout, raftDir: m.raftDir, binding: m.binding as Binding };
}

/** Writes `value` as `<dir>/<file>` atomically and durably (the rename itself is fsynced too). */
export async function writeAtomic(dir: string, file: string, value: string): Promise<void> {
  const tmp = path.join(dir, `${file}.tmp`);
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(value);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path.join(dir, file));
  syncDir(dir);
}

export async function writeMarker(dir: string, m: LayoutMarker, file = MARKER_FILE): Promise<void> {
  await writeAtomic(dir, file, `${JSON.stringify(m)}\n`);
}

/** Removes `<dir>/<file>` durably (no-op when absent). */
export async function removeDurably(dir: string, file: string): Promise<void> {
  await rm(path.join(dir, file), { recursive: true, force: true });
  syncDir(dir);
}

/** fsync of a directory, so a rename or unlink in it survives a power loss. */
export function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function sameMarker(a: LayoutMarker, b: LayoutMarker): boolean {
  return a.layout === b.layout && a.raftDir === b.raftDir && a.binding === b.binding;
}

