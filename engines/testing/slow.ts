import type { BatchOp, Engine, EngineCounters, ScanRange, WriteOptions } from '../engine.ts';

/**
 * FOR TESTS ONLY: an Engine wrapper that makes every synced write (and every explicit `sync()`) take a
 * fixed extra time, so a test can build a candidate that is slower by a known amount and check that the
 * regression gate catches it. Injected through `LayoutOptions.wrapEngine` (the CLI's test entry
 * `test/helpers/slow-sync-cli.ts` passes it); no production path reaches it.
 *
 * The delay is added after the inner call resolves and blocks the thread until its deadline (a futex
 * wait, then a short spin for the last ~150 µs, because timers and futex waits overshoot by tens of
 * microseconds). Blocking is what a slow synchronous fsync would do, and it keeps the added time exact.
 */
/** `engine` with `delayUs` added to each synced write and sync(); the engine itself when the delay is 0. */
export function withSlowSync(engine: Engine, delayUs: number): Engine {
  return delayUs > 0 ? new SlowSyncEngine(engine, delayUs) : engine;
}

class SlowSyncEngine implements Engine {
  readonly #inner: Engine;
  readonly #delayNs: bigint;

  constructor(inner: Engine, delayUs: number) {
    this.#inner = inner;
    this.#delayNs = BigInt(Math.round(delayUs * 1000));
  }

  get kind(): string {
    return `${this.#inner.kind}+slow-sync`;
  }

  get dir(): string | null {
    return this.#inner.dir;
  }

  async write(ops: readonly BatchOp[], opts: WriteOptions): Promise<void> {
    await this.#inner.write(ops, opts);
    if (opts.sync) this.#pause();
  }

  get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.#inner.get(key);
  }

  scan(range: ScanRange): Promise<Array<[Uint8Array, Uint8Array]>> {
    return this.#inner.scan(range);
  }

  async sync(): Promise<void> {
    await this.#inner.sync();
    this.#pause();
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  counters(): EngineCounters {
    return this.#inner.counters();
  }

  stats(): Record<string, number> {
    return this.#inner.stats?.() ?? {};
  }

  #pause(): void {
    const deadline = process.hrtime.bigint() + this.#delayNs;
    const waitMs = Number(this.#delayNs - SPIN_NS) / 1e6;
    if (waitMs > 0) Atomics.wait(PARK, 0, 0, waitMs);
    while (process.hrtime.bigint() < deadline) {
      // spin out the last microseconds
    }
  }
}

const SPIN_NS = 150_000n;
const PARK = new Int32Array(new SharedArrayBuffer(4));
