/**
 * The node process's code as one plain JavaScript file, so a cluster's nodes start in about 0.15 s
 * instead of the 0.6 s that `node --import tsx` spends loading the TypeScript loader and compiling the
 * node's modules in every child (1.8 s per 3-node cluster; an rfc suite opens over a thousand).
 *
 * esbuild (the compiler tsx itself runs) bundles `process-node.ts` and the project modules it imports;
 * packages stay external, so native addons (rocksdb, lmdb) load from node_modules as before. The file is
 * written under `node_modules/.cache/raftbench/`, named by a hash of its text: a changed source gives a
 * new file, and a process that finds its file already there (another bench, an earlier run) reuses it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build, stop } from 'esbuild';

const SOURCE = path.join(import.meta.dirname, 'process-node.ts');
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'raftbench');

let built: Promise<string> | null = null;

/** Path of the bundled node process (built on first use in this process). */
export function nodeWorkerFile(): Promise<string> {
  built ??= bundle().catch((err: unknown) => {
    built = null;
    throw err;
  });
  return built;
}

async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [SOURCE],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    // Relative source paths in the map: the bundle then has the same text wherever the checkout is.
    sourceRoot: ROOT,
    absWorkingDir: ROOT,
    write: false,
    logLevel: 'silent',
  }).finally(() => stop()); // esbuild's service is a child process: none stays behind
  const out = result.outputFiles[0]!.contents;
  const hash = createHash('sha256').update(out).digest('hex').slice(0, 16);
  mkdirSync(CACHE, { recursive: true });
  const file = path.join(CACHE, `process-node-${hash}.mjs`);
  if (!existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, out);
    renameSync(tmp, file);
  }
  return file;
}
