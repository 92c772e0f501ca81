/**
 * An error the user caused (bad flag, unknown layout, unreadable or foreign results file, full disk).
 * The CLI prints its message as one line and exits with code 2; never a stack trace.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(message: string) {
    super(message);
  }
}

/** `"x" is not a valid layout; valid: a, b, c` */
export function invalidChoice(what: string, value: string, valid: readonly string[]): UsageError {
  return new UsageError(`unknown ${what} "${value}"; valid: ${valid.join(', ')}`);
}
