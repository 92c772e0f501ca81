import { UserError } from '../../errors/user-error.ts';
import type { Slo } from '../../analysis/results-schema.ts';

const UNITS: Readonly<Record<string, number>> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9 };

/**
 * `--slo p99=10ms`: a percentile (`p50`, `p99`, `p99.9`, `p99.99`; above 0, below 100) and a bound with a
 * unit (ns, us, µs, ms, s). Anything else is a UserError naming the value and the form.
 */
export function parseSlo(written: string): Slo {
  const m = /^p(\d{1,2}(?:\.\d+)?)=(\d+(?:\.\d+)?)(ns|us|µs|ms|s)$/.exec(written.trim());
  const pct = m ? Number(m[1]) : NaN;
  const bound = m ? Number(m[2]) * UNITS[m[3]!]! : NaN;
  if (!m || !(pct > 0 && pct < 100) || !(bound > 0)) {
    throw new UserError(`bad --slo ${written === '' ? '"" (empty)' : written}; valid: pPERCENTILE=BOUND with a unit, e.g. p99=10ms, p99.9=50ms, p50=500us`);
  }
  // 99.9 / 100 is 0.9990000000000001 in floating point, and nearest-rank would take one sample too high.
  return { label: `p${m[1]}`, quantile: Number((pct / 100).toFixed(12)), boundNs: bound };
}

/** `p99-10ms`: the SLO as one part of a benchmark name (no `=` or `/` in a Go name's value). */
export function sloNamePart(slo: Slo): string {
  const [v, u] = slo.boundNs % 1e9 === 0 ? [slo.boundNs / 1e9, 's'] : slo.boundNs % 1e6 === 0 ? [slo.boundNs / 1e6, 'ms'] : slo.boundNs % 1e3 === 0 ? [slo.boundNs / 1e3, 'us'] : [slo.boundNs, 'ns'];
  return `${slo.label}-${v}${u}`;
}
