import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { NODE_ARGS } from '../helpers/cli.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TESTDATA = join(ROOT, 'test', 'compare', 'testdata');

/** Runs `raftbench compare ...` as a child process in `cwd`. */
export function runCompare(args: string[], cwd = TESTDATA): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...NODE_ARGS, join(ROOT, 'cli', 'main.ts'), 'compare', ...args], {
    cwd, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
