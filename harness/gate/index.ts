/**
 * The regression gate: statistics-based verdicts per benchmark and metric (`decide`), with Holm's
 * correction, per-benchmark thresholds, an environment fingerprint check, and A/B mode (`runAb`) that runs
 * a git ref and the working tree alternately. Renderers for text, markdown and JSON live beside it.
 */
export { decide, fmtP, type GateInput, type GateOptions } from './decide.ts';
export { holmAdjust } from './holm.ts';
export { parseThreshold, parseThresholdConfig, readThresholdConfig, thresholdFor, globToRegExp, DEFAULT_THRESHOLD, type Thresholds, type ThresholdRule } from './thresholds.ts';
export { fingerprintOf, compareFingerprints, describeMismatch, type Fingerprint, type FingerprintMismatch } from './fingerprint.ts';
export { GATE_METRICS, DEFAULT_METRICS, parseMetrics } from './metrics.ts';
export { loadGateInput, gateInputFromResults } from './load.ts';
export { mergeReplicates } from './merge.ts';
export { runAb, AbInterrupted, type AbOptions, type AbOutcome } from './ab.ts';
export { renderGateText } from './render-text.ts';
export { renderGateMarkdown } from './render-markdown.ts';
export { renderGateJson } from './render-json.ts';
export type { GateResult, GateTest, GateEnvironment, SideSummary, Verdict, VerdictCause } from './model.ts';
