import type { BatchOp, Engine, EngineCounters, ScanRange, WriteOptions } from '../engine.ts';
import type { Layout } from '../layouts/layout.ts';

/**
 * FOR TESTS: simulates a power loss on real engines. Every write is applied to the real engine at once
 * and its pre-image is kept in a journal; a synced write or `sync()` empties the journal only when the
 * engine observed a sync of its own (its `stats().durableSyncs` advanced: RocksDB's WAL syncs), not because
 * the flag was set, so an engine that drops syncs loses those writes here as it would on the device.
 * Engines that count no syncs of their own (LMDB, memory) are taken at their flag; `crash()` rolls the journal back, leaving each engine exactly as it
 * was at its last sync. Engines that share a WAL (one RocksDB, or column families) share one journal, so
 * a sync of either persists both, as on the device; separate engines have separate journals.
 */
export class PowerLossJournal {
  readonly #undo: Array<{ engine: Engine; key: Uint8Array; prev: Uint8Array | undefined }> = [];

  async record(engine: Engine, ops: readonly BatchOp[]): Promise<void> {
    for (const op of ops) {
      if (op.type === 'delRange') {
        for (const [key, prev] of await engine.scan({ gte: op.start, lt: op.end })) this.#undo.push({ engine, key, prev });
      } else {
        this.#undo.push({ engine, key: op.key, prev: await engine.get(op.key) });
      }
    }
  }

  clear(): void {
    this.#undo.length = 0;
  }

  get size(): number {
    return this.#undo.length;
  }

  /** Undoes every unsynced write, newest first, and makes the result durable. */
  async rollBack(): Promise<void> {
    const touched = new Set<Engine>();
    for (let i = this.#undo.length - 1; i >= 0; i--) {
      const { engine, key, prev } = this.#undo[i]!;
      await engine.write([prev === undefined ? { type: 'del', key } : { type: 'put', key, value: prev }], { sync: false });
      touched.add(engine);
    }
    for (const e of touched) await e.sync();
    this.clear();
  }
}

export class PowerLossEngine implements Engine {
  readonly kind: string;
  readonly dir: string | null;
  constructor(readonly inner: Engine, readonly journal: PowerLossJournal) {
    this.kind = inner.kind;
    this.dir = inner.dir;
  }

  async write(ops: readonly BatchOp[], opts: WriteOptions): Promise<void> {
    await this.journal.record(this.inner, ops);
    const before = this.#observedSyncs();
    await this.inner.write(ops, opts);
    if (opts.sync) this.#persistedIfObserved(before);
  }

  /** The inner engine's own sync count, or null when it keeps none. */
  #observedSyncs(): number | null {
    return this.inner.stats?.().durableSyncs ?? null;
  }

  #persistedIfObserved(before: number | null): void {
    const after = this.#observedSyncs();
    if (before === null || after === null || after > before) this.journal.clear();
  }

  get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.inner.get(key);
  }

  scan(range: ScanRange): Promise<Array<[Uint8Array, Uint8Array]>> {
    return this.inner.scan(range);
  }

  async sync(): Promise<void> {
    const before = this.#observedSyncs();
    await this.inner.sync();
    this.#persistedIfObserved(before);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  counters(): EngineCounters {
    return this.inner.counters();
  }
}

/** A layout whose `crash()` loses every write not yet synced, then closes the engines. */
export interface PowerLossLayout extends Layout {
  crash(): Promise<void>;
}

export function withPowerLoss(layout: Layout): PowerLossLayout {
  const raftJournal = new PowerLossJournal();
  const stateJournal = layout.syncCoversState ? raftJournal : new PowerLossJournal();
  const raft = new PowerLossEngine(layout.raft, raftJournal);
  const state = layout.raft === layout.state ? raft : new PowerLossEngine(layout.state, stateJournal);
  return {
    ...layout,
    raft,
    state,
    close: () => layout.close(),
    async crash() {
      await raftJournal.rollBack();
      if (stateJournal !== raftJournal) await stateJournal.rollBack();
      await layout.close();
    },
  };
}
