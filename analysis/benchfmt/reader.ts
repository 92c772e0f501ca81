import { warning, type Warning } from '../warning.ts';
import { splitName, type BenchRecord, type BenchSet, type BenchValue } from './record.ts';

/**
 * Reads Go benchmark text: our `bench.txt` and real `go test -bench` output. Configuration lines
 * (`key: value`, key starting lower-case with no spaces or upper case) apply to the results after them;
 * result lines are `BenchmarkName[-N] iterations value unit [value unit ...]`. The usual `go test` chatter
 * (PASS, ok, FAIL, `--- BENCH`, indented log lines) is skipped silently; any other line is skipped with a
 * warning naming file and line, never fatal.
 */
export function parseBenchText(text: string, label: string): BenchSet {
  const records: BenchRecord[] = [];
  const warnings: Warning[] = [];
  let config: Record<string, string> = {};
  let incomplete: string | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const where = `${label}:${i + 1}`;
    const line = raw.trimEnd();
    if (line.trim() === '') continue;

    const cfg = /^([^\s:A-Z][^\s:A-Z]*):(?:\s+(.*))?$/u.exec(line);
    if (cfg && cfg[1] !== undefined && /^\p{Ll}/u.test(cfg[1])) {
      const value = (cfg[2] ?? '').trim();
      config = { ...config };
      if (value === '') delete config[cfg[1]];
      else config[cfg[1]] = value;
      continue;
    }

    if (/^Benchmark(?!\p{Ll})/u.test(line)) {
      const r = parseResultLine(line, config, where);
      if (typeof r === 'string') warnings.push(warning('unreadable-line', 'warning', r, where));
      else if (r !== null) records.push(r);
      continue;
    }

    // Not configuration (a per-run key would split benchstat's tables): a comment line benchstat skips.
    const inc = /^# raftbench-incomplete: (.*)$/.exec(line);
    if (inc) {
      incomplete = inc[1]!;
      continue;
    }

    if (isGoTestNoise(raw)) continue;
    warnings.push(warning('unreadable-line', 'warning', `not a benchmark result or configuration line: ${abbreviate(line)}`, where));
  }
  return { label, records, warnings, ...(incomplete !== undefined ? { incomplete } : {}) };
}

/** A record, null for a name-only line (go test prints one before a benchmark's log output), or why it is not one. */
function parseResultLine(line: string, config: Record<string, string>, where: string): BenchRecord | string | null {
  const f = line.trim().split(/\s+/);
  const fullName = f[0] as string;
  if (f.length === 1) return null;
  if (f.length < 4) return `result line needs a name, an iteration count and at least one value and unit: ${abbreviate(line)}`;
  const iterText = f[1] as string;
  if (!/^\d+$/.test(iterText)) return `iteration count "${iterText}" is not a whole number`;
  if ((f.length - 2) % 2 !== 0) return `value "${f[f.length - 1]}" has no unit`;
  const values: BenchValue[] = [];
  for (let k = 2; k + 1 < f.length; k += 2) {
    const v = f[k] as string;
    const value = Number(v);
    if (v === '' || !Number.isFinite(value) || !/^[-+0-9.]/.test(v)) return `"${v}" is not a number (before unit "${f[k + 1]}")`;
    values.push({ value, unit: f[k + 1] as string });
  }
  const name = fullName.slice('Benchmark'.length);
  const { family, parts, procs } = splitName(name);
  return { name, family, parts, procs, iterations: Number(iterText), values, config, source: where };
}

function isGoTestNoise(raw: string): boolean {
  if (/^\s/.test(raw)) return true; // indented: benchmark log output, test output
  return /^(PASS|FAIL|ok\s|FAIL\s|\?\s|---\s|===\s|exit status\s|panic:|goroutine\s|testing:|#\s)/.test(raw) || raw === 'PASS' || raw === 'FAIL';
}

function abbreviate(s: string): string {
  const t = s.trim();
  return t.length > 60 ? `${t.slice(0, 57)}...` : t;
}
