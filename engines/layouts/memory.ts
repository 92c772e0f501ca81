import { MemoryEngine } from '../memory.ts';
import type { LayoutDef } from './layout.ts';

/** No storage at all: the harness's own overhead, an upper bound for every other layout. */
export const memory: LayoutDef = {
  name: 'memory',
  summary: 'in-process maps for both (upper bound; harness overhead only; not durable)',
  separate: false,
  async open() {
    const raft = new MemoryEngine();
    const state = new MemoryEngine();
    return {
      name: 'memory',
      raft,
      state,
      syncCoversState: true,
      files: { raft: null, state: null },
      description: 'in-process memory x2 (not durable)',
      async close() {
        await raft.close();
        await state.close();
      },
    };
  },
};
