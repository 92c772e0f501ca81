/**
 * The one type for "the user's fault": a bad flag, an unknown layout, an unreadable or foreign results
 * file, a full or read-only disk. Libraries throw it (or a subclass naming their domain); only the CLI
 * decides what it means for the exit code (one line, exit 2; never a stack trace).
 *
 * This folder is a leaf: every other folder may import it, it imports nothing.
 */
export class UserError extends Error {
  override readonly name: string = 'UserError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** `unknown layout "x"; valid: a, b, c` */
export function invalidChoice(what: string, value: string, valid: readonly string[]): UserError {
  const shown = value === '' ? '"" (empty)' : `"${value}"`;
  return new UserError(`unknown ${what} ${shown}; valid: ${valid.join(', ')}`);
}

/**
 * errno codes that mean the user's environment refused an operation the user asked for (a full disk, a
 * read-only file system, no permission, a quota): the user can fix them, so they are user errors.
 */
export const USER_ERRNO: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM']);

/**
 * strerror texts of those codes: native engines (RocksDB's "IO error: No space left on device") report
 * the failure only in their message, with no errno code attached.
 */
const STRERROR: ReadonlyArray<readonly [RegExp, string]> = [
  [/no space left on device/i, 'ENOSPC'],
  [/disk quota exceeded/i, 'EDQUOT'],
  [/read-only file system/i, 'EROFS'],
  [/permission denied/i, 'EACCES'],
];

/** The errno code of a file-system error a user can fix, else null. */
export function userErrno(err: unknown): string | null {
  const found = userErrnoCause(err);
  return found ? found.code : null;
}

/**
 * The error in `err`'s cause chain that carries a user-fixable errno, with that code: a wrapper (RocksDB 9's
 * "Database is not closed" after its background error, say) keeps the file system's refusal as `cause`.
 */
export function userErrnoCause(err: unknown): { error: unknown; code: string } | null {
  for (let e = err, depth = 0; e != null && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && USER_ERRNO.has(code)) return { error: e, code };
    const msg = e instanceof Error ? e.message : typeof e === 'string' ? e : '';
    const byText = STRERROR.find(([re]) => re.test(msg))?.[1];
    if (byText) return { error: e, code: byText };
  }
  return null;
}

/** The first line of an error's message, without Node's `CODE: ` prefix (so a code is never printed twice). */
export function errorLine(err: unknown): string {
  const msg = (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && msg.startsWith(`${code}: `) ? msg.slice(code.length + 2) : msg;
}
