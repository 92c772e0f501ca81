import type { ResultsFile } from '../results-schema.ts';
import { minSamplesToDetect } from '../stats/index.ts';
import type { Method, RunWarning } from './model.ts';

/** Warnings a reader must see before any number: the run's own, plus what the results imply at `method.alpha`. */
export function runWarnings(r: ResultsFile, method: Method): RunWarning[] {
  const { alpha } = method;
  const out: RunWarning[] = [];
  const has = (re: RegExp) => (r.warnings ?? []).some((w) => re.test(w));
  if (!r.complete && !has(/incomplete/i)) out.push({ text: `incomplete run: ${r.incompleteReason ?? 'no reason recorded'}; only finished runs are included`, severe: true });
  for (const w of r.warnings ?? []) out.push({ text: w, severe: /incomplete|not durable|tmpfs|ramfs/i.test(w) });
  if (r.calibration && !r.calibration.durable && !has(/durable/i)) {
    out.push({ text: `data directory ${r.calibration.dir} (${r.calibration.fsType}) is not durable: fdatasync there costs no device time, so synced layouts look faster than on a disk`, severe: true });
  }
  const need = minSamplesToDetect(alpha);
  const count = Number(r.config?.count ?? 0);
  if (count > 0 && count < need.n) {
    const test = method.style === 'rfc' ? `p < ${alpha}` : `p ≤ ${alpha}`;
    out.push({ text: `${count} run${count === 1 ? '' : 's'} per case: the Mann-Whitney test cannot reach ${test} with fewer than ${need.n} runs per side, so every difference shows as ~ (use --count 10 or more)`, severe: false });
  }
  if (r.environment?.gitDirty) out.push({ text: 'the harness ran from a git tree with uncommitted changes; the commit below does not fully reproduce it', severe: false });
  return out;
}
