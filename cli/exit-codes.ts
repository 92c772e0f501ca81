import { errorLine, userErrno, UserError } from '../errors/user-error.ts';

/**
 * The one place that decides whether an error is the user's: the line to print for a `UserError` or a
 * file-system error the user can fix (full disk, read-only, no permission), else null (an internal error).
 */
export function userErrorLine(err: unknown): string | null {
  if (err instanceof UserError) return err.message;
  const code = userErrno(err);
  return code === null ? null : `${code}: ${errorLine(err)}`;
}
