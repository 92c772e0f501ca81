import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../errors/user-error.ts';
import { readResults } from '../results/read.ts';
import type { ResultsFile } from '../../analysis/results-schema.ts';
import { saveResults } from '../results/write.ts';
import { mergeReplicates } from '../../analysis/gate/merge.ts';

/**
 * A/B mode: the baseline is a git ref checked out into a temporary worktree and installed there; the
 * candidate is the working tree. Both run `bench --count 1` as separate processes, alternating
 * A B B A A B B A ..., so slow drift of the machine (other jobs, thermal state, page cache) falls on both
 * alike and no process's own luck (heap layout, JIT) decides the outcome. The replicates of each side are
 * merged into one results file per side.
 */
export interface AbOptions {
  /** The baseline: any commit-ish. */
  readonly ref: string;
  /** The candidate checkout (top of the working tree). */
  readonly repoRoot: string;
  /** bench flags selecting what to run (`--suite smoke --scenario BatchCommit ...`), without count/out/dir. */
  readonly benchArgs: readonly string[];
  /** Replicates per side. */
  readonly runs: number;
  /** Merged `baseline/` and `current/` results are written here. */
  readonly outDir: string;
  /** Engines' data directory, shared by both sides (same disk). */
  readonly dataDir: string;
  /** `npm`: npm install --prefer-offline in the worktree; `link`: reuse the working tree's node_modules, only when package.json and package-lock.json are identical. */
  readonly install: 'npm' | 'link';
  /** Extra environment for baseline or candidate processes only (tests slow one side down this way). */
  readonly baselineEnv: Readonly<Record<string, string>>;
  readonly candidateEnv: Readonly<Record<string, string>>;
  /** The candidate's CLI entry, relative to the repository (default its `cli/main.ts`); tests give a slowed one. */
  readonly candidateEntry?: string;
  readonly log: (line: string) => void;
  /** Polled between steps; true stops the run (the worktree is removed all the same). */
  readonly stopped: () => boolean;
  /** Receives the running child, so a signal handler can stop it. */
  readonly onChild?: (child: ChildProcess | null) => void;
}

export interface AbOutcome {
  readonly baseline: ResultsFile;
  readonly current: ResultsFile;
  readonly baselineDir: string;
  readonly currentDir: string;
  readonly baselineCommit: string;
  readonly notes: readonly string[];
}

export class AbInterrupted extends Error {
  constructor() {
    super('interrupted');
  }
}

export async function runAb(o: AbOptions): Promise<AbOutcome> {
  const sha = await git(o.repoRoot, ['rev-parse', '--verify', '--quiet', `${o.ref}^{commit}`]).catch(() => {
    throw new UserError(`gate: --ab "${o.ref}" is not a commit in ${o.repoRoot}`);
  });
  const notes: string[] = [];
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'raftbench-ab-'));
  const worktree = path.join(tmp, 'baseline');
  let added = false;
  const cleanup = async () => {
    if (added) await git(o.repoRoot, ['worktree', 'remove', '--force', worktree]).catch(() => undefined);
    await rm(tmp, { recursive: true, force: true });
    if (added) await git(o.repoRoot, ['worktree', 'prune']).catch(() => undefined);
  };
  // A second Ctrl-C makes the command exit at once; remove the worktree on the way out all the same.
  const onExit = () => {
    try {
      if (added) spawnSyncQuiet('git', ['-C', o.repoRoot, 'worktree', 'remove', '--force', worktree]);
      rmSync(tmp, { recursive: true, force: true });
      if (added) spawnSyncQuiet('git', ['-C', o.repoRoot, 'worktree', 'prune']);
    } catch {
      // best effort on exit
    }
  };
  process.once('exit', onExit);
  try {
    o.log(`A/B: baseline ${o.ref} (${sha.slice(0, 12)}) in a worktree at ${worktree}`);
    await git(o.repoRoot, ['worktree', 'add', '--detach', '--quiet', worktree, sha]);
    added = true;
    await install(o, worktree, notes);
    const replicates = path.join(tmp, 'replicates');
    await mkdir(replicates, { recursive: true });
    const a: ResultsFile[] = [];
    const b: ResultsFile[] = [];
    for (let i = 0; i < o.runs; i++) {
      const order: Array<'A' | 'B'> = i % 2 === 0 ? ['A', 'B'] : ['B', 'A'];
      for (const side of order) {
        if (o.stopped()) throw new AbInterrupted();
        const out = path.join(replicates, `${side}-${i + 1}`);
        const label = side === 'A' ? `baseline ${o.ref}` : 'candidate (working tree)';
        o.log(`A/B: replicate ${i + 1}/${o.runs} ${label}`);
        const root = side === 'A' ? worktree : o.repoRoot;
        await runChecked(o, root, process.execPath, [
          '--import', 'tsx', side === 'B' && o.candidateEntry ? o.candidateEntry : cliEntry(root), 'bench', ...o.benchArgs,
          '--count', '1', '--out', out, '--dir', o.dataDir, '--no-calibrate', '--no-report', '--quiet',
        ], side === 'A' ? o.baselineEnv : o.candidateEnv, `${label} replicate ${i + 1}`);
        (side === 'A' ? a : b).push(await readResults(out));
      }
    }
    const command = ['gate', '--ab', o.ref, ...o.benchArgs, '--runs', String(o.runs)];
    const baseline = mergeReplicates(a, `ab-baseline-${sha.slice(0, 12)}`, command);
    const current = mergeReplicates(b, 'ab-candidate', command);
    const baselineDir = path.join(o.outDir, 'baseline');
    const currentDir = path.join(o.outDir, 'current');
    for (const [dir, r] of [[baselineDir, baseline], [currentDir, current]] as const) {
      await mkdir(dir, { recursive: true });
      saveResults(dir, r);
    }
    notes.push(`A/B: ${o.runs} replicates per side, alternating A B B A ...; merged results in ${baselineDir} and ${currentDir}`);
    return { baseline, current, baselineDir, currentDir, baselineCommit: sha, notes };
  } finally {
    o.onChild?.(null);
    await cleanup();
    process.off('exit', onExit);
  }
}

async function install(o: AbOptions, worktree: string, notes: string[]): Promise<void> {
  if (o.install === 'link') {
    for (const f of ['package.json', 'package-lock.json']) {
      const ours = path.join(o.repoRoot, f);
      const theirs = path.join(worktree, f);
      const same = existsSync(ours) && existsSync(theirs) && readFileSync(ours).equals(readFileSync(theirs));
      if (!same) throw new UserError(`gate: --install link needs the same ${f} at ${o.ref} as in the working tree; they differ (use --install npm)`);
    }
    symlinkSync(path.join(o.repoRoot, 'node_modules'), path.join(worktree, 'node_modules'), 'dir');
    notes.push(`A/B: baseline uses the working tree's node_modules (--install link; package.json and package-lock.json identical)`);
    return;
  }
  // npm install, not npm ci: a REF from before the lock listed lmdb's optional builds for every platform
  // has a lock npm ci refuses; npm install installs its locked versions all the same.
  o.log('A/B: npm install --prefer-offline in the worktree');
  const inst = await run(o, worktree, 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], {});
  if (inst.code === 0) return;
  if (o.stopped()) throw new AbInterrupted();
  throw new UserError(`gate: npm install in the worktree of ${o.ref} failed: ${lastLine(inst.stderr)}`);
}

async function runChecked(o: AbOptions, cwd: string, cmd: string, args: readonly string[], env: Readonly<Record<string, string>>, what: string): Promise<void> {
  const r = await run(o, cwd, cmd, args, env);
  if (o.stopped()) throw new AbInterrupted();
  if (r.code !== 0) throw new UserError(`gate: ${what} failed (exit ${r.code ?? r.signal}): ${lastLine(r.stderr)}`);
}

interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

function run(o: AbOptions, cwd: string, cmd: string, args: readonly string[], env: Readonly<Record<string, string>>): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    // A process group of its own: a terminal's Ctrl-C reaches the gate, which then stops the child once.
    const child = spawn(cmd, [...args], { cwd, env: { ...childEnv(cmd), ...env }, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    o.onChild?.(child);
    // The head says what went wrong (npm's usage text follows), the tail has the last error line.
    let head = '';
    let tail = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      if (head.length < 4000) head += d.slice(0, 4000 - head.length);
      tail = (tail + d).slice(-16_000);
    });
    child.on('error', (err) => {
      o.onChild?.(null);
      reject(new UserError(`gate: cannot run ${cmd}: ${err.message.split('\n')[0]}`));
    });
    child.on('close', (code, signal) => {
      o.onChild?.(null);
      resolve({ code, signal, stderr: head.length < 4000 ? head : `${head}\n${tail}` });
    });
  });
}

/**
 * The environment for a child: ours, except that npm's own variables from an enclosing `npm run -s`
 * (`npm_config_loglevel=silent`, the package's `npm_package_*`) are not passed to an npm we start, where
 * they would silence its errors or confuse it with the outer project.
 */
function childEnv(cmd: string): NodeJS.ProcessEnv {
  if (cmd !== 'npm') return process.env;
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
}

function git(cwd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new UserError(`gate: git ${args[0]} failed: ${lastLine(err)}`))));
  });
}

function spawnSyncQuiet(cmd: string, args: readonly string[]): void {
  spawnSync(cmd, [...args], { stdio: 'ignore' });
}

function lastLine(s: string): string {
  const lines = s.split('\n').map((l) => l.replace(/^raftbench: /, '').trim()).filter((l) => l.length > 0 && !/^npm warn/i.test(l));
  return lines[lines.length - 1] ?? 'no output';
}

/** The CLI entry of a checkout: `cli/main.ts` since the one-room-per-concern layout, `harness/cli.ts` before it. */
function cliEntry(root: string): string {
  return existsSync(path.join(root, 'cli', 'main.ts')) ? 'cli/main.ts' : 'harness/cli.ts';
}
