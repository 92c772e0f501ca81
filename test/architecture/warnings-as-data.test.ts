/**
 * Warnings are values with a code (analysis/warning.ts): code decides by `code`, never by reading the
 * prose. This scans every source outside test/ for the ways text gets matched; the one file allowed to
 * is the migration that classifies version-1 results files' prose once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sources } from '../helpers/sources.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
/** Every top-level source folder (as in import-rules.test.ts). */
const FOLDERS = ['errors', 'raft', 'engines', 'node', 'scenarios', 'crash', 'analysis', 'reports', 'harness', 'cli'];
// The v1 migration reads old warning sentences.
const MAY_READ_TEXT = new Set(['analysis/results-migrate.ts']);

/** Ways of matching a warning's text: a string method on `.text`, a RegExp run on it, or a literal matched on a line about warnings. */
const PATTERNS: ReadonlyArray<[string, RegExp]> = [
  ['string method on a .text', /\.text\s*\)?\s*\.(startsWith|endsWith|includes|match|matchAll|search|indexOf|lastIndexOf|replace|replaceAll|split)\(/],
  // A warning's text is `w.text` / `warning.text`: a RegExp run on `.text` (a bare `text` is any input being parsed).
  ['RegExp run on a text', /\.(test|exec)\([^)]*\.text\b/],
  ['literal matched on a warning', /warn\w*.*\.(startsWith|endsWith|includes|test|match|search|indexOf)\(\s*['"`/]/i],
  ['RegExp run on a warning', /\.(test|exec)\(\s*(w|warn\w*)\s*\)/i],
  ['regular expression over warnings', /warnings\b.*\/[^/\s]+\/[gimsuy]*\.test\(/],
];


/** `file:line: pattern: source line` for every match in `text`. */
export function textMatches(file: string, text: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    for (const [what, re] of PATTERNS) if (re.test(line)) out.push(`${file}:${i + 1}: ${what}: ${line.trim()}`);
  });
  return out;
}

test('the patterns catch the ways warning text used to be matched', () => {
  const old = [
    "if (why && !results.warnings.some((w) => w.startsWith('--dir'))) results.warnings.push(why);",
    "if (!results.complete && !results.warnings.some((w) => w.startsWith('incomplete run'))) {",
    "if (r.complete === false && !(set.runWarnings ?? []).some((w) => w.includes('incomplete run'))) {",
    'const has = (re: RegExp) => (r.warnings ?? []).some((w) => re.test(w));',
    "for (const w of r.warnings ?? []) out.push({ text: w, severe: /incomplete|not durable|tmpfs|ramfs/i.test(w) });",
    "if (r.warnings.some((w) => w.text.startsWith('--dir'))) return;",
    'const severe = /not durable/.test(w.text);',
  ];
  for (const line of old) assert.equal(textMatches('x.ts', line).length > 0, true, line);
  assert.deepEqual(textMatches('x.ts', "if (hasWarning(results.warnings, 'incomplete-run')) return;"), []);
});

test('no source outside the version-1 migration matches warning text', () => {
  const found: string[] = [];
  for (const top of FOLDERS) {
    for (const file of sources(path.join(ROOT, top))) {
      const rel = path.relative(ROOT, file);
      if (MAY_READ_TEXT.has(rel)) continue;
      found.push(...textMatches(rel, readFileSync(file, 'utf8')));
    }
  }
  assert.deepEqual(found, [], `match the warning's code instead:\n${found.join('\n')}`);
});
