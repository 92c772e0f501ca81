import { warning, type Warning } from '../warning.ts';
import { joinName, rowNamer, type BenchRecord, type BenchSet } from '../benchfmt/record.ts';

/**
 * Samples arranged for a table: per unit, per row name, per column, the values in input order. Rows,
 * columns and units keep the order in which they first appear.
 */
export interface Grouped {
  readonly columns: string[];
  readonly units: string[];
  readonly rowsByUnit: Map<string, string[]>;
  readonly samples: Map<string, number[]>;
  readonly warnings: Warning[];
}

export function sampleKey(unit: string, row: string, column: string): string {
  return `${unit}\u0000${row}\u0000${column}`;
}

function empty(): Grouped {
  return { columns: [], units: [], rowsByUnit: new Map(), samples: new Map(), warnings: [] };
}

function add(g: Grouped, r: BenchRecord, row: string, column: string): void {
  if (!g.columns.includes(column)) g.columns.push(column);
  for (const v of r.values) {
    let rows = g.rowsByUnit.get(v.unit);
    if (!rows) {
      rows = [];
      g.rowsByUnit.set(v.unit, rows);
      g.units.push(v.unit);
    }
    if (!rows.includes(row)) rows.push(row);
    const k = sampleKey(v.unit, row, column);
    const s = g.samples.get(k);
    if (s) s.push(v.value);
    else g.samples.set(k, [v.value]);
  }
}

/** Each input is a column (OLD NEW, like `benchstat old.txt new.txt`); rows are full benchmark names (with the package where inputs hold several). */
export function groupByInput(sets: readonly BenchSet[]): Grouped {
  const g = empty();
  const labels = uniqueLabels(sets.map((s) => s.label));
  const rowOf = rowNamer(sets);
  sets.forEach((set, i) => {
    const label = labels[i] as string;
    if (!g.columns.includes(label)) g.columns.push(label);
    g.warnings.push(...set.warnings);
    for (const r of set.records) add(g, r, rowOf(r), label);
  });
  return g;
}

/**
 * Columns are the values of name part `key` (like `benchstat -col /layout`); rows are the names without
 * that part. Records without the key are left out with a warning.
 */
export function groupAlongKey(sets: readonly BenchSet[], key: string): Grouped {
  const g = empty();
  const without = new Set([key]);
  const rowOf = rowNamer(sets);
  let skipped = 0;
  for (const set of sets) {
    g.warnings.push(...set.warnings);
    for (const r of set.records) {
      const part = r.parts.find((p) => p.key === key);
      if (!part) {
        skipped++;
        continue;
      }
      add(g, r, rowOf(r, joinName(r.family, r.parts, r.procs, without)), part.value);
    }
  }
  if (skipped > 0) g.warnings.push(warning('missing-col-key', 'warning', `${skipped} result line${skipped === 1 ? '' : 's'} without a "${key}=" name part left out`));
  return g;
}

/** Two inputs with the same path still need two columns: suffix repeats with #2, #3. */
function uniqueLabels(labels: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((l) => {
    const n = (seen.get(l) ?? 0) + 1;
    seen.set(l, n);
    return n === 1 ? l : `${l}#${n}`;
  });
}
