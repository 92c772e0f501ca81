import type { ResultsFile } from '../results-schema.ts';
import { minSamplesToDetect } from '../stats/index.ts';
import { hasWarning, warning, type Warning } from '../warning.ts';
import type { Method } from './model.ts';

/** Warnings a reader must see before any number: the run's own, plus what the results imply at `method.alpha`. */
export function runWarnings(r: ResultsFile, method: Method): Warning[] {
  const { alpha } = method;
  const out: Warning[] = [];
  if (!r.complete && !hasWarning(r.warnings, 'incomplete-run')) out.push(warning('incomplete-run', 'severe', `incomplete run: ${r.incompleteReason ?? 'no reason recorded'}; only finished runs are included`));
  out.push(...(r.warnings ?? []));
  if (r.calibration && !r.calibration.durable && !hasWarning(r.warnings, 'calibration-not-durable', 'data-dir-not-durable')) {
    out.push(warning('calibration-not-durable', 'severe', `data directory ${r.calibration.dir} (${r.calibration.fsType}) is not durable: fdatasync there costs no device time, so synced layouts look faster than on a disk`));
  }
  const need = minSamplesToDetect(alpha);
  const count = Number(r.config?.count ?? 0);
  if (count > 0 && count < need.n) {
    const test = method.style === 'rfc' ? `p < ${alpha}` : `p ≤ ${alpha}`;
    out.push(warning('too-few-runs', 'warning', `${count} run${count === 1 ? '' : 's'} per case: the Mann-Whitney test cannot reach ${test} with fewer than ${need.n} runs per side, so every difference shows as ~ (use --count 10 or more)`));
  }
  if (r.environment?.gitDirty) out.push(warning('git-dirty', 'info', 'the harness ran from a git tree with uncommitted changes; the commit below does not fully reproduce it'));
  return out;
}
