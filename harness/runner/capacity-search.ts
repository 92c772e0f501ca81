import type { CapacityProbe, RunResult, Slo } from '../../analysis/results-schema.ts';

/** What one probe run reports: the run, and the SLO's percentile from intended start. */
export interface ProbeOutcome {
  readonly run: RunResult;
  readonly valueNs: number;
}

export interface SearchOptions {
  readonly slo: Slo;
  /** First rate tried (ops/s). */
  readonly startRate: number;
  /** Never offered above this (a bound of the search, not of the layout). */
  readonly maxRate: number;
  /** Below this a layout has no capacity at the SLO (0). */
  readonly minRate: number;
  /** Bisection stops when (fail - pass) / pass is at or below this. */
  readonly resolution: number;
  /** At most this many probes, confirming runs included (at least 2: one probe and its confirmation). */
  readonly maxProbes: number;
}

export interface SearchResult {
  readonly capacityOpsPerSec: number;
  readonly bound: 'exact' | 'at-least';
  readonly probes: readonly CapacityProbe[];
}

/**
 * The highest rate whose percentile stays under the SLO: bracket (double from `startRate` while probes
 * pass, halve while they fail), bisect between the highest pass and the lowest fail, then run the best
 * pass again to confirm it. A confirming run that fails turns that rate into a failure and the search
 * goes on below it, so a lucky probe is never the answer. A probe passes when its run kept up with its
 * schedule and its percentile was at or under the bound. `probe` runs one fresh replicate at a rate.
 */
export async function searchCapacity(opts: SearchOptions, probe: (rate: number) => Promise<ProbeOutcome | null>): Promise<SearchResult | null> {
  const probes: CapacityProbe[] = [];
  let pass = 0; // highest rate that passed (not yet refuted)
  let fail = Infinity; // lowest rate that failed
  let confirmed = 0;
  const step = async (rate: number, phase: CapacityProbe['phase']): Promise<boolean | null> => {
    const out = await probe(rate);
    if (out === null) return null;
    const ok = (out.run.open?.keptUp ?? true) && out.valueNs <= opts.slo.boundNs;
    probes.push({ rateOpsPerSec: rate, phase, valueNs: out.valueNs, pass: ok, run: out.run });
    return ok;
  };
  // Bracketing and bisection leave the last probe for the confirming run.
  const room = () => probes.length < opts.maxProbes - 1;
  let rate = Math.min(opts.maxRate, Math.max(opts.minRate, Math.round(opts.startRate)));
  // Bracket.
  while (room()) {
    const ok = await step(rate, 'bracket');
    if (ok === null) return null;
    if (ok) pass = rate;
    else fail = rate;
    if (pass > 0 && fail < Infinity) break;
    if (ok && rate >= opts.maxRate) break;
    if (!ok && rate <= opts.minRate) break;
    rate = ok ? Math.min(opts.maxRate, rate * 2) : Math.max(opts.minRate, Math.round(rate / 2));
  }
  for (;;) {
    // Bisect.
    while (room() && pass > 0 && fail < Infinity && (fail - pass) / pass > opts.resolution) {
      const mid = Math.round((pass + fail) / 2);
      if (mid <= pass || mid >= fail) break;
      const ok = await step(mid, 'bisect');
      if (ok === null) return null;
      if (ok) pass = mid;
      else fail = mid;
    }
    if (pass === 0 || probes.length >= opts.maxProbes) break;
    // Confirm the best pass with a run of its own.
    const ok = await step(pass, 'confirm');
    if (ok === null) return null;
    if (ok) {
      confirmed = pass;
      break;
    }
    fail = pass;
    const below = probes.filter((p) => p.pass && p.rateOpsPerSec < fail).map((p) => p.rateOpsPerSec);
    pass = below.length > 0 ? Math.max(...below) : 0;
    if (pass === 0 && fail > opts.minRate && room()) {
      // Nothing passed below the refuted rate: halve from it.
      let r = Math.max(opts.minRate, Math.round(fail / 2));
      while (room()) {
        const ok2 = await step(r, 'bracket');
        if (ok2 === null) return null;
        if (ok2) {
          pass = r;
          break;
        }
        fail = r;
        if (r <= opts.minRate) break;
        r = Math.max(opts.minRate, Math.round(r / 2));
      }
    }
    if (pass === 0) break;
  }
  const exact = confirmed > 0 ? fail < Infinity : pass === 0 && fail <= opts.minRate;
  return { capacityOpsPerSec: confirmed, bound: exact ? 'exact' : 'at-least', probes };
}
