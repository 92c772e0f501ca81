import { MemoryEngine } from '../memory.ts';

/**
 * What each engine of the memory layout keeps: the most recently written 256 MiB. A replica needs its
 * live log (truncated behind the writer) and its state; a benchmark that writes a new key every op and
 * never deletes one (BatchCommit) would otherwise hold every value ever written (a 5M-op run reached
 * 16 GB). Older keys are dropped as if truncated: the families read only recent keys (log entries being
 * applied, HardState, the applied index), so a dropped key costs no op its work.
 */
export const MEMORY_RETAIN_BYTES = 256 << 20;
import type { LayoutDef } from './layout.ts';

/** No storage at all: the harness's own overhead, an upper bound for every other layout. */
export const memory: LayoutDef = {
  name: 'memory',
  summary: 'in-process maps for both (upper bound; harness overhead only; not durable)',
  separate: false,
  async open() {
    const raft = new MemoryEngine({ retainBytes: MEMORY_RETAIN_BYTES });
    const state = new MemoryEngine({ retainBytes: MEMORY_RETAIN_BYTES });
    return {
      name: 'memory',
      raft,
      state,
      syncCoversState: true,
      files: { raft: null, state: null },
      description: `in-process memory x2 (not durable; each keeps the last ${MEMORY_RETAIN_BYTES >> 20} MiB written)`,
      async close() {
        await raft.close();
        await state.close();
      },
    };
  },
};
