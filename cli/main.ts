#!/usr/bin/env node
/**
 * raftbench command line: `raftbench <command> [flags]`. Dispatch, and the one place that maps errors to
 * exit codes: a user error exits 2 with one line, anything else 3 with its stack.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CliDeps } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import { UserError } from '../errors/user-error.ts';
import { userErrorLine } from './exit-codes.ts';

function help(): string {
  const lines = ['usage: raftbench <command> [flags]   (raftbench <command> --help for its flags)', '', 'commands:'];
  for (const c of COMMANDS) lines.push(`  ${c.name.padEnd(12)} ${c.summary}`);
  return lines.join('\n');
}

export async function main(argv: readonly string[], deps: CliDeps = {}): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(help() + '\n');
    return name === undefined ? 2 : 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) throw new UserError(`unknown command "${name}"; valid: ${COMMANDS.map((c) => c.name).join(', ')}`);
  const cmd = await entry.load();
  return cmd.run(rest, deps);
}

/** Runs the CLI as a process: sets the exit code from `main`, printing one line for a user error. */
export function runAsProcess(argv: readonly string[], deps: CliDeps = {}): void {
  main(argv, deps).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      const line = userErrorLine(err);
      if (line !== null) {
        process.stderr.write(`raftbench: ${line}\n`);
        process.exitCode = 2;
        return;
      }
      process.stderr.write(`raftbench: internal error: ${err instanceof Error && err.stack ? err.stack : String(err)}\n`);
      process.exitCode = 3;
    },
  );
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) runAsProcess(process.argv.slice(2));
