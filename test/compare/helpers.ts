import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TESTDATA = join(ROOT, 'test', 'compare', 'testdata');

/** Runs `raftbench compare ...` as a child process in `cwd`. */
export function runCompare(args: string[], cwd = TESTDATA): { code: number | null; stdout: string; stderr: string } {
  const tsx = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs')).href;
  const r = spawnSync(process.execPath, ['--import', tsx, join(ROOT, 'cli', 'main.ts'), 'compare', ...args], {
    cwd, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
