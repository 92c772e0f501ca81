import { open, stat } from 'node:fs/promises';
import { resultsToBenchSet } from '../../analysis/benchfmt/from-results.ts';
import { loadBenchInput, readResults } from './read.ts';
import type { ResultsFile } from '../../analysis/results-schema.ts';
import type { GateInput } from '../../analysis/gate/decide.ts';
import { fingerprintOf } from '../../analysis/gate/fingerprint.ts';
import { hasWarning } from '../../analysis/warning.ts';

/**
 * A gate input from a results dir, a results.json (records plus the environment fingerprint) or Go
 * benchmark text (records only). Errors are the one-line UsageErrors of `harness/results/read.ts`.
 */
export async function loadGateInput(path: string): Promise<GateInput> {
  if (await looksLikeJson(path)) return gateInputFromResults(await readResults(path), path);
  const set = await loadBenchInput(path);
  return { label: path, set, fingerprint: null, ...(set.incomplete !== undefined ? { incomplete: set.incomplete } : {}) };
}

export function gateInputFromResults(r: ResultsFile, label: string, extraNotes: readonly string[] = []): GateInput {
  const notes = [...extraNotes];
  const set = resultsToBenchSet(r, label);
  if (r.complete === false && !hasWarning(set.runWarnings, 'incomplete-run')) {
    notes.push(`incomplete run (${r.incompleteReason ?? 'unknown reason'}): only its finished runs are gated`);
  }
  return { label, set, fingerprint: fingerprintOf(r), notes, ...(r.complete === false ? { incomplete: r.incompleteReason ?? 'did not finish' } : {}) };
}

/** A directory (a results dir) or a file whose first non-blank byte is `{`. Unreadable paths fall through to the reader's errors. */
async function looksLikeJson(path: string): Promise<boolean> {
  try {
    if ((await stat(path)).isDirectory()) return true;
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.alloc(512);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      return buf.subarray(0, bytesRead).toString('utf8').trimStart().startsWith('{');
    } finally {
      await fh.close();
    }
  } catch {
    return false;
  }
}
