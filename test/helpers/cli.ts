import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const CLI = path.join(ROOT, 'cli', 'main.ts');

/**
 * Node's flags for running raftbench's TypeScript as `npm run raftbench` does: under raftbench's own
 * loader (cli/loader/), from any working directory. Start-up costs 0.2 s of CPU less than under tsx,
 * and the tests start the CLI hundreds of times.
 */
export const NODE_ARGS: readonly string[] = ['--import', pathToFileURL(path.join(ROOT, 'cli', 'loader', 'register.mjs')).href];

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `raftbench ARGS` as a child process, as a user would, and waits for it. */
export function runCli(args: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [...NODE_ARGS, CLI, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 300_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Starts `raftbench ARGS` without waiting (for signal and lock tests); with `netns`, inside that network
 * namespace (`ip netns exec` execs in place: the child's pid is raftbench's).
 */
export function startCli(args: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; netns?: string } = {}): ChildProcess & { output: () => CliResult; done: Promise<number | null> } {
  const argv = [process.execPath, ...NODE_ARGS, CLI, ...args];
  const [cmd, ...rest] = opts.netns ? ['ip', 'netns', 'exec', opts.netns, ...argv] : argv;
  const child = spawn(cmd!, rest, {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return Object.assign(child, { output: () => ({ code: child.exitCode, stdout, stderr }), done });
}

export const REPO_ROOT = ROOT;

/** Waits until every started `raftbench node` printed that it listens ("raft on"); fails with its stderr if it exits or takes over `timeoutMs`. */
export async function untilListening(nodes: ReadonlyArray<ReturnType<typeof startCli>>, timeoutMs = 30_000): Promise<void> {
  for (const n of nodes) {
    const deadline = Date.now() + timeoutMs;
    while (!/raft on/.test(n.output().stdout)) {
      if (Date.now() > deadline || n.exitCode !== null) throw new Error(`node did not start: ${n.output().stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
