/**
 * `report --alpha` and `--style` reach every part of the page: the captions and notes that name the
 * significance level, the delta-bar charts (their data, legend and labels), the benchstat tables and the
 * verdict. The fixture's differences have p = 2/C(12,6) ≈ 0.0022 (6 runs a side, fully separated):
 * significant at 0.05, not at 0.001.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { batchCommit, run } from './fixture.ts';

let dir = '';
let cleanup: () => Promise<void> = async () => {};
let baseDir = '';
let slowDir = '';

before(async () => {
  ({ dir, cleanup } = await tmpDir('report-alpha-'));
  baseDir = path.join(dir, 'base');
  slowDir = path.join(dir, 'slow');
  const base = batchCommit();
  const slow = batchCommit();
  for (const b of slow.benchmarks) b.runs = b.runs.map((r) => run(r.nsPerOp * 1.5, b.bytesPerOp));
  for (const [d, r] of [[baseDir, base], [slowDir, slow]] as const) {
    await mkdir(d, { recursive: true });
    await writeFile(path.join(d, 'results.json'), JSON.stringify(r));
  }
});
after(() => cleanup());

/** `report base slow [flags]` through the CLI; the page's HTML. */
async function report(name: string, ...flags: string[]): Promise<string> {
  const out = path.join(dir, `${name}.html`);
  const r = runCli(['report', baseDir, slowDir, '-o', out, ...flags]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '', 'no chart problems');
  return readFile(out, 'utf8');
}

/** Every significance level the text names: `p < A`, `p ≤ A`, `alpha A`, `α = A`. */
function alphasNamed(s: string): string[] {
  const re = /(?:\bp\s*(?:<|&lt;|≤|&le;)\s*|\balpha\s+(?:level\s+)?|α\s*=\s*)(\d*\.\d+|\d+)/g;
  return [...s.matchAll(re)].map((m) => m[1]!);
}

/**
 * Captions and notes by a key that is the same on both pages: each figure's caption and legend (by figure
 * id), the `.note` paragraphs in order. Warnings are compared apart (the strict page has one more).
 */
function captions(page: string): Map<string, string> {
  const out = new Map<string, string>();
  const text = (s: string) => s.replace(/<[^>]+>/g, '');
  for (const f of page.matchAll(/<figure class="chart" id="([^"]+)">([\s\S]*?)<\/figure>/g)) {
    const body = f[2]!;
    out.set(`caption ${f[1]}`, text(/<figcaption>([\s\S]*?)<\/figcaption>/.exec(body)?.[1] ?? ''));
    out.set(`legend ${f[1]}`, [...body.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((t) => t[1]!).filter((t) => /significant/.test(t)).join(' | '));
  }
  [...page.matchAll(/<p class="note">([\s\S]*?)<\/p>/g)].forEach((m, i) => out.set(`note ${i}`, text(m[1]!)));
  return out;
}

/** The warning items at the top of the page. */
function warnings(page: string): string[] {
  const box = /<section class="warnings[^"]*" id="warnings">([\s\S]*?)<\/section>/.exec(page)?.[1] ?? '';
  return [...box.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ''));
}

/** The data values of every delta-bar chart's bars, by their printed label (`-20.00%`, `~ -20.00% (p=0.002)`). */
function barLabels(page: string): string[] {
  const out: string[] = [];
  for (const m of page.matchAll(/<figure class="chart" id="chart-(?:run-)?delta-[^"]*">([\s\S]*?)<\/figure>/g)) {
    for (const t of m[1]!.matchAll(/<text[^>]*>([^<]*)<\/text>/g)) if (/%/.test(t[1]!) && !/change/.test(t[1]!)) out.push(t[1]!.trim());
  }
  return out;
}

/**
 * Cells of the benchstat tables whose test ran (`(p=… n=…)`): `better +50.00%` when marked significant,
 * `same ~` when not. Units where every run is equal (`syncs/op`) carry `(all equal)` and are left out.
 */
function deltaCells(page: string): string[] {
  const tables = page.slice(page.indexOf('<section id="comparison">'), page.indexOf('<section id="charts">'));
  return [...tables.matchAll(/<td class="num (same|better|worse)"[^>]*>([^<]*)<span class="p">\(p=([\d.]+)/g)].map((m) => `${m[1]} ${m[2]!.trim()} p=${m[3]}`);
}

test('report --alpha 0.001 changes every caption that names alpha and every significance mark', { timeout: 120_000 }, async () => {
  const loose = await report('alpha-default');
  const strict = await report('alpha-strict', '--alpha', '0.001');

  // Captions: the same captions on both pages; each one that names alpha names the one asked for.
  const a = captions(loose);
  const b = captions(strict);
  assert.deepEqual([...b.keys()], [...a.keys()]);
  const namingAlpha = [...a].filter(([, c]) => alphasNamed(c).length > 0);
  // Verdict and tables notes; per input a layout delta chart (caption and legend); the runs' delta chart.
  assert.ok(namingAlpha.length >= 8, `only ${namingAlpha.length} captions name alpha: ${namingAlpha.map(([k]) => k).join(', ')}`);
  for (const [key, c05] of namingAlpha) {
    const c001 = b.get(key) ?? '';
    assert.ok(alphasNamed(c05).every((x) => x === '0.05'), `default page, ${key}, names another alpha: ${c05}`);
    assert.ok(alphasNamed(c001).length > 0 && alphasNamed(c001).every((x) => x === '0.001'), `--alpha 0.001 page, ${key}, still says: ${c001}`);
  }
  assert.deepEqual(alphasNamed(strict.replace(/<[^>]+>/g, ' ')).filter((x) => x !== '0.001'), [], 'no other alpha anywhere on the strict page');
  // Only at 0.001 do 6 runs a side fall short of significance, and the page says so.
  assert.ok(!warnings(loose).some((w) => /cannot reach p/.test(w)), warnings(loose).join(' | '));
  assert.ok(warnings(strict).some((w) => /cannot reach p &lt; 0\.001 with fewer than 7 runs/.test(w)), warnings(strict).join(' | '));

  // Delta bars (4 layout bars per input, 8 run bars): significant at 0.05, every one `~` at 0.001.
  const bars05 = barLabels(loose);
  const bars001 = barLabels(strict);
  assert.equal(bars05.length, 2 * 4 + 8, `bars: ${bars05.join(' | ')}`);
  assert.equal(bars001.length, bars05.length);
  assert.ok(bars05.every((l) => /^[+-]\d+\.\d\d%$/.test(l)), bars05.join(' | '));
  assert.ok(bars001.every((l) => /^~ [+-]\d+\.\d\d% \(p=0\.002\)$/.test(l)), bars001.join(' | '));
  assert.match(loose, /significant \(p &lt; 0\.05\)/);
  assert.match(strict, /significant \(p &lt; 0\.001\)/);

  // Tables: every change is marked at 0.05 and none at 0.001.
  const cells05 = deltaCells(loose);
  const cells001 = deltaCells(strict);
  assert.ok(cells05.length >= 12 && cells05.every((c) => /^(better|worse) [+-]\d+\.\d\d% p=0\.002$/.test(c)), cells05.join(' | '));
  assert.equal(cells001.length, cells05.length);
  assert.ok(cells001.every((c) => c === 'same ~ p=0.002'), cells001.join(' | '));

  // Verdict: 4 cases faster at 0.05, none distinguishable at 0.001.
  const verdict = (p: string) => p.slice(p.indexOf('<section id="verdict">'), p.indexOf('<section id="run">'));
  assert.match(verdict(loose), /<td class="num better">4<\/td><td class="num">0<\/td><td class="num same">0<\/td>/);
  assert.match(verdict(strict), /<td class="num">0<\/td><td class="num">0<\/td><td class="num same">4<\/td>/);
});

test('report --style ci: the captions describe current benchstat (medians, p ≤ alpha), the tables use its notation', { timeout: 120_000 }, async () => {
  const rfc = await report('style-rfc');
  const ci = await report('style-ci', '--style', 'ci');
  assert.match(rfc, /Tukey/);
  const notes = [...captions(ci).values()].join('\n');
  assert.doesNotMatch(notes, /Tukey/);
  assert.match(notes, /median/);
  assert.match(ci, /significant \(p ≤ 0\.05\)/);
  // ci cells are `median ± x%` with a space, as current benchstat prints them.
  assert.match(ci, /<td class="num">[\d.]+µs ± \d+%<\/td>/);
  assert.doesNotMatch(rfc, /<td class="num">[\d.]+µs ± \d+%<\/td>/);
});

test('report rejects a bad --alpha or --style in one line, exit 2', () => {
  for (const [flags, pattern] of [
    [['--alpha', '2'], /^raftbench: report: --alpha "2" must be between 0 and 1$/],
    [['--alpha', 'x'], /^raftbench: report: --alpha "x" is not a number$/],
    [['--style', 'fast'], /^raftbench: report: unknown style "fast"; valid: rfc, ci$/],
  ] as const) {
    const r = runCli(['report', baseDir, '-o', path.join(dir, 'bad.html'), ...flags]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr.trimEnd(), pattern);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1);
  }
});
