import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/cli.ts';

// Issue 16, item 9: `npm ci` accepts a lock only when it lists every optional dependency of every locked
// package, for all platforms (npm install adds the missing ones, rewriting the committed file). The
// Makefile installs with `npm ci`, which fails loudly instead of rewriting the lock.

interface LockPackage {
  readonly version?: string;
  readonly optionalDependencies?: Record<string, string>;
}

test('package-lock.json lists every optional dependency of every locked package (what npm ci checks)', () => {
  const lock = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockPackage> };
  const missing: string[] = [];
  for (const [where, pkg] of Object.entries(lock.packages)) {
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) {
      // Resolution as node does: nested first, then each parent's node_modules up to the top.
      const candidates: string[] = [];
      let base = where;
      for (;;) {
        candidates.push(`${base === '' ? '' : `${base}/`}node_modules/${dep}`);
        if (base === '') break;
        const i = base.lastIndexOf('/node_modules/');
        base = i < 0 ? '' : base.slice(0, i);
      }
      if (!candidates.some((c) => c in lock.packages)) missing.push(`${dep} (optional dependency of ${where || 'the root'})`);
    }
  }
  assert.deepEqual(missing, []);
});

test('the Makefile installs with npm ci, never npm install (which would rewrite the lock)', () => {
  const make = readFileSync(path.join(REPO_ROOT, 'Makefile'), 'utf8');
  const recipe = /^node_modules\/\.package-lock\.json:.*\n((?:\t.*\n)+)/m.exec(make);
  assert.ok(recipe, 'the install target');
  assert.match(recipe[1]!, /\$\(NPM\) ci\b/);
  assert.doesNotMatch(recipe[1]!, /\binstall\b/);
});
