import type { EngineWrapper } from '../engines/layouts/layout.ts';
import type { Catalog } from '../harness/runner/plan.ts';

/** One CLI command. `run` returns the exit code; a UserError thrown from it exits 2 with one line. */
export interface Command {
  readonly name: string;
  /** One line for `raftbench help` and `list`. */
  readonly summary: string;
  /** Usage line, e.g. `bench [--suite S] ...`. */
  readonly usage: string;
  run(args: readonly string[], deps?: CliDeps): Promise<number>;
}

/** What a caller of the CLI may inject: seams for tests, never set by the `raftbench` entry itself. */
export interface CliDeps {
  /** Wraps every RocksDB engine `bench` opens (see `LayoutOptions.wrapEngine`). */
  readonly wrapEngine?: EngineWrapper;
  /** The suites and families `bench` plans from (default: the named ones in scenarios/). */
  readonly catalog?: Catalog;
}
