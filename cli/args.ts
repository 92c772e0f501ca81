import { parseArgs } from 'node:util';
import { UserError } from '../errors/user-error.ts';

/** A flag a command accepts: `string` flags take a value, `boolean` flags do not. */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** One line for `--help`. */
  readonly help: string;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

export interface ParsedArgs {
  readonly flags: Record<string, string | boolean | string[] | boolean[] | undefined>;
  readonly positionals: string[];
}

/**
 * Parses `args` against `specs`; an unknown flag or a missing value becomes a UserError that names the
 * flag and lists the valid ones.
 */
export function parseFlags(command: string, args: readonly string[], specs: FlagSpecs): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, s] of Object.entries(specs)) {
    options[name] = { type: s.type, ...(s.short ? { short: s.short } : {}), ...(s.multiple ? { multiple: true } : {}) };
  }
  try {
    const { values, positionals } = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    return { flags: values as ParsedArgs['flags'], positionals };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const valid = Object.keys(specs).map((k) => `--${k}`).join(', ');
    const unknown = /Unknown option '([^']+)'/.exec(msg);
    if (unknown) throw new UserError(`${command}: unknown flag ${unknown[1]}; ${valid === '' ? `${command} takes no flags` : `valid: ${valid}`}`);
    // `--sizes -1k`: the value looks like a flag; say which value, and how to pass it.
    const ambiguous = /Option '(?:-\w, )?(--[\w-]+)[^']*' argument is ambiguous/.exec(msg);
    if (ambiguous) {
      const flag = ambiguous[1]!;
      const at = args.findIndex((a) => a === flag || (specs[flag.slice(2)]?.short !== undefined && a === `-${specs[flag.slice(2)]!.short}`));
      const value = at >= 0 ? (args[at + 1] ?? '') : '';
      throw new UserError(`${command}: ${flag} "${value}" starts with "-"; if that is the value, write ${flag}=${value}`);
    }
    const missing = /Option '(?:-\w, )?(--[\w-]+)[^']*' argument missing/.exec(msg);
    if (missing) throw new UserError(`${command}: flag ${missing[1]} needs a value`);
    throw new UserError(`${command}: ${msg.split('\n')[0]}; valid flags: ${valid}`);
  }
}

/** The string value of a flag, or undefined. */
export function str(p: ParsedArgs, name: string): string | undefined {
  const v = p.flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function bool(p: ParsedArgs, name: string): boolean {
  return p.flags[name] === true;
}

/** An integer flag in [min, max]; UserError naming the value otherwise. */
export function int(p: ParsedArgs, command: string, name: string, min = 1, max = 1_000_000_000): number | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UserError(`${command}: --${name} "${v}" is not an integer >= ${min}`);
  if (Number(v) > max) throw new UserError(`${command}: --${name} "${v}" is too large; at most ${max}`);
  return Number(v);
}

/** A number flag (float). */
export function num(p: ParsedArgs, command: string, name: string): number | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  const n = Number(v.replace(/%$/, ''));
  if (v.trim() === '' || !Number.isFinite(n)) throw new UserError(`${command}: --${name} "${v}" is not a number`);
  return n;
}

/** Comma-separated list flag; a value that names nothing (`--layout ''`, `--layout ,`) is a UserError. */
export function list(p: ParsedArgs, name: string): string[] | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  const items = v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (items.length === 0) throw new UserError(`--${name} "${v}" names nothing; give one or more values, comma-separated`);
  return items;
}

/** Help text for a command's flags. */
export function flagHelp(specs: FlagSpecs): string {
  return Object.entries(specs)
    .map(([k, s]) => `  --${k}${s.type === 'string' ? ' VALUE' : ''}`.padEnd(28) + s.help)
    .join('\n');
}
