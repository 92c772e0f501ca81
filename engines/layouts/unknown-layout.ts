import { UserError } from '../../errors/user-error.ts';

/** Thrown for a layout name that does not exist (a user error: the CLI exits 2 with its one line). */
export class UnknownLayoutError extends UserError {
  override readonly name = 'UnknownLayoutError';
}
