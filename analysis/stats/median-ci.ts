import { binomialPmf } from './binomial.ts';
import { median } from './describe.ts';
import { normalCdf, normalInvCdf } from './normal.ts';
import { at, type SortedSamples } from './sorted-samples.ts';

/**
 * Distribution-free confidence interval of a quantile from order statistics, as benchstat computes it.
 * The number of samples below the population quantile is Binomial(n, q). For n <= 30 start at the mode and
 * add the more likely neighbour (the left one on a tie) until the mass reaches the confidence; above 30 use
 * the normal approximation with continuity correction and take the left-biased band when it still suffices.
 * Orders are 1-based; 0 or n + 1 mean the bound is infinite.
 */
export interface QuantileInterval {
  readonly n: number;
  readonly loOrder: number;
  readonly hiOrder: number;
  /** Actual coverage, >= the requested confidence unless the sample is too small. */
  readonly confidence: number;
}

const APPROX_ABOVE = 30;

export function quantileInterval(n: number, q: number, confidence: number): QuantileInterval {
  if (confidence >= 1) return { n, loOrder: 0, hiOrder: n + 1, confidence: 1 };
  let l: number;
  let r: number;
  let conf: number;
  if (n <= APPROX_ABOVE) {
    const pmf = (k: number): number => binomialPmf(n, q, k);
    const mode = q === 0 ? 0 : Math.ceil((n + 1) * q) - 1;
    conf = pmf(mode);
    l = mode;
    r = mode + 1;
    let lp = pmf(l - 1);
    let rp = pmf(r);
    while (conf < confidence && (lp > 0 || rp > 0)) {
      if (lp >= rp) {
        conf += lp;
        l--;
        lp = pmf(l - 1);
      } else {
        conf += rp;
        r++;
        rp = pmf(r);
      }
    }
  } else {
    const mu = n * q;
    const sigma = Math.sqrt(n * q * (1 - q));
    const l1 = normalInvCdf((1 - confidence) / 2, mu, sigma);
    const r1 = 2 * mu - l1;
    l = Math.floor(Math.floor(l1 - 0.5) + 0.5) + 1;
    r = Math.floor(Math.ceil(r1 - 0.5) + 0.5) + 1;
    const band = (a: number, b: number): number => normalCdf(b - 0.5, mu, sigma) - normalCdf(a - 0.5, mu, sigma);
    conf = band(l, r);
    const biased = band(l, r - 1);
    if (biased >= confidence && biased < conf) {
      conf = biased;
      r = r - 1;
    }
    if (l <= 0 && r >= n + 1) conf = 1;
  }
  return { n, loOrder: Math.max(l, 0), hiOrder: Math.min(r, n + 1), confidence: conf };
}

export interface MedianSummary {
  readonly center: number;
  readonly lo: number;
  readonly hi: number;
  readonly confidence: number;
}

/** Median of `s` with the order-statistic interval at `confidence`; bounds are +-Infinity when n is too small. */
export function medianInterval(s: SortedSamples, confidence: number): MedianSummary {
  const ci = quantileInterval(s.length, 0.5, confidence);
  const lo = ci.loOrder < 1 ? -Infinity : at(s, ci.loOrder - 1);
  const hi = ci.hiOrder - 1 >= s.length ? Infinity : at(s, ci.hiOrder - 1);
  return { center: median(s), lo, hi, confidence: ci.confidence };
}

/**
 * The smallest n (2..50) whose median interval at `confidence` is finite, as benchstat's warning states it:
 * `{op: '>=', n}` or `{op: '>', n: 50}` when none is.
 */
export function minSamplesForInterval(confidence: number): { readonly op: '>=' | '>'; readonly n: number } {
  for (let n = 2; n <= 50; n++) {
    const ci = quantileInterval(n, 0.5, confidence);
    if (ci.loOrder > 0 && ci.hiOrder <= n) return { op: '>=', n };
  }
  return { op: '>', n: 50 };
}
