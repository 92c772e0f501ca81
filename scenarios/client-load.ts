import type { OpSink } from './family.ts';
import { nowNs } from './family.ts';
import { SeededRandom } from '../raft/random.ts';
import { enumParam, intParam } from './params.ts';

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

/** Offered load in ops/s; 0 is closed loop (the default, and the meaning of every older name). */
export const RATE = { ...intParam(0, 10_000_000, 0), words: { closed: 0 } } as const;
export const ARRIVALS = ['fixed', 'poisson'] as const;
export type Arrival = (typeof ARRIVALS)[number];
/** `rate` and `arrival`, for families whose op is one client request. */
export const OPEN_LOOP_PARAMS = { rate: RATE, arrival: enumParam(ARRIVALS, 'fixed') } as const;

export interface OpenLoad {
  /** Ops per second offered, whatever the replies do. */
  readonly rate: number;
  readonly arrival: Arrival;
  /** Seeds Poisson arrivals, so a run replays its schedule. */
  readonly seed: number;
}

/**
 * Intended start times (ns after the run's start) of `ops` ops at `load`: evenly spaced (`fixed`), or
 * with exponential gaps of mean 1/rate (`poisson`, seeded).
 */
export function arrivalTimes(ops: number, load: OpenLoad): Float64Array {
  const out = new Float64Array(ops);
  const mean = 1e9 / load.rate;
  const rnd = new SeededRandom(load.seed);
  let t = 0;
  for (let i = 0; i < ops; i++) {
    out[i] = t;
    t += load.arrival === 'fixed' ? mean : -Math.log(1 - rnd.next()) * mean;
  }
  return out;
}

/** A timer wait shorter than this is spun on `setImmediate` instead: Node's timers are 1 ms coarse. */
const SPIN_BELOW_NS = 2e6;

/**
 * Open-loop load: op i is due at its intended start (`arrivalTimes`) whether earlier ops finished or
 * not; at most `clients` are in flight, and due ops beyond that wait in a queue. Each op's latency is
 * recorded from its intended start (`sink.record`: what a client arriving on schedule waits, stalls
 * included) and from its actual send (`sink.recordSent`: what closed-loop timing would have shown), with
 * the number of due ops left waiting for a client when it went. Returns the ops done (fewer when `stop()` turned true).
 */
export function openLoop(clients: number, ops: number, sink: OpSink, stop: () => boolean, op: (seq: number) => Promise<void>, load: OpenLoad): Promise<number> {
  const due = arrivalTimes(ops, load);
  const start = nowNs();
  let issued = 0;
  let dueUpTo = 0; // ops 0..dueUpTo-1 are due
  let inFlight = 0;
  let done = 0;
  let armed = false;
  let failed = false;
  return new Promise<number>((resolve, reject) => {
    const finish = () => {
      if (inFlight === 0) resolve(done);
    };
    const send = (i: number, now: number, backlog: number) => {
      inFlight++;
      op(i).then(() => {
        const end = nowNs();
        sink.record(end - start - due[i]!);
        sink.recordSent?.(end - now, backlog);
        inFlight--;
        done++;
        pump();
      }, (err: unknown) => {
        failed = true;
        reject(err);
      });
    };
    const pump = () => {
      if (failed) return;
      const now = nowNs();
      while (dueUpTo < ops && start + due[dueUpTo]! <= now) dueUpTo++;
      if (!stop()) {
        // The queue: due ops still unsent once this turn's sends took every free client.
        const going = Math.min(dueUpTo - issued, clients - inFlight);
        const backlog = dueUpTo - issued - Math.max(0, going);
        // Asked again before each send: an op may be what makes `stop` true (a count reached).
        for (let k = 0; k < going && (k === 0 || !stop()); k++) send(issued++, now, backlog);
      }
      if (issued >= ops || stop()) return finish();
      if (inFlight >= clients || armed) return; // a reply, or the armed wake-up, pumps again
      armed = true;
      const wait = start + due[issued]! - now;
      const wake = () => {
        armed = false;
        pump();
      };
      if (wait > SPIN_BELOW_NS) setTimeout(wake, Math.floor((wait - 1e6) / 1e6));
      else setImmediate(wake);
    };
    if (ops === 0) return resolve(0);
    pump();
  });
}

/**
 * The load of a replica family's run: closed loop with `clients` waiting clients, or open loop at
 * `load.rate` ops/s when it is set. `run` numbers the runs of one instance (warm-up, timed, ...), so each
 * gets its own seeded arrival schedule.
 */
export function driveLoad(
  clients: number, ops: number, sink: OpSink, stop: () => boolean, op: (seq: number) => Promise<void>,
  load: { readonly rate?: number; readonly arrival?: Arrival }, seed: number, run: number,
): Promise<number> {
  const rate = load.rate ?? 0;
  return rate > 0 ? openLoop(clients, ops, sink, stop, op, { rate, arrival: load.arrival ?? 'fixed', seed: seed * 1000 + run }) : closedLoop(clients, ops, sink, stop, op);
}
