import type { Warning } from '../warning.ts';

/**
 * One benchmark result line in Go's benchmark format (golang.org/design/14313-benchmark-format), after
 * parsing: `BenchmarkBatchCommit/layout=shared/vs=1024-4  100  70212 ns/op  14.6 MB/s`.
 * Results from a raftbench results.json are converted into the same records, so everything downstream
 * (compare, gate, report tables) sees one model.
 */
export interface BenchValue {
  readonly value: number;
  /** As written: `ns/op`, `MB/s`, `B/op`, `p99-ns`, ... */
  readonly unit: string;
}

export interface NamePart {
  /** `layout` for `layout=shared`; empty for a part without `=`. */
  readonly key: string;
  readonly value: string;
}

export interface BenchRecord {
  /** The name without the `Benchmark` prefix, exactly as written, with any `-N` suffix: `BatchCommit/vs=1024-4`. */
  readonly name: string;
  /** The top-level benchmark: `BatchCommit`. */
  readonly family: string;
  /** The `/`-separated parts after the family, without the `-N` suffix. */
  readonly parts: readonly NamePart[];
  /** The `-N` (GOMAXPROCS) suffix, or null when absent. */
  readonly procs: number | null;
  readonly iterations: number;
  readonly values: readonly BenchValue[];
  /** File configuration (`key: value` lines) in effect at this line. */
  readonly config: Readonly<Record<string, string>>;
  /** Where the record came from, for messages: `path:line` (or `path` with the benchmark for results.json). */
  readonly source: string;
}

/** A parsed input: its records, the configuration seen, and warnings about lines that were skipped. */
export interface BenchSet {
  /** The path as the user gave it; used as the column label. */
  readonly label: string;
  readonly records: readonly BenchRecord[];
  /** One `unreadable-line` warning (source `path:line`) for every skipped line. */
  readonly warnings: readonly Warning[];
  /** What the run itself warns about (results.json only: non-durable directory, incomplete run, busy machine), source the label. */
  readonly runWarnings?: readonly Warning[];
  /** Why the run did not finish: a raftbench bench.txt says so in a `# raftbench-incomplete: why` line. */
  readonly incomplete?: string;
}

/** Splits a benchmark name (without `Benchmark`) into family, parts and the `-N` suffix. */
export function splitName(name: string): { family: string; parts: NamePart[]; procs: number | null } {
  let base = name;
  let procs: number | null = null;
  const m = /^(.*)-(\d+)$/.exec(name);
  if (m && m[1] !== undefined && m[2] !== undefined && m[1].length > 0) {
    base = m[1];
    procs = Number(m[2]);
  }
  const [family = '', ...rest] = base.split('/');
  const parts = rest.map((p): NamePart => {
    const eq = p.indexOf('=');
    return eq < 0 ? { key: '', value: p } : { key: p.slice(0, eq), value: p.slice(eq + 1) };
  });
  return { family, parts, procs };
}

/** Joins a name back, leaving out the parts whose key is in `without`. */
export function joinName(family: string, parts: readonly NamePart[], procs: number | null, without: ReadonlySet<string> = new Set()): string {
  let s = family;
  for (const p of parts) {
    if (p.key !== '' && without.has(p.key)) continue;
    s += '/' + (p.key === '' ? p.value : `${p.key}=${p.value}`);
  }
  return procs === null ? s : `${s}-${procs}`;
}

/**
 * Names a record's row so that benchmarks of the same name in different `pkg:` sections stay apart, as in
 * benchstat (which splits tables by package): while every record of `sets` has one package (or none),
 * the row is the benchmark name; otherwise the package follows it, `Encode-8 (pkg encoding/json)`.
 * `name` replaces the record's own (a name with a part taken out).
 */
export function rowNamer(sets: readonly BenchSet[]): (r: BenchRecord, name?: string) => string {
  const pkgs = new Set<string>();
  for (const s of sets) for (const r of s.records) if (r.config['pkg'] !== undefined) pkgs.add(r.config['pkg']);
  if (pkgs.size <= 1) return (r, name = r.name) => name;
  return (r, name = r.name) => (r.config['pkg'] === undefined ? name : `${name} (pkg ${r.config['pkg']})`);
}
