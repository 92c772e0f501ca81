import type { BatchOp } from '../engines/engine.ts';
import type { MigratingLayout } from '../engines/layouts/migrating.ts';
import { hardStateKey, logIndexOf, logKey, logRange } from './keys.ts';
import type { Store } from './store.ts';

export interface OnlineMigrationStats {
  /** ns on the caller's clock when the switch finished, or null before it. */
  switchedAtNs: number | null;
  /** Time the switch took inside the truncating write (copy the rest, sync, marker, delete old copy). */
  switchNs: number;
  /** Log entries copied at the switch (those older than the double-write window the truncation kept). */
  rowsCopiedAtSwitch: number;
}

/**
 * The RFC's online migration, driven over a `migrating` layout: from `start`, raft writes go to both
 * engines (the layout does that); at each group's next log truncation, the entries the truncation kept
 * that predate the double-write window are copied to the new engine, so its copy of that group is
 * complete. When every group is complete, the switch: sync the new engine, make the switch durable,
 * direct raft reads and writes to the new engine only, delete the old copy from the old engine.
 *
 * The RFC switches "at the next log truncation point"; that is enough only if the truncation removes
 * every entry written before the window. A truncation keeps `keep` entries, so the few it keeps are
 * copied at the switch, which is part of the blip.
 */
export class OnlineMigration {
  readonly stats: OnlineMigrationStats = { switchedAtNs: null, switchNs: 0, rowsCopiedAtSwitch: 0 };
  /** Per group still pending: the last log index written before the window opened. */
  readonly #pending = new Map<number, number>();
  readonly #groups: readonly number[];

  private constructor(
    readonly layout: MigratingLayout,
    groups: readonly number[],
    readonly allowSwitch: boolean,
    readonly now: () => number,
  ) {
    this.#groups = groups;
  }

  /**
   * Opens the double-write window now: copies every group's HardState, records where each log stood.
   * With `allowSwitch` false the window stays open (to measure its steady cost).
   */
  static async start(store: Store, layout: MigratingLayout, groups: readonly number[], allowSwitch: boolean, now: () => number): Promise<OnlineMigration> {
    const m = new OnlineMigration(layout, groups, allowSwitch, now);
    const dual = layout.raft;
    await dual.exclusive(async () => {
      dual.startBoth();
      const ops: BatchOp[] = [];
      for (const g of groups) {
        m.#pending.set(g, store.logBounds(g).last);
        const hs = await dual.oldEngine.get(hardStateKey(g));
        if (hs) ops.push({ type: 'put', key: hardStateKey(g), value: hs });
      }
      if (ops.length > 0) await dual.newEngine.write(ops, { sync: true });
      dual.onWrite = (written) => m.#observe(written);
    });
    return m;
  }

  get switched(): boolean {
    return this.stats.switchedAtNs !== null;
  }

  async #observe(ops: readonly BatchOp[]): Promise<void> {
    if (!this.allowSwitch || this.switched) return;
    const dual = this.layout.raft;
    for (const op of ops) {
      if (op.type !== 'delRange' || op.start.byteLength !== 17) continue;
      const g = Number(Buffer.from(op.start).readBigUInt64BE(0));
      const watermark = this.#pending.get(g);
      if (watermark === undefined || !Buffer.from(op.start).equals(logKey(g, 0))) continue;
      // A truncation of g up to `upTo`: what it kept from before the window exists only in the old engine.
      const t0 = this.now();
      const upTo = logIndexOf(op.end) - 1;
      if (watermark > upTo) {
        const rows = await dual.oldEngine.scan({ gte: logKey(g, upTo + 1), lt: logKey(g, watermark + 1) });
        if (rows.length > 0) await dual.newEngine.write(rows.map(([key, value]) => ({ type: 'put' as const, key, value })), { sync: false });
        this.stats.rowsCopiedAtSwitch += rows.length;
      }
      this.#pending.delete(g);
      this.stats.switchNs += this.now() - t0;
    }
    if (this.#pending.size > 0) return;
    const t0 = this.now();
    await this.layout.commitSwitch();
    const del: BatchOp[] = [];
    for (const g of this.#groups) {
      const { start, end } = logRange(g);
      del.push({ type: 'delRange', start, end }, { type: 'del', key: hardStateKey(g) });
    }
    await dual.oldEngine.write(del, { sync: false });
    const t1 = this.now();
    this.stats.switchNs += t1 - t0;
    this.stats.switchedAtNs = t1;
  }
}
