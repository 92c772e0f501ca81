/**
 * Renderers render a finished model (design.md: "reports/ renderers of a finished model; compute
 * nothing"): no file in reports/ may import a value from the statistics or the comparison code, or build
 * the report model itself. Types are fine; so are formatting helpers (`analysis/units.ts`, `sizes.ts`) and
 * the model's constants. A statistic computed in a renderer is how `report --alpha` once drew a chart at 0.05.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sources } from '../helpers/sources.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
/** Value imports from here are computing: a renderer must take their results from the model. */
const COMPUTING = ['analysis/stats/', 'analysis/compare/', 'analysis/gate/merge.ts', 'analysis/report/build.ts'];

/** `import { a, type B } from '...'` and `export { a } from '...'` with their value names (type-only ones dropped). */
export function valueImports(src: string): Array<{ spec: string; names: string[] }> {
  const out: Array<{ spec: string; names: string[] }> = [];
  const re = /^\s*(import|export)\s+(type\s+)?(?:\{([^}]*)\}|\*\s+as\s+\w+|\w+)\s+from\s+'([^']+)'/gm;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    if (m[2]) continue;
    const names = m[3] === undefined ? ['*'] : m[3].split(',').map((n) => n.trim()).filter((n) => n !== '' && !n.startsWith('type '));
    if (names.length > 0) out.push({ spec: m[4]!, names });
  }
  return out;
}

export function computingImports(root: string): string[] {
  const bad: string[] = [];
  for (const file of sources(path.join(root, 'reports'))) {
    for (const { spec, names } of valueImports(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      const target = path.relative(root, path.resolve(path.dirname(file), spec)).split(path.sep).join('/');
      const from = path.relative(root, file);
      if (COMPUTING.some((c) => target.startsWith(c))) bad.push(`${from} imports ${names.join(', ')} from ${target}`);
      else if (target.startsWith('analysis/') && names.some((n) => /^build/.test(n))) bad.push(`${from} builds a model: ${names.join(', ')} from ${target}`);
    }
  }
  return bad;
}

test('reports/ computes nothing: no statistics, comparisons or model building in a renderer', () => {
  assert.deepEqual(computingImports(ROOT), []);
});

test('the check sees a value import among type imports, and lets types through', () => {
  const src = "import type { A } from '../../analysis/stats/index.ts';\nimport { summarize, type B } from '../../analysis/stats/index.ts';\nimport { type C } from './c.ts';";
  assert.deepEqual(valueImports(src), [{ spec: '../../analysis/stats/index.ts', names: ['summarize'] }]);
});
