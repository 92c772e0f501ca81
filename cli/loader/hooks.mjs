/**
 * Node module hooks that run raftbench's TypeScript as tsx does (esbuild strips the types), without
 * tsx's `keepNames`: that option wraps every named closure in `__name(fn, "fn")`, an
 * `Object.defineProperty` per closure created, about 0.3 µs each warm and more after a sync's wait, 5 to
 * 8 per ReplicaWrite op and 2 per BatchCommit wal op, all inside the timed ops. V8 names those closures
 * itself (nothing is minified), so nothing is lost. Compiled files are cached under
 * `node_modules/.cache/raftbench/ts/`, keyed by a hash of the source and of this file's options.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'raftbench', 'ts');
const OPTIONS = {
  loader: 'ts',
  format: 'esm',
  target: 'node20',
  sourcemap: 'inline',
  // What tsconfig.json says about emitted code: ES2022 class fields, imports kept as written.
  tsconfigRaw: { compilerOptions: { target: 'ES2022', verbatimModuleSyntax: false } },
};
const KEY = JSON.stringify(OPTIONS);

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !/\.[cm]?ts$/.test(url) || url.includes('/node_modules/')) return nextLoad(url, context);
  const file = fileURLToPath(url);
  const source = readFileSync(file, 'utf8');
  const hash = createHash('sha256').update(KEY).update('\0').update(file).update('\0').update(source).digest('hex').slice(0, 32);
  const cached = path.join(CACHE, `${hash}.mjs`);
  let code;
  try {
    code = readFileSync(cached, 'utf8');
  } catch {
    code = transformSync(source, { ...OPTIONS, sourcefile: file }).code;
    try {
      mkdirSync(CACHE, { recursive: true });
      const tmp = `${cached}.${process.pid}.tmp`;
      writeFileSync(tmp, code);
      renameSync(tmp, cached);
    } catch {
      // a read-only tree: compile again next time
    }
  }
  return { format: 'module', source: code, shortCircuit: true };
}
