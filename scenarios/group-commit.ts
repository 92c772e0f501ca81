import type { StoreOptions } from '../node/store.ts';
import { intParam } from './params.ts';

/**
 * The group-commit knob of replica families (ReplicaWrite, ClusterWrite), as typed parameters:
 * - `batch`: `1` (no group commit: one proposal per append and sync), `auto` (the Store's default bound,
 *   every waiting proposal up to 4096), or a number N (at most N proposals per append);
 * - `batchwait`: microseconds the Store waits for more proposals before taking a Ready with fewer than
 *   `batch` of them (default 0: never waits).
 * Absent from a name they take their defaults (auto, 0), so names without the axes keep their meaning.
 */
export const GROUP_COMMIT_PARAMS = {
  batch: { ...intParam(1, 1_000_000, 0), words: { auto: 0 } },
  batchwait: intParam(0, 10_000_000, 0),
} as const;

/** The Store options the group-commit parameters set (absent: the Store's defaults). */
export function groupCommit(p: { readonly batch: number; readonly batchwait: number }): Pick<StoreOptions, 'maxBatch' | 'batchWaitUs'> {
  return { ...(p.batch > 0 ? { maxBatch: p.batch } : {}), ...(p.batchwait > 0 ? { batchWaitUs: p.batchwait } : {}) };
}
