/**
 * Thrown for a layout name that does not exist. `engines/` imports nothing outside itself, so the CLI maps
 * this to its own UsageError (exit 2) by the `userError` flag.
 */
export class UsageLikeError extends Error {
  readonly userError = true;
}
