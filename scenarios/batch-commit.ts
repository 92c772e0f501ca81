import type { Engine } from '../engines/engine.ts';
import type { CaseInstance, OpSink } from './family.ts';
import { defineFamily, nowNs, openOnLayout } from './family.ts';
import { enumParam, VALUE_SIZE } from './params.ts';
import { randomValue, seqKey } from './value.ts';

const RAFT_PREFIX = Buffer.from('r/log/');
const STATE_PREFIX = Buffer.from('s/kv/');
const YIELD_EVERY_NS = 20e6;

/** Lets the event loop run (timers, signals) when `YIELD_EVERY_NS` passed since `since`; returns the new mark. */
async function breathe(since: number): Promise<number> {
  const now = nowNs();
  if (now - since < YIELD_EVERY_NS) return since;
  await new Promise<void>((resolve) => setImmediate(resolve));
  return nowNs();
}

/**
 * The RFC's engine-level benchmark. One op = one synced blind put to the raft engine (a raft log entry)
 * plus one unsynced blind put to the state engine (applying it). For `shared` both go to one engine, so
 * each synced write also persists the previous unsynced one; that is the cost under study.
 *
 * `order=interleaved` alternates the two writes (S U S U ...), the RFC's main benchmark.
 * `order=sequential` does all synced writes, then all unsynced (S S ... U U ...), the RFC's Drawbacks
 * benchmark; an op's latency is then its synced write plus its unsynced write, timed apart, and the
 * latency-over-time chart places each op at its synced write.
 *
 * Threads: the op loop calls each engine on this thread, so an op crosses to another thread only where
 * the binding has no synchronous call. RocksDB 9's batch write (the default binding) is synchronous, and
 * the WAL writes and fdatasyncs with synchronous calls: no handoff. RocksDB 6 (`--binding rocksdb`) is
 * async only: one libuv pool round trip per write, two per op. LMDB (lmdb-js) commits on its own write
 * thread. Each path's own cost is measured by `harness/runner/overhead.ts`. Since a synchronous loop would
 * starve the event loop (signals, progress), it yields once every `YIELD_EVERY_NS` between ops, untimed.
 */
export const batchCommit = defineFamily({
  name: 'BatchCommit',
  summary: 'one synced put to the raft engine + one unsynced put to the state engine (RFC engine-level benchmark)',
  nameOrder: ['layout', 'order', 'vs'],
  params: { order: enumParam(['interleaved', 'sequential']), vs: VALUE_SIZE },
  bytesPerOp: (p) => p.vs,
  open: (ctx) => openOnLayout(ctx, async (layout) => {
    const value = randomValue(ctx.params.vs);
    const order = ctx.params.order;
    let next = 0;
    const instance: CaseInstance = {
      async run(ops: number, sink: OpSink, shouldStop: () => boolean): Promise<number> {
        const first = next;
        next += ops;
        return order === 'interleaved'
          ? interleaved(layout.raft, layout.state, value, first, ops, sink, shouldStop)
          : sequential(layout.raft, layout.state, value, first, ops, sink, shouldStop);
      },
      engines: () => (layout.raft === layout.state ? [layout.raft] : [layout.raft, layout.state]),
      close: () => layout.close(),
    };
    return instance;
  }),
});

async function interleaved(raft: Engine, state: Engine, value: Buffer, first: number, ops: number, sink: OpSink, stop: () => boolean): Promise<number> {
  let mark = nowNs();
  for (let i = 0; i < ops; i++) {
    mark = await breathe(mark);
    if (stop()) return i;
    const n = first + i;
    const t0 = nowNs();
    await raft.write([{ type: 'put', key: seqKey(RAFT_PREFIX, n), value }], { sync: true });
    await state.write([{ type: 'put', key: seqKey(STATE_PREFIX, n), value }], { sync: false });
    sink.record(nowNs() - t0);
  }
  return ops;
}

async function sequential(raft: Engine, state: Engine, value: Buffer, first: number, ops: number, sink: OpSink, stop: () => boolean): Promise<number> {
  // Each op is recorded when its synced half ends (so the timeline shows the synced phase in time), and
  // its unsynced half, timed later, is added to it.
  let done = 0;
  let mark = nowNs();
  for (; done < ops; done++) {
    mark = await breathe(mark);
    if (stop()) break;
    const t0 = nowNs();
    await raft.write([{ type: 'put', key: seqKey(RAFT_PREFIX, first + done), value }], { sync: true });
    sink.record(nowNs() - t0);
  }
  // The unsynced half runs even when stopping, for the ops whose synced half ran, so each op is whole.
  for (let i = 0; i < done; i++) {
    mark = await breathe(mark);
    const t0 = nowNs();
    await state.write([{ type: 'put', key: seqKey(STATE_PREFIX, first + i), value }], { sync: false });
    sink.amend(i, nowNs() - t0);
  }
  return done;
}
