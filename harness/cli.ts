#!/usr/bin/env node
/** raftbench command line: `raftbench <command> [flags]`. Dispatch only; commands live in `commands/`. */
import { COMMANDS } from './commands/index.ts';
import { UsageError } from './cli/usage-error.ts';

function help(): string {
  const lines = ['usage: raftbench <command> [flags]   (raftbench <command> --help for its flags)', '', 'commands:'];
  for (const c of COMMANDS) lines.push(`  ${c.name.padEnd(12)} ${c.summary}`);
  return lines.join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(help() + '\n');
    return name === undefined ? 2 : 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) throw new UsageError(`unknown command "${name}"; valid: ${COMMANDS.map((c) => c.name).join(', ')}`);
  const cmd = await entry.load();
  return cmd.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError || (err as { userError?: unknown } | null)?.userError === true) {
      // engines/ cannot import harness/, so its user errors carry a flag instead of the class.
      process.stderr.write(`raftbench: ${(err as Error).message}\n`);
      process.exitCode = 2;
      return;
    }
    const e = err as NodeJS.ErrnoException;
    if (e && (e.code === 'ENOSPC' || e.code === 'EACCES' || e.code === 'EROFS' || e.code === 'EDQUOT')) {
      process.stderr.write(`raftbench: ${e.code}: ${e.message.split('\n')[0]}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`raftbench: internal error: ${e && e.stack ? e.stack : String(err)}\n`);
    process.exitCode = 3;
  },
);
