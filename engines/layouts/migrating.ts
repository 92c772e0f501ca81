import { existsSync } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import path from 'node:path';
import { emptyCounters, type BatchOp, type Engine, type EngineCounters, type ScanRange, type WriteOptions } from '../engine.ts';
import { splitBudget } from '../memory-budget.ts';
import type { Layout, LayoutOptions } from './layout.ts';
import { BINDING_LABEL, openRocks } from './open-rocks.ts';
import { openRaftEngine } from './raft-engine.ts';

export type DualMode = 'old' | 'both' | 'new';

/**
 * The raft engine of the RFC's online migration: while `old` (before the migration starts) it is the old
 * engine; while `both`, every write goes to the old engine and the
 * new one (each synced when asked, concurrently) and reads come from the old; after `switchToNew`, reads
 * and writes go to the new engine only. Writes are serialized, and `onWrite` (set by whoever drives the
 * switch) runs inside the write that triggered it, before it resolves: nothing else is written meanwhile,
 * and its cost shows as that write's latency (the blip at the switch).
 *
 * Durability: a synced write in `both` resolves when both engines hold it durably.
 */
export class DualWriteEngine implements Engine {
  readonly kind: string;
  readonly dir: string | null;
  onWrite: ((ops: readonly BatchOp[]) => Promise<void>) | null = null;
  #mode: DualMode;
  #chain: Promise<unknown> = Promise.resolve();
  readonly #counters = emptyCounters();

  constructor(readonly oldEngine: Engine, readonly newEngine: Engine, mode: DualMode) {
    this.kind = `dual(${oldEngine.kind}+${newEngine.kind})`;
    this.dir = newEngine.dir;
    this.#mode = mode;
  }

  get mode(): DualMode {
    return this.#mode;
  }

  /** Runs `fn` with no write in flight and none starting until it is done. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(fn);
    this.#chain = run.catch(() => {});
    return run;
  }

  /** Opens the double-write window (call inside `exclusive`). */
  startBoth(): void {
    if (this.#mode === 'old') this.#mode = 'both';
  }

  /** From now on, reads and writes go to the new engine only (call inside `exclusive` or `onWrite`). */
  switchToNew(): void {
    this.#mode = 'new';
  }

  write(ops: readonly BatchOp[], opts: WriteOptions): Promise<void> {
    return this.exclusive(async () => {
      if (this.#mode === 'both') await Promise.all([this.oldEngine.write(ops, opts), this.newEngine.write(ops, opts)]);
      else await this.#writer().write(ops, opts);
      this.#counters.batches++;
      if (opts.sync) this.#counters.syncs++;
      if (this.onWrite) await this.onWrite(ops);
    });
  }

  get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.#reader().get(key);
  }

  scan(range: ScanRange): Promise<Array<[Uint8Array, Uint8Array]>> {
    return this.#reader().scan(range);
  }

  async sync(): Promise<void> {
    if (this.#mode === 'both') await Promise.all([this.oldEngine.sync(), this.newEngine.sync()]);
    else await this.#writer().sync();
    this.#counters.syncs++;
  }

  /** Closes the new engine; the old one belongs to the layout (it is the state engine too). */
  async close(): Promise<void> {
    await this.#chain;
    await this.newEngine.close();
  }

  counters(): EngineCounters {
    return { ...this.#counters, bytes: this.newEngine.counters().bytes + (this.#mode === 'new' ? 0 : this.oldEngine.counters().bytes) };
  }

  #reader(): Engine {
    return this.#mode === 'new' ? this.newEngine : this.oldEngine;
  }

  #writer(): Engine {
    return this.#mode === 'new' ? this.newEngine : this.oldEngine;
  }
}

/** A `shared` store half-way through the online migration of its raft data to `target`'s raft engine. */
export interface MigratingLayout extends Layout {
  readonly raft: DualWriteEngine;
  /** The layout it moves to, e.g. `dedicated`. */
  readonly target: string;
  /** Makes the switch durable (a marker file in the new raft directory) and switches; call within `exclusive`. */
  commitSwitch(): Promise<void>;
}

const SWITCHED = 'SWITCHED';

/**
 * Opens `<dir>` as a shared RocksDB (the old layout; it stays the state engine) plus `target`'s raft
 * engine in `<dir>/raft`, in mode `old` until a migration opens the window. Until the switch, the old engine is authoritative for raft data; once
 * `<dir>/raft/SWITCHED` exists, the new one is (a restart after the switch opens in `new` mode).
 * Memory: the two RocksDB instances split the budget, as `dedicated` does.
 */
export async function openMigratingLayout(opts: LayoutOptions, target: string): Promise<MigratingLayout> {
  const raftDir = opts.raftDir ?? path.join(opts.dir, 'raft');
  const half = splitBudget(opts.budget, 2);
  const old = await openRocks(opts.binding, opts.dir, half, opts.wrapEngine);
  await mkdir(raftDir, { recursive: true });
  const switched = existsSync(path.join(raftDir, SWITCHED));
  const neu = await openRaftEngine(target, raftDir, { ...opts, budget: opts.budget }).catch(async (err: unknown) => {
    await old.close();
    throw err;
  });
  const raft = new DualWriteEngine(old, neu, switched ? 'new' : 'old');
  return {
    name: 'migrating',
    target,
    raft,
    state: old,
    get syncCoversState() {
      return raft.mode !== 'new';
    },
    files: { raft: raftDir, state: opts.dir },
    description: `online migration shared -> ${target}: ${BINDING_LABEL[opts.binding]} in ${opts.dir} (old raft + state), ${target} raft engine in ${raftDir}`,
    async commitSwitch() {
      await neu.sync();
      const tmp = path.join(raftDir, `${SWITCHED}.tmp`);
      const fh = await open(tmp, 'w');
      await fh.sync();
      await fh.close();
      await rename(tmp, path.join(raftDir, SWITCHED));
      const d = await open(raftDir, 'r');
      await d.sync();
      await d.close();
      raft.switchToNew();
    },
    async close() {
      await raft.close();
      await old.close();
    },
  };
}
