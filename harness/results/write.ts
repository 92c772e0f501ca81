import { closeSync, fsyncSync, openSync, renameSync, rmSync, symlinkSync, writeSync, lstatSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import type { ResultsFile } from '../../analysis/results-schema.ts';
import { formatBenchTxt } from './bench-txt.ts';

/**
 * Writes `text` to `file` so that a reader sees either the old file or the whole new one, never a mix:
 * a temporary file beside it, fsync, rename over. Synchronous so that it also completes from a signal
 * handler's last turn of the event loop.
 */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o644);
  try {
    // writeSync may write less than asked (a full disk takes what fits and says nothing): loop, so that
    // the next call raises ENOSPC instead of a truncated file replacing a whole one.
    const bytes = Buffer.from(text);
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Writes `dir/results.json` and `dir/bench.txt`, each atomically. */
export function saveResults(dir: string, results: ResultsFile): void {
  writeFileAtomic(path.join(dir, 'results.json'), JSON.stringify(results, null, 1) + '\n');
  writeFileAtomic(path.join(dir, 'bench.txt'), formatBenchTxt(results));
}

/** Points `<resultsRoot>/latest` at `dir` (relative when inside the root), replacing it atomically. */
export function pointLatest(resultsRoot: string, dir: string): void {
  const link = path.join(resultsRoot, 'latest');
  const rel = path.relative(resultsRoot, dir);
  const target = rel.startsWith('..') || path.isAbsolute(rel) ? path.resolve(dir) : rel;
  try {
    if (lstatSync(link).isSymbolicLink() && readlinkSync(link) === target) return;
  } catch {
    // no link yet
  }
  const tmp = `${link}.tmp-${process.pid}`;
  rmSync(tmp, { force: true });
  symlinkSync(target, tmp);
  renameSync(tmp, link);
}
