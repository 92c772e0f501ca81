import type { Comparison, ComparisonRow, ComparisonTable } from '../analysis/compare/index.ts';
import type { SampleSummary } from '../analysis/stats/index.ts';

/**
 * Renders a finished comparison as benchstat prints it. `rfc` style: the pre-2023 benchstat table of the
 * RFC (`75.4µs ± 4%`, `-6.87%  (p=0.000 n=19+17)`); `ci` style: current benchstat (median ± CI with `│`
 * rules, `vs base`, footnoted warnings). Numbers are formatted here, never computed.
 */
export function renderBenchstatText(c: Comparison): string {
  return c.style === 'rfc' ? renderRfc(c) : renderCi(c);
}

// ---------------------------------------------------------------------------------------------------------
// Number formatting with Go's rules (round half to even on exact ties, as strconv does).

/** `%.<prec>f` as Go prints it. */
export function goFixed(x: number, prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  const s = x.toFixed(prec);
  if (Math.abs(x) >= 1e21 || prec + 70 > 100) return s;
  const exact = Math.abs(x).toFixed(prec + 70);
  const dot = exact.indexOf('.');
  const rest = exact.slice(dot + 1 + prec);
  if (/^50*$/.test(rest)) {
    const kept = exact.slice(0, dot + 1 + prec).replace(/\.$/, '');
    const last = Number(kept[kept.length - 1]);
    if (last % 2 === 0) return (x < 0 ? '-' : '') + kept;
  }
  return s;
}

/** `%+.2f%%`, or Go's `0.00%` style where asked. */
export function signedPercent(fraction: number): string {
  const s = goFixed(fraction * 100, 2);
  return (s.startsWith('-') || s === 'NaN' ? s : `+${s}`) + '%';
}

/** Old benchstat's scaler: 3 significant digits with s/ms/µs/ns for ns/op, k/M/G/T otherwise (MB/s as B/s). */
export function oldScaler(val: number, unit: string): (x: number) => string {
  if (unit === 'ns/op') {
    const x = val / 1e9;
    const steps: Array<[number, number, string, number]> = [
      [99.5, 0, 's', 1], [9.95, 1, 's', 1], [0.995, 2, 's', 1],
      [0.0995, 0, 'ms', 1e3], [0.00995, 1, 'ms', 1e3], [0.000995, 2, 'ms', 1e3],
      [0.0000995, 0, 'µs', 1e6], [0.00000995, 1, 'µs', 1e6], [0.000000995, 2, 'µs', 1e6],
      [0.0000000995, 0, 'ns', 1e9], [0.00000000995, 1, 'ns', 1e9],
    ];
    let prec = 2;
    let suffix = 'ns';
    let scale = 1e9;
    for (const [t, p, s, k] of steps) {
      if (x >= t) {
        [prec, suffix, scale] = [p, s, k];
        break;
      }
    }
    return (ns) => goFixed((ns / 1e9) * scale, prec) + suffix;
  }
  const prescale = unit === 'MB/s' ? 1e6 : 1;
  const x = val * prescale;
  const table: Array<[number, number, number, string]> = [
    [99500000000000, 0, 1e12, 'T'], [9950000000000, 1, 1e12, 'T'], [995000000000, 2, 1e12, 'T'],
    [99500000000, 0, 1e9, 'G'], [9950000000, 1, 1e9, 'G'], [995000000, 2, 1e9, 'G'],
    [99500000, 0, 1e6, 'M'], [9950000, 1, 1e6, 'M'], [995000, 2, 1e6, 'M'],
    [99500, 0, 1e3, 'k'], [9950, 1, 1e3, 'k'], [995, 2, 1e3, 'k'],
    [99.5, 0, 1, ''], [9.95, 1, 1, ''],
  ];
  let prec = 2;
  let scale = 1;
  let suffix = '';
  for (const [t, p, k, s] of table) {
    if (x >= t) {
      [prec, scale, suffix] = [p, k, s];
      break;
    }
  }
  if (unit === 'B/op') suffix += 'B';
  if (unit === 'MB/s') suffix += 'B/s';
  scale /= prescale;
  return (v) => goFixed(v / scale, prec) + suffix;
}

// ---------------------------------------------------------------------------------------------------------
// rfc: old benchstat's FormatText.

function rfcCell(m: SampleSummary | null, scale: (x: number) => string): string {
  if (m === null) return '';
  const mean = scale(m.center);
  if (m.spread === null) return `${mean}     `;
  return `${mean} ±${goFixed(m.spread * 100, 0).concat('%').padStart(3)}`;
}

/** Old benchstat's cells for one table, header first; rows missing a side are left out when there are two columns. */
export function rfcRows(c: Comparison, t: ComparisonTable): string[][] {
  const two = c.columns.length === 2;
  const header = two
    ? ['name', `${c.columnKey === null ? 'old' : c.columns[0]} ${t.metric}`, `${c.columnKey === null ? 'new' : c.columns[1]} ${t.metric}`, 'delta']
    : [`name \\ ${t.metric}`, ...c.columns];
  const out: string[][] = [header];
  for (const row of t.rows) {
    if (two && (row.cells[0] === null || row.cells[1] === null)) continue; // benchstat omits a row missing a side
    const base = row.cells.find((x) => x !== null) ?? null;
    const scale = oldScaler(base?.center ?? 0, t.unit);
    const cols = [row.name, ...row.cells.map((m) => rfcCell(m, scale))];
    if (two) {
      const cmp = row.vsBase[1] ?? null;
      let delta = '~';
      let note = '';
      if (cmp) {
        if (cmp.testFailure === 'all-equal') note = '(all equal)';
        else if (cmp.testFailure === 'too-few-samples') note = '(too few samples)';
        else if (cmp.significant) delta = signedPercent(cmp.delta);
        if (note === '' && cmp.p !== null) note = `(p=${goFixed(cmp.p, 3)} n=${cmp.n[0]}+${cmp.n[1]})`;
      }
      cols.push(delta === '~' ? '~   ' : delta, note);
    }
    out.push(trimTrailing(cols));
  }
  if (t.geomean) {
    const first = t.geomean.values.find((v) => v !== null) ?? 0;
    const scale = oldScaler(first, t.unit);
    const cols = ['[Geo mean]', ...t.geomean.values.map((v) => (v === null ? '' : `${scale(v)}     `))];
    if (two) cols.push(t.geomean.deltas[1] == null ? '' : signedPercent(t.geomean.deltas[1]));
    out.push(trimTrailing(cols));
  }
  return out;
}

function trimTrailing(cols: string[]): string[] {
  while (cols.length > 0 && cols[cols.length - 1] === '') cols.pop();
  return cols;
}

function renderRfc(c: Comparison): string {
  const tables = c.tables.map((t) => rfcRows(c, t)).filter((rows) => rows.length > 1);
  const width: number[] = [];
  for (const rows of tables) for (const r of rows) r.forEach((s, i) => (width[i] = Math.max(width[i] ?? 0, [...s].length)));
  const pad = (s: string, w: number, left: boolean) => {
    const n = Math.max(0, w - [...s].length);
    return left ? s + ' '.repeat(n) : ' '.repeat(n) + s;
  };
  let out = '';
  tables.forEach((rows, ti) => {
    if (ti > 0) out += '\n';
    const [head, ...body] = rows as [string[], ...string[][]];
    head.forEach((s, i) => {
      if (i === 0) out += pad(s, width[0] ?? 0, true);
      else if (i === head.length - 1) out += `  ${s}\n`;
      else out += `  ${pad(s, width[i] ?? 0, true)}`;
    });
    if (head.length === 1) out += '\n';
    for (const r of body) {
      r.forEach((s, i) => {
        if (i === 0) out += pad(s, width[0] ?? 0, true);
        else if (i === r.length - 1 && s.startsWith('(')) out += `  ${s}`;
        else out += `  ${pad(s, width[i] ?? 0, false)}`;
      });
      out += '\n';
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// ci: current benchstat (units tidied to base units, at least 4 significant digits, texttab layout).

/** Base units as current benchstat shows them: ns -> sec, MB/s -> B/s. */
export function tidyUnit(unit: string): { unit: string; factor: number; binary: boolean } {
  let u = unit;
  let factor = 1;
  if (u === 'ns/op') [u, factor] = ['sec/op', 1e-9];
  else if (u === 'MB/s') [u, factor] = ['B/s', 1e6];
  const binary = /(^|[^A-Za-z])B(\/|$)/.test(u);
  return { unit: u, factor, binary };
}

interface Scale {
  prec: number;
  factor: number;
  prefix: string;
}

const SI: Array<[number, string]> = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k'], [1, ''], [1e-3, 'm'], [1e-6, 'µ'], [1e-9, 'n']];
const SI_EXP = [12, 9, 6, 3, 0, -3, -6, -9];
const IEC: Array<[number, string]> = [[2 ** 40, 'Ti'], [2 ** 30, 'Gi'], [2 ** 20, 'Mi'], [2 ** 10, 'Ki'], [1, '']];

/** benchunit.CommonScale: the smallest non-zero magnitude decides; at least 4 significant digits. */
export function commonScale(vals: readonly number[], binary: boolean): Scale {
  let min = 0;
  for (const v0 of vals) {
    const v = Math.abs(v0);
    if (v !== 0 && Number.isFinite(v) && (min === 0 || v < min)) min = v;
  }
  if (min === 0) return { prec: 3, factor: 1, prefix: '' };
  if (binary) {
    for (const [f, p] of IEC) {
      if (min >= 99.995 * f) return { prec: 1, factor: f, prefix: p };
      if (min >= 9.9995 * f) return { prec: 2, factor: f, prefix: p };
      if (min >= 0.99995 * f) return { prec: 3, factor: f, prefix: p };
    }
  } else {
    for (let i = 0; i < SI.length; i++) {
      const [f, p] = SI[i] as [number, string];
      const e = SI_EXP[i] as number;
      if (min >= Number(`99.995e${e}`)) return { prec: 1, factor: f, prefix: p };
      if (min >= Number(`9.9995e${e}`)) return { prec: 2, factor: f, prefix: p };
      if (min >= Number(`.99995e${e}`)) return { prec: 3, factor: f, prefix: p };
    }
  }
  const [f, p] = (binary ? IEC[IEC.length - 1] : SI[SI.length - 1]) as [number, string];
  const val = min / f;
  for (let i = 0; i < 8; i++) {
    if (val >= Number(`9.9995e${-1 - i}`) || i === 7) return { prec: i + 3, factor: f, prefix: p };
  }
  return { prec: 3, factor: f, prefix: p };
}

export function fmtScaled(s: Scale, v: number): string {
  return goFixed(v / s.factor, s.prec) + s.prefix;
}

/** Summary.PctRangeString. */
export function pctRange(m: SampleSummary): string {
  if (m.spread === Infinity) return '∞';
  if (m.spread === null || Number.isNaN(m.spread)) return '?';
  return `${goFixed(100 * m.spread, 0)}%`;
}

/** Comparison.String: `p=0.PPP n=N` or `n=A+B`; p left out when exactly 0. */
export function cmpString(p: number | null, n: readonly [number, number]): string {
  const ps = p !== null && p !== 0 ? `p=${goFixed(p, 3)} ` : '';
  return ps + (n[0] === n[1] ? `n=${n[0]}` : `n=${n[0]}+${n[1]}`);
}

const SUPER = '⁰¹²³⁴⁵⁶⁷⁸⁹';
function superscript(i: number): string {
  return String(i).split('').map((d) => SUPER[Number(d)]).join('');
}

function renderCiTable(c: Comparison, t: ComparisonTable): string {
  const o = new TextTable();
  const labelCols = 1;
  const centerCols = 3;
  const deltaCols = 3;
  const startCol = (exp: number) => (exp === 0 ? labelCols : labelCols + centerCols + (exp - 1) * (centerCols + deltaCols));
  const notes: string[] = [];
  const warn = (...lists: ReadonlyArray<readonly string[]>) => {
    const marks: string[] = [];
    for (const l of lists) {
      for (const msg of l) {
        let i = notes.indexOf(msg);
        if (i < 0) {
          i = notes.length;
          notes.push(msg);
        }
        marks.push(superscript(i + 1));
      }
    }
    o.cell(marks.join(' '));
  };
  const tidy = tidyUnit(t.unit);
  const ncols = c.columns.length;
  const rEdge = startCol(ncols + 1);

  o.row();
  c.columns.forEach((label, i) => {
    o.col(startCol(i)).span(startCol(i + 1) - startCol(i), label, { align: 'center', margin: ' │ ' });
  });
  o.col(rEdge).cell('', { margin: ' │' });

  o.row();
  for (let i = 0; i < ncols; i++) {
    const l = startCol(i);
    o.col(l).span(centerCols, tidy.unit, { align: 'center', margin: ' │ ' });
    if (i > 0) o.span(deltaCols, 'vs base', { align: 'left', margin: '  ' });
    for (let j = l + 1; j < o.curCol; j++) o.setShrink(j);
  }
  o.col(rEdge).cell('', { margin: ' │' });

  for (const row of t.rows) {
    o.row();
    o.cell(row.name);
    const centers = row.cells.filter((m): m is SampleSummary => m !== null).map((m) => m.center * tidy.factor);
    const scale = commonScale(centers, tidy.binary);
    row.cells.forEach((m, exp) => {
      if (m === null) return;
      o.col(startCol(exp));
      o.cell(fmtScaled(scale, m.center * tidy.factor), { align: 'right' });
      o.cell(pctRange(m), { align: 'right', margin: ' ± ' });
      warn(m.warnings);
      const cmp = row.vsBase[exp];
      if (exp > 0 && cmp) {
        o.cell(ciDelta(cmp, row, exp, c.alpha), { align: 'right' });
        o.cell(`(${cmpString(cmp.p, cmp.n)})`);
        warn(cmp.warnings);
      }
    });
  }

  if (t.rows.length > 1 && t.geomean) {
    const gm = t.geomean;
    o.row();
    o.cell('geomean');
    for (let exp = 0; exp < ncols; exp++) {
      const v = gm.values[exp];
      if (v !== null && v !== undefined) {
        o.col(startCol(exp));
        const sv = v * tidy.factor;
        o.cell(fmtScaled(commonScale([sv], tidy.binary), sv), { align: 'right' });
      }
      if (exp > 0) {
        o.col(startCol(exp) + centerCols);
        const d = gm.deltas[exp];
        if (d !== null && d !== undefined) o.cell(signedPercent(d), { align: 'right' });
        else o.cell('?');
      }
      o.col(startCol(exp + 1) - 1);
      warn(gm.warnings[exp] ?? []);
    }
  }

  let out = o.format();
  notes.forEach((msg, i) => (out += `${superscript(i + 1)} ${msg}\n`));
  return out;
}

/** Comparison.FormatDelta: `~` when p > alpha, `0.00%` for equal centers, `?` for a zero base. */
export function ciDelta(cmp: NonNullable<ComparisonRow['vsBase'][number]>, row: ComparisonRow, exp: number, alpha: number): string {
  const p = cmp.p ?? 1;
  if (p > alpha) return '~';
  const o = row.cells[0]?.center ?? 0;
  const n = row.cells[exp]?.center ?? 0;
  if (o === n) return '0.00%';
  if (o === 0) return '?';
  return signedPercent(cmp.delta);
}

function renderCi(c: Comparison): string {
  let out = c.config.map(([k, v]) => `${k}: ${v}\n`).join('');
  c.tables.forEach((t, i) => {
    if (i > 0) out += '\n';
    out += renderCiTable(c, t);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Fixed-width table layout (the behaviour of benchstat's texttab): cells with spans, left margins that line
// up per column, centre/right alignment, and "shrink" columns that spanning cells may not widen.

interface CellOpts {
  align?: 'left' | 'center' | 'right';
  margin?: string;
}

interface TextCell {
  row: number;
  col: number;
  span: number;
  value: string;
  margin: string;
  align: 'left' | 'center' | 'right';
}

const len = (s: string) => [...s].length;

class TextTable {
  #cells: TextCell[] = [];
  #cols = 0;
  #shrink = new Set<number>();
  #row = 0;
  curCol = 0;

  row(): this {
    if (this.#cells.length > 0) this.#row++;
    this.curCol = 0;
    return this;
  }

  col(c: number): this {
    if (c < this.curCol) throw new Error(`cannot move from column ${this.curCol} back to ${c}`);
    this.curCol = c;
    return this;
  }

  cell(value: string, opts: CellOpts = {}): this {
    return this.span(1, value, opts);
  }

  span(cols: number, value: string, opts: CellOpts = {}): this {
    const margin = opts.margin ?? (this.curCol === 0 || value.length === 0 ? '' : ' ');
    this.#cells.push({ row: this.#row, col: this.curCol, span: cols, value, margin, align: opts.align ?? 'left' });
    this.curCol += cols;
    this.#cols = Math.max(this.#cols, this.curCol);
    return this;
  }

  setShrink(c: number): void {
    this.#shrink.add(c);
  }

  format(): string {
    const lmargin = new Array<number>(this.#cols).fill(0);
    for (const c of this.#cells) lmargin[c.col] = Math.max(lmargin[c.col] ?? 0, len(c.margin));
    const ws = new Array<number>(this.#cols).fill(0);
    const bySpan = [...this.#cells].sort((a, b) => a.span - b.span);
    for (const c of bySpan) {
      let w = len(c.value) + (lmargin[c.col] ?? 0);
      if (c.span === 1) {
        ws[c.col] = Math.max(ws[c.col] ?? 0, w);
        continue;
      }
      let tw = 0;
      for (let k = c.col; k < c.col + c.span; k++) tw += ws[k] ?? 0;
      if (tw >= w) continue;
      const grow: number[] = [];
      for (let k = c.col; k < c.col + c.span; k++) {
        if (this.#shrink.has(k)) w -= ws[k] ?? 0;
        else grow.push(k);
      }
      grow.sort((a, b) => (ws[b] ?? 0) - (ws[a] ?? 0));
      let n = grow.length;
      for (const k of grow) {
        const avg = Math.floor((w + n - 1) / n);
        ws[k] = Math.max(ws[k] ?? 0, avg);
        w -= ws[k] ?? 0;
        n--;
      }
    }
    const offs: number[] = [];
    let off = 0;
    for (let k = 0; k < this.#cols; k++) {
      offs.push(off);
      off += ws[k] ?? 0;
    }
    offs.push(off);

    const cells = [...this.#cells].sort((a, b) => a.row - b.row || a.col - b.col);
    let out = '';
    let row = 0;
    let pos = 0;
    for (const c of cells) {
      if (c.value.trim() === '' && c.margin.trim() === '') continue;
      while (c.row > row) {
        out += '\n';
        row++;
        pos = 0;
      }
      const lm = lmargin[c.col] ?? 0;
      const spaces = (offs[c.col] ?? 0) - pos;
      out += ' '.repeat(Math.max(0, spaces)) + ' '.repeat(Math.max(0, lm - len(c.margin))) + c.margin;
      pos += spaces + lm;
      const tw = (offs[c.col + c.span] ?? 0) - (offs[c.col] ?? 0) - lm;
      let s = c.value;
      if (c.align === 'right') s = ' '.repeat(Math.max(0, tw - len(s))) + s;
      else if (c.align === 'center') s = ' '.repeat(Math.max(0, Math.floor((tw - len(s)) / 2))) + s;
      out += s;
      pos += len(s);
    }
    if (cells.length > 0) out += '\n';
    return out;
  }
}
