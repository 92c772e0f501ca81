import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../errors/user-error.ts';

/** A process as named in a lock or marker file: its pid, and its start time so that a reused pid is not mistaken for it. */
export interface ProcessId {
  readonly pid: number;
  /** Clock ticks after boot (`/proc/PID/stat` field 22), or null where /proc is missing or for an old lock. */
  readonly start: string | null;
}

export const LOCK_NAME = '.raftbench.lock';

/** This process, as written into lock and marker files. */
export function selfId(): ProcessId {
  return { pid: process.pid, start: processStartTime(process.pid) };
}

/** `PID START [TAG]`: one line, whole from the moment the file has its name (see `lockDataDir`). */
export function formatProcessId(id: ProcessId, tag = ''): string {
  return `${id.pid} ${id.start ?? '-'}${tag === '' ? '' : ` ${tag}`}\n`;
}

export function parseProcessId(text: string): { id: ProcessId; tag: string } | null {
  const [pid, start, ...rest] = text.trim().split(/\s+/);
  const n = Number(pid);
  if (!Number.isInteger(n) || n <= 0) return null;
  return { id: { pid: n, start: start === undefined || start === '-' ? null : start }, tag: rest.join(' ') };
}

/** The start time of `pid` from /proc, or null. The command name (field 2) may hold spaces and parentheses: count from the last `)`. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/**
 * Whether the process `id` names still runs: its pid is alive and, where /proc tells, started when the
 * file says (a pid reused by an unrelated process is not the owner). An old lock with no start time counts
 * as alive only if that pid runs raftbench.
 */
export function processAlive(id: ProcessId): boolean {
  try {
    process.kill(id.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = processStartTime(id.pid);
  if (now === null) return true; // no /proc: the pid is all we know
  if (id.start !== null) return now === id.start;
  try {
    return /raftbench|cli\/main\.ts/.test(readFileSync(`/proc/${id.pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * An exclusive lock on a data directory (`<dir>/.raftbench.lock`: owner pid, its start time, and `tag`,
 * the run id), so two benchmarks never share a disk directory and measure each other. Returns the release
 * function.
 *
 * The lock file appears whole (written under a temporary name, then hard-linked into place, which fails if
 * it exists), so no reader ever sees an empty lock. A lock whose owner is gone (dead, or its pid reused) is
 * taken over under a second exclusive file, `.raftbench.lock.break`, so that of several starters that find
 * the same stale lock exactly one takes it.
 */
export function lockDataDir(dir: string, tag = ''): () => void {
  const file = path.join(dir, LOCK_NAME);
  const mine = formatProcessId(selfId(), tag);
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, mine, { mode: 0o644 });
  const release = () => {
    // Only our own lock: never remove one another process took over.
    if (readFileSafe(file) === mine) rmSync(file, { force: true });
  };
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(tmp, file);
        return release;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const seen = readOrNull(file);
      if (seen === null) continue; // released meanwhile
      const owner = parseProcessId(seen);
      if (owner && owner.id.pid !== process.pid && processAlive(owner.id)) {
        throw new UserError(`data directory ${dir} is in use by another raftbench (pid ${owner.id.pid})${owner.tag ? `, run ${owner.tag}` : ''}; wait for it or pass another --dir`);
      }
      if (takeOver(file, seen, tmp)) return release;
    }
  } finally {
    rmSync(tmp, { force: true });
  }
  throw new UserError(`cannot lock data directory ${dir}: other raftbench processes keep taking it; try again`);
}

/** Replaces the stale lock holding `seen` with ours, if no other starter is doing so and it still holds `seen`. */
function takeOver(file: string, seen: string, tmp: string): boolean {
  const breaker = `${file}.break`;
  let fd: number;
  try {
    fd = openSync(breaker, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // A breaker left by a process that died between creating and removing it (a few microseconds) expires.
    try {
      if (Date.now() - statSync(breaker).mtimeMs > 10_000) rmSync(breaker, { force: true });
    } catch {
      // gone meanwhile
    }
    return false;
  }
  closeSync(fd);
  try {
    // Gone (its owner released it: link again, never rename over a lock another starter may link now) or
    // changed (someone took it first): look again.
    if (readOrNull(file) !== seen) return false;
    renameSync(tmp, file);
    return true;
  } finally {
    rmSync(breaker, { force: true });
  }
}

function readOrNull(f: string): string | null {
  try {
    return readFileSync(f, 'utf8');
  } catch {
    return null;
  }
}

function readFileSafe(f: string): string {
  try {
    return readFileSync(f, 'utf8');
  } catch {
    return '';
  }
}
