import type { OpSink } from './family.ts';
import { nowNs } from './family.ts';

/**
 * Runs `ops` ops from `clients` concurrent closed-loop clients (each waits for its op before the next);
 * records each op's latency. Returns the number of ops done (fewer when `stop()` turned true).
 */
export async function closedLoop(clients: number, ops: number, sink: OpSink, stop: () => boolean, op: (seq: number) => Promise<void>): Promise<number> {
  let issued = 0;
  let done = 0;
  const worker = async () => {
    while (issued < ops && !stop()) {
      const seq = issued++;
      const t0 = nowNs();
      await op(seq);
      sink.record(nowNs() - t0);
      done++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(clients, ops) }, worker));
  return done;
}
