/** One CLI command. `run` returns the exit code; a UsageError thrown from it exits 2 with one line. */
export interface Command {
  readonly name: string;
  /** One line for `raftbench help` and `list`. */
  readonly summary: string;
  /** Usage line, e.g. `bench [--suite S] ...`. */
  readonly usage: string;
  run(args: readonly string[]): Promise<number>;
}
