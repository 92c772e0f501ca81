import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatProcessId, parseProcessId, processAlive, selfId } from './lock.ts';

/** Marks a run's scratch directory as raftbench's, owned by this process. */
export const SCRATCH_MARKER = '.raftbench-scratch';

/** A run id: `20240101-120000-quick` (scratch dirs from before the marker carry only this name). */
const RUN_ID = /^\d{8}-\d{6}-[a-z0-9-]+$/;

/** Creates `dir` (a run's scratch directory) with the marker that lets a later run remove it if this one dies. */
export function makeScratchDir(dir: string, runId: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, SCRATCH_MARKER), formatProcessId(selfId(), runId));
}

/**
 * Removes what runs killed before their cleanup (SIGKILL, a second Ctrl-C, a crash) left under `root`:
 * subdirectories marked by `makeScratchDir` whose owner is gone, and, with `unmarkedRunIds` (only under
 * a data dir this process has locked, where no other run can be), unmarked ones named like a run id.
 * Never touches anything else a user keeps there. Returns the removed paths.
 */
export function cleanStaleScratch(root: string, opts: { unmarkedRunIds: boolean }): string[] {
  let entries;
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const dir = path.join(root, e.name);
    let marker: string | null = null;
    try {
      marker = readFileSync(path.join(dir, SCRATCH_MARKER), 'utf8');
    } catch {
      // no marker
    }
    const owner = marker === null ? null : parseProcessId(marker);
    const stale = owner ? !processAlive(owner.id) : marker === null && opts.unmarkedRunIds && RUN_ID.test(e.name);
    if (!stale) continue;
    rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}
