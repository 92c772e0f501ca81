/**
 * A warning is a value, not prose: code decides by `code`, people read `text`. No code matches `text`
 * (test/architecture/warnings-as-data.test.ts holds that); the one exception is the reader of version-1
 * results files, which classifies their old prose warnings once (`results-migrate.ts`).
 */
export type WarningCode =
  /** `--dir` is on a memory filesystem: synced writes there cost no device time. */
  | 'data-dir-not-durable'
  /** `--raft-dir` is on a memory filesystem. */
  | 'raft-dir-not-durable'
  /** Calibration found the data directory's fdatasync implausibly fast or on memory. */
  | 'calibration-not-durable'
  /** Some cases put the raft log on tmpfs by parameter (`raftmedia=tmpfs`). */
  | 'raftmedia-tmpfs'
  /** The load average at start was high. */
  | 'machine-busy'
  /** The run was interrupted or failed; only finished runs are in it. */
  | 'incomplete-run'
  /** Fewer runs per case than the significance test needs at this alpha. */
  | 'too-few-runs'
  /** The harness ran from a git tree with uncommitted changes. */
  | 'git-dirty'
  /** A line of Go benchmark text was skipped. */
  | 'unreadable-line'
  /** Records without the `--col` key were left out of a comparison. */
  | 'missing-col-key'
  /** Device flushes well above the engines' own syncs: the device counters include other processes' I/O. */
  | 'device-shared'
  /** An open-loop run ended behind its schedule: the rate offered was more than the layout sustained. */
  | 'open-loop-behind'
  /** A version-1 warning the migration could not classify. */
  | 'legacy';

/** `severe`: the numbers may mislead (not durable, incomplete); `warning`: expect noise; `info`: context. */
export type Severity = 'info' | 'warning' | 'severe';

export interface Warning {
  readonly code: WarningCode;
  readonly severity: Severity;
  /** One line for people, without a location prefix. */
  readonly text: string;
  /** Where it applies, for messages: an input label or `path:line`. Not stored in results.json. */
  readonly source?: string;
}

export function warning(code: WarningCode, severity: Severity, text: string, source?: string): Warning {
  return source === undefined ? { code, severity, text } : { code, severity, text, source };
}

/** The warning as one line: `source: text`, or `text` when it has no source. */
export function warningLine(w: Warning): string {
  return w.source === undefined ? w.text : `${w.source}: ${w.text}`;
}

export function hasWarning(ws: readonly Warning[] | undefined, ...codes: readonly WarningCode[]): boolean {
  return (ws ?? []).some((w) => codes.includes(w.code));
}
