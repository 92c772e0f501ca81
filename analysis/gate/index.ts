/**
 * The regression gate: statistics-based verdicts per benchmark and metric (`decide`), with Holm's
 * correction, per-benchmark thresholds and an environment fingerprint check. Pure: loading inputs and the
 * A/B runs live in `harness/`, renderers in `reports/gate/`.
 */
export { decide, fmtP, type GateInput, type GateOptions } from './decide.ts';
export { holmAdjust } from './holm.ts';
export { parseThreshold, parseThresholdConfig, readThresholdConfig, thresholdFor, globToRegExp, DEFAULT_THRESHOLD, type Thresholds, type ThresholdRule } from './thresholds.ts';
export { fingerprintOf, compareFingerprints, describeMismatch, type Fingerprint, type FingerprintMismatch } from './fingerprint.ts';
export { GATE_METRICS, DEFAULT_METRICS, parseMetrics } from './metrics.ts';
export { mergeReplicates } from './merge.ts';
export type { GateResult, GateTest, GateEnvironment, SideSummary, Verdict, VerdictCause } from './model.ts';
