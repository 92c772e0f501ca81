import type { BatchOp, Engine, EngineCounters, ScanRange, WriteOptions } from '../engine.ts';

/**
 * FOR TESTS ONLY: an engine that lies about durability. Every write is passed on with `sync: false` and
 * `sync()` does nothing, while its counters still say a sync was requested: the bug a durability check
 * must catch by watching the device, not the flag.
 */
export class DropSyncEngine implements Engine {
  readonly #inner: Engine;
  #syncs = 0;

  constructor(inner: Engine) {
    this.#inner = inner;
  }

  get kind(): string {
    return `${this.#inner.kind}+drop-sync`;
  }

  get dir(): string | null {
    return this.#inner.dir;
  }

  async write(ops: readonly BatchOp[], opts: WriteOptions): Promise<void> {
    await this.#inner.write(ops, { sync: false });
    if (opts.sync) this.#syncs++;
  }

  get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.#inner.get(key);
  }

  scan(range: ScanRange): Promise<Array<[Uint8Array, Uint8Array]>> {
    return this.#inner.scan(range);
  }

  async sync(): Promise<void> {
    this.#syncs++;
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  counters(): EngineCounters {
    const c = this.#inner.counters();
    return { ...c, syncs: c.syncs + this.#syncs };
  }

  /** The inner engine's own account, which shows the syncs that did not happen. */
  stats(): Record<string, number> {
    return this.#inner.stats?.() ?? {};
  }
}
