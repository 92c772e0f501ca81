import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { CliResult } from './cli.ts';

export const isRoot = process.getuid?.() === 0;

/** Mounts a tmpfs with mount options `opts` (`size=3m`, `size=1m,ro`) at `dir`; returns the unmount, or null when mounting is not allowed here. */
export function mountTmpfs(dir: string, opts: string): (() => void) | null {
  if (!isRoot) return null;
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', opts, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return null;
  }
  return () => execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
}

/** Exit 2, exactly one line on stderr matching `re`, no stack trace. */
export function oneLineExit2(r: CliResult, re: RegExp): void {
  assert.equal(r.code, 2, r.stdout + r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, re);
  assert.doesNotMatch(r.stderr, /\n\s+at |internal error/);
}
