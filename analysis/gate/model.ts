import type { Fingerprint, FingerprintMismatch } from './fingerprint.ts';

/**
 * The gate's finished numbers and verdicts; nothing formatted. Renderers (`render-*.ts`) print it and the
 * JSON output is this object as it is.
 */
export type Verdict = 'regression' | 'improvement' | 'no change' | 'inconclusive';

/** Why a test got its verdict, as data (the `reason` line says it in words). */
export type VerdictCause =
  | 'environment-mismatch'
  | 'too-few-samples'
  | 'zero-baseline'
  | 'significant-worse'
  | 'significant-better'
  | 'not-significant-beyond-threshold'
  | 'spread-wider-than-threshold'
  | 'within-threshold';

export interface SideSummary {
  readonly n: number;
  readonly median: number;
  /** 95% confidence interval of the median from order statistics (benchstat's); infinite when n is too small. */
  readonly lo: number;
  readonly hi: number;
  /** Relative half-width of that interval, max(hi/median - 1, 1 - lo/median); Infinity or NaN as benchstat. */
  readonly spread: number;
  /** The samples, in input order. */
  readonly samples: readonly number[];
}

export interface GateTest {
  readonly name: string;
  readonly unit: string;
  /** MB/s: a rise is an improvement. */
  readonly higherIsBetter: boolean;
  /** Fraction, 0.05 = 5%. */
  readonly threshold: number;
  /** The config glob that chose the threshold, or null for the default. */
  readonly thresholdRule: string | null;
  readonly baseline: SideSummary;
  readonly current: SideSummary;
  /** current.median / baseline.median - 1. */
  readonly delta: number;
  /** The change in the bad direction: delta for lower-is-better units, -delta for rates. */
  readonly worse: number;
  /** Two-sided Mann-Whitney U p-value as benchstat computes it (1 when the test cannot run). */
  readonly p: number;
  readonly testFailure: 'all-equal' | 'too-few-samples' | null;
  /** Holm-adjusted p across all `m` tests of the comparison. */
  readonly pAdjusted: number;
  /** Smallest p the exact U test can reach for these sample sizes: 2 / C(n1 + n2, n1). */
  readonly minPossibleP: number;
  readonly significant: boolean;
  readonly verdict: Verdict;
  readonly cause: VerdictCause;
  readonly reason: string;
}

export interface GateEnvironment {
  readonly baseline: Fingerprint | null;
  readonly current: Fingerprint | null;
  /** False when either side had no fingerprint (Go benchmark text). */
  readonly checked: boolean;
  /** Engine versions compared too (false in A/B mode). */
  readonly enginesChecked: boolean;
  readonly mismatches: readonly FingerprintMismatch[];
  /** `--allow-env-mismatch` was given. */
  readonly allowed: boolean;
}

export interface GateResult {
  readonly baselineLabel: string;
  readonly currentLabel: string;
  readonly alpha: number;
  readonly confidence: number;
  readonly metrics: readonly string[];
  /** Number of tests in the Holm family. */
  readonly m: number;
  readonly tests: readonly GateTest[];
  readonly environment: GateEnvironment;
  /** Things the reader must know: benchmarks in only one input, metrics absent, missing fingerprints, input warnings. */
  readonly notes: readonly string[];
  readonly counts: Readonly<Record<Verdict, number>>;
  /** False when any test is a regression. */
  readonly pass: boolean;
  /** 0 pass, 1 regression. */
  readonly exitCode: 0 | 1;
}
