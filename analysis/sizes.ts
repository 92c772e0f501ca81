import { UserError } from '../errors/user-error.ts';

const KIB = 1024;
const MIB = 1024 * 1024;
/** Largest size accepted: a value or a write bigger than this is a typo, not a benchmark. */
export const MAX_SIZE = 64 * MIB;

const VALID = 'bytes or a number with k or m (k = 1024), e.g. 1k,4k,16k,64k,256k,1m';

/**
 * Parses one size: plain bytes (`4096`), or a number with `k`/`m` (binary: k = 1024), also written as
 * `KiB`/`MiB` or `KB`/`MB` (still binary), case-insensitive, so `formatSize` output parses back.
 * Returns undefined when `s` is not a size from 1 byte to MAX_SIZE.
 */
export function parseSize(s: string): number | undefined {
  const m = /^(\d+)\s*(?:(b)|([km])(?:i?b)?)?$/i.exec(s.trim());
  if (!m) return undefined;
  const unit = m[3]?.toLowerCase();
  const n = Number(m[1]) * (unit === 'k' ? KIB : unit === 'm' ? MIB : 1);
  return Number.isSafeInteger(n) && n >= 1 && n <= MAX_SIZE ? n : undefined;
}

/**
 * Parses a `--sizes` list (already split on commas) to bytes, in the given order, duplicates dropped.
 * A bad entry or an empty list is a UserError naming the value and the valid form; `command` prefixes it.
 */
export function parseSizes(list: readonly string[], command?: string): number[] {
  const prefix = command ? `${command}: ` : '';
  if (list.length === 0) throw new UserError(`${prefix}--sizes is empty; valid: ${VALID}`);
  const out: number[] = [];
  for (const s of list) {
    const n = parseSize(s);
    if (n === undefined) throw new UserError(`${prefix}--sizes "${s}" is not a size; valid: ${VALID}, at most 64m`);
    if (!out.includes(n)) out.push(n);
  }
  return out;
}

/** `1KiB`, `16KiB`, `1MiB`; sizes that are not whole KiB stay in bytes (`1000B`), so the label is exact. */
export function formatSize(bytes: number): string {
  if (bytes >= MIB && bytes % MIB === 0) return `${bytes / MIB}MiB`;
  if (bytes >= KIB && bytes % KIB === 0) return `${bytes / KIB}KiB`;
  return `${bytes}B`;
}
