import type { LayoutDef } from './layout.ts';
import { BINDING_LABEL, openRocks } from './open-rocks.ts';

/** CockroachDB in 2017: one RocksDB holds the raft log and the state machine. */
export const shared: LayoutDef = {
  name: 'shared',
  summary: 'one RocksDB for raft log and state machine (CockroachDB 2017)',
  separate: false,
  async open(opts) {
    const engine = await openRocks(opts.binding, opts.dir, opts.budget, opts.wrapEngine);
    return {
      name: 'shared',
      raft: engine,
      state: engine,
      syncCoversState: true,
      files: { raft: opts.dir, state: opts.dir },
      description: `${BINDING_LABEL[opts.binding]} x1 in ${opts.dir}`,
      close: () => engine.close(),
    };
  },
};
