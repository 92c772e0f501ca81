/**
 * The raftbench CLI with every RocksDB engine slowed: each synced write and sync() takes
 * RAFTBENCH_TEST_SLOW_SYNC_US more microseconds (engines/testing/slow.ts, injected through the CLI's
 * `wrapEngine` seam). For testing the regression gate: `node --import tsx test/helpers/slow-sync-cli.ts
 * bench ...`, or `gate --ab REF --candidate-cli test/helpers/slow-sync-cli.ts --candidate-env
 * RAFTBENCH_TEST_SLOW_SYNC_US=200`. Results of such a run measure the injected delay, not the engine.
 */
import { runAsProcess } from '../../cli/main.ts';
import { withSlowSync } from '../../engines/testing/slow.ts';

export const SLOW_SYNC_ENV = 'RAFTBENCH_TEST_SLOW_SYNC_US';

/** Microseconds from the environment; undefined when unset or empty; throws when not a number in 0..1e7. */
export function slowSyncFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const v = env[SLOW_SYNC_ENV];
  if (v === undefined || v.trim() === '') return undefined;
  const us = Number(v);
  if (!Number.isFinite(us) || us < 0 || us > 10_000_000) throw new Error(`${SLOW_SYNC_ENV}="${v}" is not a delay in microseconds (0..10000000)`);
  return us;
}

if (import.meta.filename === process.argv[1]) {
  const us = slowSyncFromEnv() ?? 0;
  runAsProcess(process.argv.slice(2), { wrapEngine: (e) => withSlowSync(e, us) });
}
