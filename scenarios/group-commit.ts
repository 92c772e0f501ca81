import { UserError } from '../errors/user-error.ts';

/** The Store options the group-commit axes set (absent: the Store's defaults). */
export interface GroupCommit {
  readonly maxBatch?: number;
  readonly batchWaitUs?: number;
}

/**
 * The group-commit knob of replica families, from the case's params:
 * - `batch`: `1` (no group commit: one proposal per append and sync), `auto` (the Store's default bound,
 *   every waiting proposal up to 4096), or a number N (at most N proposals per append);
 * - `batchwait`: microseconds the Store waits for more proposals before taking a Ready with fewer than
 *   `batch` of them (default 0: never waits).
 * Absent params leave the Store's defaults, so benchmark names without the axes keep their meaning.
 */
export function groupCommit(params: Readonly<Record<string, string>>): GroupCommit {
  const out: { maxBatch?: number; batchWaitUs?: number } = {};
  const batch = params.batch;
  if (batch !== undefined && batch !== 'auto') {
    const n = Number(batch);
    if (!Number.isSafeInteger(n) || n < 1) throw new UserError(`bad batch "${batch}": valid are 1 (no group commit), auto, or a whole number >= 1`);
    out.maxBatch = n;
  }
  const wait = params.batchwait;
  if (wait !== undefined) {
    const us = Number(wait);
    if (!Number.isFinite(us) || us < 0 || wait.trim() === '') throw new UserError(`bad batchwait "${wait}": microseconds >= 0`);
    out.batchWaitUs = us;
  }
  return out;
}
