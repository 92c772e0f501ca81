import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

const REGISTER = path.join(REPO_ROOT, 'cli', 'loader', 'register.mjs');

/** Runs an ES module snippet in a child node with raftbench's loader (or tsx) registered. */
function run(loader: 'raftbench' | 'tsx', code: string, cwd = REPO_ROOT) {
  const r = spawnSync(process.execPath, ['--import', loader === 'tsx' ? 'tsx' : REGISTER, '--input-type=module', '-e', code], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout.trim(), err: r.stderr };
}

test("the CLI runs under raftbench's loader: `list` works and bad input is still one line, exit 2", () => {
  const ok = spawnSync(process.execPath, ['--import', REGISTER, path.join(REPO_ROOT, 'cli', 'main.ts'), 'list'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^suites:/m);
  const bad = spawnSync(process.execPath, ['--import', REGISTER, path.join(REPO_ROOT, 'cli', 'main.ts'), 'bench', '--bogus'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^raftbench: bench: unknown flag --bogus; valid: /);
});

test("the hot path loads without tsx's __name wrappers: a store's put creates its closures plainly", () => {
  const probe = `const { Store } = await import('./node/store.ts'); console.log(String(Store.prototype.put).includes('__name(') ? 'wrapped' : 'plain');`;
  assert.equal(run('tsx', probe).out, 'wrapped', 'tsx wraps them (what this loader is for)');
  const r = run('raftbench', probe);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, 'plain');
});

test('stack traces name the TypeScript source line, and an edited file is compiled again', async () => {
  const { dir, cleanup } = await tmpDir('loader-');
  try {
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'thrower.ts');
    writeFileSync(file, `interface X { readonly a: number }\nexport function boom(x: X): never {\n  throw new Error('boom ' + x.a);\n}\n`);
    const code = (line: number) => `const m = await import(${JSON.stringify(file)}); try { m.boom({ a: 1 }); } catch (e) { console.log(e.message, /thrower\\.ts:${line}:/.test(e.stack) ? 'line ${line}' : e.stack); }`;
    assert.equal(run('raftbench', code(3)).out, 'boom 1 line 3');
    writeFileSync(file, `export function boom(x: { a: number }): never {\n  throw new Error('bang ' + x.a);\n}\n`);
    assert.equal(run('raftbench', code(2)).out, 'bang 1 line 2');
  } finally {
    await cleanup();
  }
});
