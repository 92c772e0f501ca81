import { readFile } from 'node:fs/promises';
import { UserError } from '../../errors/user-error.ts';

/**
 * Per-benchmark thresholds: the smallest relative change (a fraction, 0.05 = 5%) that counts as a
 * regression or an improvement. Read from a small JSON file:
 *
 * ```json
 * { "thresholds": [ { "match": "BatchCommit/*vs=1048576*", "threshold": "10%" },
 *                   { "match": "*", "metric": "p99-ns", "threshold": "20%" } ],
 *   "default": "5%" }
 * ```
 *
 * `match` is a glob on the full benchmark name: `*` any run of characters (slashes included), `?` one
 * character, everything else literal. The optional `metric` limits a rule to one unit. The first rule that
 * matches wins; otherwise `default`.
 */
export interface ThresholdRule {
  readonly match: string;
  readonly metric: string | null;
  readonly threshold: number;
  readonly regex: RegExp;
}

export interface Thresholds {
  readonly rules: readonly ThresholdRule[];
  readonly fallback: number;
}

export const DEFAULT_THRESHOLD = 0.05;

/** `5%` or `5` (both five percent) to 0.05; undefined when not a percentage in [0, 1000]. */
export function parseThreshold(s: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*%?\s*$/.exec(s);
  if (!m || m[1] === undefined) return undefined;
  const pct = Number(m[1]);
  return Number.isFinite(pct) && pct >= 0 && pct <= 1000 ? pct / 100 : undefined;
}

/** A glob (`*`, `?`) as an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (const ch of glob) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

export function thresholdFor(t: Thresholds, name: string, unit: string): { threshold: number; rule: string | null } {
  for (const r of t.rules) {
    if (r.metric !== null && r.metric !== unit) continue;
    if (r.regex.test(name)) return { threshold: r.threshold, rule: r.match };
  }
  return { threshold: t.fallback, rule: null };
}

/** Validates a parsed config; every problem is a one-line UserError naming `where` and the entry. */
export function parseThresholdConfig(v: unknown, where: string, fallback = DEFAULT_THRESHOLD): Thresholds {
  const bad = (what: string) => new UserError(`${where}: ${what}; expected {"thresholds": [{"match": "Glob*", "threshold": "10%"}], "default": "5%"}`);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad('not a JSON object');
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (k !== 'thresholds' && k !== 'default') throw bad(`unknown key "${k}"`);
  let dflt = fallback;
  if (o['default'] !== undefined) {
    const d = typeof o['default'] === 'string' || typeof o['default'] === 'number' ? parseThreshold(String(o['default'])) : undefined;
    if (d === undefined) throw bad(`"default" ${JSON.stringify(o['default'])} is not a percentage like "5%"`);
    dflt = d;
  }
  const list = o['thresholds'] ?? [];
  if (!Array.isArray(list)) throw bad('"thresholds" is not a list');
  const rules = list.map((e: unknown, i): ThresholdRule => {
    if (typeof e !== 'object' || e === null) throw bad(`thresholds[${i}] is not an object`);
    const r = e as Record<string, unknown>;
    for (const k of Object.keys(r)) if (k !== 'match' && k !== 'threshold' && k !== 'metric') throw bad(`thresholds[${i}]: unknown key "${k}"`);
    if (typeof r['match'] !== 'string' || r['match'] === '') throw bad(`thresholds[${i}]: "match" must be a non-empty glob string`);
    const t = typeof r['threshold'] === 'string' || typeof r['threshold'] === 'number' ? parseThreshold(String(r['threshold'])) : undefined;
    if (t === undefined) throw bad(`thresholds[${i}]: "threshold" ${JSON.stringify(r['threshold'] ?? null)} is not a percentage like "10%"`);
    if (r['metric'] !== undefined && typeof r['metric'] !== 'string') throw bad(`thresholds[${i}]: "metric" must be a unit string like "p99-ns"`);
    return { match: r['match'], metric: (r['metric'] as string | undefined) ?? null, threshold: t, regex: globToRegExp(r['match']) };
  });
  return { rules, fallback: dflt };
}

export async function readThresholdConfig(file: string, fallback = DEFAULT_THRESHOLD): Promise<Thresholds> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`--config ${file}: ${code === 'ENOENT' ? 'no such file' : code ?? 'cannot read'}`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new UserError(`--config ${file}: invalid JSON (${(err instanceof Error ? err.message : String(err)).split('\n')[0]})`);
  }
  return parseThresholdConfig(v, `--config ${file}`, fallback);
}
