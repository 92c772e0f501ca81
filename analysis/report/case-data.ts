import type { BenchmarkResult, ResultsFile, RunResult } from '../results-schema.ts';

/**
 * One benchmark of a results file, arranged for charts: its family, layout, the parameters in name order,
 * and the keys that charts group by. A chart never parses names itself.
 */
export interface CaseRow {
  readonly name: string;
  readonly family: string;
  /** `layout=` value, or `-` when the benchmark has none. */
  readonly layout: string;
  /** Parameters in the order the name gives them. */
  readonly params: ReadonlyArray<readonly [string, string]>;
  /** Value size in bytes (`vs=`), when present and numeric. */
  readonly vs: number | null;
  /** Concurrent clients (`clients=`), when present and numeric. */
  readonly clients: number | null;
  /** The case without its layout: `BatchCommit/order=interleaved/vs=1024`. */
  readonly caseKey: string;
  readonly bytesPerOp: number;
  readonly runs: readonly RunResult[];
}

/** Benchmarks with at least one run, in file order. */
export function caseRows(results: ResultsFile): CaseRow[] {
  return results.benchmarks.filter((b) => b.runs.length > 0).map(toRow);
}

function toRow(b: BenchmarkResult): CaseRow {
  const params = orderedParams(b);
  const get = (k: string) => params.find(([key]) => key === k)?.[1];
  return {
    name: b.name,
    family: b.family,
    layout: get('layout') ?? '-',
    params,
    vs: numeric(get('vs')),
    clients: numeric(get('clients')),
    caseKey: label(b.family, params, ['layout']),
    bytesPerOp: b.bytesPerOp,
    runs: b.runs,
  };
}

/** `family/k=v/...` leaving out the keys in `without`; just the family when nothing is left. */
export function label(family: string, params: CaseRow['params'], without: readonly string[]): string {
  return [family, ...params.filter(([k]) => !without.includes(k)).map(([k, v]) => `${k}=${v}`)].join('/');
}

/** The parameters other than `without`, as `k=v k=v` (empty string when none). */
export function paramText(params: CaseRow['params'], without: readonly string[]): string {
  return params.filter(([k]) => !without.includes(k)).map(([k, v]) => `${k}=${v}`).join(' ');
}

/** Parameters in the order of the name's `key=value` parts, then any the name lacks. */
function orderedParams(b: BenchmarkResult): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const params = b.params ?? {};
  for (const part of b.name.split('/').slice(1)) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const k = part.slice(0, eq);
    if (Object.hasOwn(params, k) && !out.some(([x]) => x === k)) out.push([k, String(params[k])]);
  }
  for (const [k, v] of Object.entries(params)) if (!out.some(([x]) => x === k)) out.push([k, String(v)]);
  return out;
}

function numeric(v: string | undefined): number | null {
  if (v === undefined || !/^\d+(\.\d+)?$/.test(v)) return null;
  return Number(v);
}

/** Layouts in the order the run configured them, then any others in file order. */
export function layoutOrder(results: ResultsFile, rows: readonly CaseRow[]): string[] {
  const out = [...(results.config?.layouts ?? [])].map(String);
  for (const r of rows) if (!out.includes(r.layout)) out.push(r.layout);
  return out.filter((l) => rows.some((r) => r.layout === l));
}

/** Families in file order. */
export function families(rows: readonly CaseRow[]): string[] {
  return [...new Set(rows.map((r) => r.family))];
}

/** Index of the run whose ns/op is the median (the lower one of the middle two for an even count). */
export function medianRunIndex(runs: readonly RunResult[]): number {
  const order = runs.map((r, i) => [r.nsPerOp, i] as const).sort((a, b) => a[0] - b[0]);
  return order[Math.floor((order.length - 1) / 2)]?.[1] ?? 0;
}
