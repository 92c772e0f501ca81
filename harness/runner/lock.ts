import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../errors/user-error.ts';

/**
 * An exclusive lock on a data directory (`<dir>/.raftbench.lock`, holding the owner's pid), so two
 * benchmarks never share a disk directory and measure each other. A lock left by a dead process is taken
 * over. Returns the release function.
 */
export function lockDataDir(dir: string): () => void {
  const file = path.join(dir, '.raftbench.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSafe(file).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new UserError(`data directory ${dir} is in use by another raftbench (pid ${pid}); wait for it or pass another --dir`);
      }
      rmSync(file, { force: true }); // stale: its owner is gone
    }
  }
  throw new UserError(`cannot lock data directory ${dir}`);
}

function readFileSafe(f: string): string {
  try {
    return readFileSync(f, 'utf8');
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
