import { closeSync, existsSync, fsyncSync, linkSync, openSync, renameSync, rmSync, symlinkSync, writeSync, lstatSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import type { ResultsFile } from '../../analysis/results-schema.ts';
import { UserError } from '../../errors/user-error.ts';
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

/** The files a run writes into its results dir besides results.json. */
export const RUN_OUTPUTS = ['bench.txt', 'report.html'] as const;

/**
 * Claims `dir` for one run by creating its `results.json` (the first version of `results`) in one step
 * that fails if the file exists: written whole under a temporary name, then hard-linked into place. Of two
 * runs started together with the same --out, exactly one gets it; the other gets a UserError. A dir that
 * already holds a file the run would write (bench.txt, report.html) is refused too: raftbench did not
 * write it there, so it is not raftbench's to replace. `flag` names where `dir` came from in messages.
 */
export function claimResultsDir(dir: string, results: ResultsFile, flag: string): void {
  const file = path.join(dir, 'results.json');
  const taken = (what: string) => new UserError(`bench: ${flag} ${dir} already holds ${what}; pass another ${flag} (results, and files raftbench did not write, are never overwritten)`);
  if (existsSync(file)) throw taken('results');
  for (const f of RUN_OUTPUTS) if (existsSync(path.join(dir, f))) throw taken(`a ${f} of no run's results.json`);
  const tmp = `${file}.claim-${process.pid}`;
  try {
    writeFileAtomic(tmp, JSON.stringify(results, null, 1) + '\n');
    linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw taken('results');
    throw err;
  } finally {
    rmSync(tmp, { force: true });
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
