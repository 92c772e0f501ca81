/**
 * The one direction of imports between top-level folders (design.md, "Layout of the repository"):
 * raft and engines <- node <- scenarios <- harness <- cli; analysis <- reports <- cli; errors is a leaf
 * everyone may use. The graph is read from the sources, so a new arrow against it fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sources } from '../helpers/sources.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** folder -> the folders it may import (besides itself). */
export const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  errors: [],
  raft: [],
  engines: ['errors'],
  node: ['raft', 'engines', 'errors'],
  scenarios: ['node', 'raft', 'engines', 'errors'],
  crash: ['node', 'raft', 'engines', 'errors'],
  analysis: ['errors'],
  reports: ['analysis', 'errors'],
  harness: ['scenarios', 'node', 'raft', 'engines', 'analysis', 'errors'],
  cli: ['harness', 'crash', 'scenarios', 'node', 'raft', 'engines', 'analysis', 'reports', 'errors'],
};

/** Where test doubles live: nothing outside tests may import them, except crash/ which exists to inject faults. */
const TEST_DOUBLES = 'engines/testing/';
const MAY_USE_DOUBLES = ['crash/', 'test/'];


/** Every relative module specifier in a source: static imports and exports, `import('...')`, side-effect imports. */
export function importsOf(src: string): string[] {
  const specs: string[] = [];
  const re = /(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)'(\.{1,2}\/[^']+)'/gm;
  for (let m = re.exec(src); m; m = re.exec(src)) specs.push(m[1]!);
  return specs;
}

export interface Arrow { from: string; to: string; file: string; spec: string }

export function arrows(root: string): Arrow[] {
  const out: Arrow[] = [];
  for (const top of Object.keys(ALLOWED)) {
    for (const file of sources(path.join(root, top))) {
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        const target = path.relative(root, path.resolve(path.dirname(file), spec));
        out.push({ from: path.relative(root, file), to: target, file, spec });
      }
    }
  }
  return out;
}

export function violations(root: string): string[] {
  const bad: string[] = [];
  for (const a of arrows(root)) {
    const src = a.from.split(path.sep)[0]!;
    const dst = a.to.split(path.sep)[0]!;
    if (a.to.startsWith(TEST_DOUBLES) && !MAY_USE_DOUBLES.some((p) => a.from.startsWith(p)) && !a.from.startsWith(TEST_DOUBLES)) {
      bad.push(`${a.from} imports the test double ${a.to}`);
    }
    if (src === dst) continue;
    if (!(dst in ALLOWED)) bad.push(`${a.from} imports ${a.to}, outside the source folders`);
    else if (!ALLOWED[src]!.includes(dst)) bad.push(`${a.from} imports ${a.to}: ${src} may import only ${ALLOWED[src]!.join(', ') || 'itself'}`);
  }
  return bad;
}

test('imports between top-level folders run one way', () => {
  assert.deepEqual(violations(ROOT), []);
});

test('the import reader sees every form of import', () => {
  const src = "import { a } from '../x/a.ts';\nexport { b } from './b.ts';\nimport '../side.ts';\nconst c = await import('../../c.ts');\ntype D = import('./d.ts').D;\nimport e from 'node:fs';";
  assert.deepEqual(importsOf(src), ['../x/a.ts', './b.ts', '../side.ts', '../../c.ts', './d.ts']);
});

test('tsconfig covers every source folder', () => {
  const tsconfig = JSON.parse(readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')) as { include: string[] };
  for (const top of [...Object.keys(ALLOWED), 'test']) assert.ok(tsconfig.include.includes(top), `tsconfig.json does not include ${top}/`);
});
