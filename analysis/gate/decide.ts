import { rowNamer, type BenchRecord, type BenchSet } from '../benchfmt/record.ts';
import { higherIsBetter } from '../compare/metric.ts';
import { warningLine } from '../warning.ts';
import { choose, compareSummaries, summarize, type SampleSummary } from '../stats/index.ts';
import { compareFingerprints, describeMismatch, type Fingerprint } from './fingerprint.ts';
import { holmAdjust } from './holm.ts';
import type { GateEnvironment, GateResult, GateTest, SideSummary, Verdict, VerdictCause } from './model.ts';
import { thresholdFor, type Thresholds } from './thresholds.ts';

/** One side of the gate: its records and, for a results.json, its environment fingerprint. */
export interface GateInput {
  readonly label: string;
  readonly set: BenchSet;
  /** Null for Go benchmark text, which carries no fingerprint. */
  readonly fingerprint: Fingerprint | null;
  /** Things to pass on to the reader (an incomplete run, merged replicates). */
  readonly notes?: readonly string[];
  /** Why the run did not finish (interrupted, killed), or absent for a complete run. */
  readonly incomplete?: string;
}

export interface GateOptions {
  readonly metrics: readonly string[];
  readonly alpha: number;
  readonly thresholds: Thresholds;
  readonly allowEnvMismatch: boolean;
  /** Compare engine versions in the fingerprint (default true; A/B mode turns it off). */
  readonly checkEngines?: boolean;
  /** Confidence of the median interval used for the spread rule, default 0.95. */
  readonly confidence?: number;
}

/**
 * The gate's decision. For every benchmark present in both inputs and every metric in `opts.metrics`:
 * medians, the two-sided Mann-Whitney U p-value (benchstat's, on all samples), Holm's correction across
 * all those tests, then the verdict by the first rule that applies:
 *
 * 1. the environments differ (and `allowEnvMismatch` is off): inconclusive;
 * 2. m x (smallest p the exact U test can give for n1, n2) > alpha, so it can never be significant:
 *    inconclusive (too few samples);
 * 3. the baseline median is 0: inconclusive (no relative change);
 * 4. Holm-adjusted p <= alpha and worse by more than the threshold: regression;
 * 5. Holm-adjusted p <= alpha and better by more than the threshold: improvement;
 * 6. the change is beyond the threshold but not significant: inconclusive;
 * 7. either side's 95% median interval is wider than the threshold (relative half-width), so a
 *    threshold-sized change could hide in it: inconclusive;
 * 8. otherwise: no change.
 */
export function decide(baseline: GateInput, current: GateInput, opts: GateOptions): GateResult {
  const alpha = opts.alpha;
  const confidence = opts.confidence ?? 0.95;
  const notes: string[] = [];
  // One benchmark per name and package, as benchstat: same-named benchmarks of two packages never pool.
  const rowOf = rowNamer([baseline.set, current.set]);
  const b = collect(baseline.set, opts.metrics, rowOf);
  const c = collect(current.set, opts.metrics, rowOf);

  // Which (name, unit) pairs both sides have, in baseline order, then the ones only one side has.
  const pairs: Array<{ name: string; unit: string; old: number[]; new: number[] }> = [];
  for (const [key, old] of b.samples) {
    const cur = c.samples.get(key);
    const [name, unit] = key.split('\u0000') as [string, string];
    if (cur) pairs.push({ name, unit, old, new: cur });
  }
  const onlyIn = (x: Collected, y: Collected) => [...x.names].filter((n) => !y.names.has(n));
  const onlyBase = onlyIn(b, c);
  const onlyCur = onlyIn(c, b);
  if (onlyBase.length > 0) notes.push(`${onlyBase.length} benchmark${s(onlyBase.length)} only in the baseline, not gated: ${list(onlyBase)}`);
  if (onlyCur.length > 0) notes.push(`${onlyCur.length} benchmark${s(onlyCur.length)} only in the current run, not gated: ${list(onlyCur)}`);
  for (const unit of opts.metrics) {
    const inB = b.units.has(unit);
    const inC = c.units.has(unit);
    if (!inB || !inC) notes.push(`metric ${unit} is not in the ${!inB && !inC ? 'baseline or the current run' : !inB ? 'baseline' : 'current run'}; not gated`);
  }
  for (const [side, input] of [['baseline', baseline], ['current', current]] as const) {
    // Reader warnings (skipped lines, `path:line: ...`) and run warnings (`label: busy machine`), capped.
    const warnings = [...input.set.warnings, ...(input.set.runWarnings ?? [])];
    for (const w of warnings.slice(0, 5)) notes.push(w.source !== undefined ? `${side} ${warningLine(w)}` : `${side}: ${w.text}`);
    if (warnings.length > 5) notes.push(`${side}: ${warnings.length - 5} more warnings`);
    for (const n of input.notes ?? []) notes.push(`${side}: ${n}`);
  }

  const environment = envCheck(baseline, current, opts, notes);
  const envBlocks = environment.mismatches.length > 0 && !environment.allowed;
  const envReason = envBlocks ? `environment differs (${environment.mismatches.map(describeMismatch).join('; ')}); pass --allow-env-mismatch to gate anyway` : '';

  const stat = { style: 'ci' as const, alpha, confidence };
  const raw = pairs.map((pr) => {
    const so = summarize(pr.old, stat);
    const sn = summarize(pr.new, stat);
    const cmp = compareSummaries(so, sn, 'ci', alpha);
    return { pr, so, sn, p: cmp.p ?? 1, testFailure: cmp.testFailure };
  });
  const m = raw.length;
  const adjusted = holmAdjust(raw.map((r) => r.p));

  const tests: GateTest[] = raw.map((r, i): GateTest => {
    const { pr, so, sn } = r;
    const { threshold, rule } = thresholdFor(opts.thresholds, pr.name, pr.unit);
    const better = higherIsBetter(pr.unit);
    const delta = so.center === 0 ? (sn.center === 0 ? 0 : NaN) : sn.center / so.center - 1;
    const worse = better ? -delta : delta;
    const pAdjusted = adjusted[i] ?? 1;
    const minP = Math.min(1, 2 / choose(so.n + sn.n, so.n));
    const significant = r.testFailure === null && pAdjusted <= alpha;
    const base = {
      name: pr.name, unit: pr.unit, higherIsBetter: better, threshold, thresholdRule: rule,
      baseline: side(so, pr.old), current: side(sn, pr.new), delta, worse, p: r.p, testFailure: r.testFailure,
      pAdjusted, minPossibleP: minP, significant,
    };
    const [verdict, cause, reason] = verdictOf({ ...base, m, alpha, envReason });
    return { ...base, verdict, cause, reason };
  });

  const counts: Record<Verdict, number> = { regression: 0, improvement: 0, 'no change': 0, inconclusive: 0 };
  for (const t of tests) counts[t.verdict]++;
  const pass = counts.regression === 0;
  return {
    baselineLabel: baseline.label, currentLabel: current.label, alpha, confidence, metrics: [...opts.metrics], m, tests,
    environment, notes, counts, pass, exitCode: pass ? 0 : 1,
  };
}

interface VerdictInput {
  readonly baseline: SideSummary;
  readonly current: SideSummary;
  readonly delta: number;
  readonly worse: number;
  readonly threshold: number;
  readonly pAdjusted: number;
  readonly minPossibleP: number;
  readonly significant: boolean;
  readonly m: number;
  readonly alpha: number;
  readonly envReason: string;
}

function verdictOf(t: VerdictInput): [Verdict, VerdictCause, string] {
  const pct = (x: number) => `${(x * 100).toFixed(x !== 0 && Math.abs(x) < 0.1 ? 1 : 0)}%`;
  const signed = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
  const thr = pct(t.threshold);
  if (t.envReason) return ['inconclusive', 'environment-mismatch', t.envReason];
  if (t.m * t.minPossibleP > t.alpha) {
    const need = t.m === 1 ? `alpha ${t.alpha}` : `alpha/m = ${t.alpha}/${t.m}`;
    return ['inconclusive', 'too-few-samples', `too few samples: with n=${t.baseline.n}+${t.current.n} the U test's smallest p is ${fmtP(t.minPossibleP)}, never <= ${need}; run more replicates`];
  }
  if (Number.isNaN(t.delta)) return ['inconclusive', 'zero-baseline', 'baseline median is 0: no relative change'];
  const beyondWorse = t.worse > t.threshold;
  const beyondBetter = -t.worse > t.threshold;
  if (t.significant && beyondWorse) return ['regression', 'significant-worse', `worse by ${signed(t.worse)} > ${thr} threshold, Holm p=${fmtP(t.pAdjusted)} <= ${t.alpha}`];
  if (t.significant && beyondBetter) return ['improvement', 'significant-better', `better by ${signed(-t.worse)} > ${thr} threshold, Holm p=${fmtP(t.pAdjusted)} <= ${t.alpha}`];
  if (beyondWorse || beyondBetter) {
    return ['inconclusive', 'not-significant-beyond-threshold', `change ${signed(t.delta)} is beyond the ${thr} threshold but not significant (Holm p=${fmtP(t.pAdjusted)} > ${t.alpha})`];
  }
  const wide = [['baseline', t.baseline.spread], ['current', t.current.spread]].find(([, sp]) => !((sp as number) <= t.threshold));
  if (wide) {
    const sp = wide[1] as number;
    const shown = Number.isNaN(sp) ? '?' : sp === Infinity ? '∞ (n too small for an interval)' : pct(sp);
    return ['inconclusive', 'spread-wider-than-threshold', `${wide[0]} spread ±${shown} (95% CI of the median) is wider than the ${thr} threshold: a ${thr} change cannot be told apart; run more replicates or reduce noise`];
  }
  const sig = t.significant ? `a significant ${signed(t.delta)}` : `${signed(t.delta)}, not significant,`;
  return ['no change', 'within-threshold', `${sig} within the ${thr} threshold; both spreads <= ${thr}`];
}

/** p for humans: 4 decimals, or an exponent when tiny. */
export function fmtP(p: number): string {
  if (p === 0) return '0';
  if (p < 1e-4) return p.toExponential(1);
  return p.toFixed(4);
}

function side(s: SampleSummary, samples: readonly number[]): SideSummary {
  return { n: s.n, median: s.center, lo: s.lo, hi: s.hi, spread: s.spread ?? NaN, samples: [...samples] };
}

interface Collected {
  /** key `name\0unit` -> values in input order; insertion order is the first appearance. */
  readonly samples: Map<string, number[]>;
  readonly names: Set<string>;
  readonly units: Set<string>;
}

function collect(set: BenchSet, metrics: readonly string[], rowOf: (r: BenchRecord) => string): Collected {
  const samples = new Map<string, number[]>();
  const names = new Set<string>();
  const units = new Set<string>();
  for (const r of set.records) {
    const name = rowOf(r);
    names.add(name);
    for (const v of r.values) {
      units.add(v.unit);
      if (!metrics.includes(v.unit)) continue;
      const key = `${name}\u0000${v.unit}`;
      const arr = samples.get(key);
      if (arr) arr.push(v.value);
      else samples.set(key, [v.value]);
    }
  }
  // Order tests by metric as given, then by first appearance of the name.
  const sorted = new Map([...samples].sort((a, b) => metrics.indexOf(unitOf(a[0])) - metrics.indexOf(unitOf(b[0]))));
  return { samples: sorted, names, units };
}

function unitOf(key: string): string {
  return key.slice(key.indexOf('\u0000') + 1);
}

function envCheck(baseline: GateInput, current: GateInput, opts: GateOptions, notes: string[]): GateEnvironment {
  const enginesChecked = opts.checkEngines !== false;
  const b = baseline.fingerprint;
  const c = current.fingerprint;
  if (b === null || c === null) {
    const which = b === null && c === null ? 'baseline and current are' : b === null ? 'baseline is' : 'current is';
    notes.push(`${which} Go benchmark text: no environment fingerprint (CPU, filesystem, engine versions), so the environments were not compared`);
    return { baseline: b, current: c, checked: false, enginesChecked, mismatches: [], allowed: opts.allowEnvMismatch };
  }
  const mismatches = compareFingerprints(b, c, { engines: enginesChecked });
  if (mismatches.length > 0 && opts.allowEnvMismatch) {
    notes.push(`environment differs, gated anyway (--allow-env-mismatch): ${mismatches.map(describeMismatch).join('; ')}`);
  }
  return { baseline: b, current: c, checked: true, enginesChecked, mismatches, allowed: opts.allowEnvMismatch };
}

function s(n: number): string {
  return n === 1 ? '' : 's';
}

function list(names: readonly string[]): string {
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}
