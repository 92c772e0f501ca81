import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { BatchOp, Engine } from '../engines/engine.ts';
import { findLayout, type Layout } from '../engines/layouts/index.ts';
import type { MemoryBudget } from '../engines/memory-budget.ts';
import { openRocks } from '../engines/layouts/open-rocks.ts';
import { RAFT_ENGINE_OPENERS, openRaftEngine } from '../engines/layouts/raft-engine.ts';
import { UserError, invalidChoice } from '../errors/user-error.ts';
import { encodeEntry, hardStateKey, logRange } from './keys.ts';
import { MarkerError, readMarker, removeDurably, sameMarker, writeAtomic, writeMarker, type LayoutMarker } from './layout-marker.ts';
import { recoverGroup } from './recover.ts';

/**
 * The RFC's offline, store-level migration ("Migration strategy"): copy all consensus data (every group's
 * log entries and HardState) from the old layout's raft engine into the new one's, then delete it from the
 * old. The truncated state lives in the state engine's applied record, which both layouts share
 * (`<dir>`'s RocksDB), so it stays where it is.
 *
 * Crash safety: the store is in exactly one layout at every instant, the one `<dir>/LAYOUT` names.
 *   1. write `<dir>/MIGRATION` (the intent: from and to), atomically;
 *   2. copy into the new raft engine (a fresh directory, or `<dir>`'s RocksDB when moving to `shared`), sync;
 *   3. commit: replace `<dir>/LAYOUT` by the new marker (one rename);
 *   4. verify: reopen on the new layout, compare every group's recovered state with the one taken before;
 *      on a mismatch, put the old marker back (undoing the commit) and fail;
 *   5. delete the old copy; remove the intent.
 * `settleMigration` (run before any open) finishes an interrupted one: intent and old marker -> roll back
 * (delete the partial new copy); intent and new marker -> roll forward (delete the old copy).
 */

export const MIGRATION_FILE = 'MIGRATION';
/** Layouts a store can migrate between: `shared` and every layout with a raft engine of its own. */
export const MIGRATABLE = ['shared', ...Object.keys(RAFT_ENGINE_OPENERS)] as const;

export interface MigrateOptions {
  readonly dir: string;
  readonly from: string;
  readonly to: string;
  readonly budget: MemoryBudget;
  /** Progress after every `progressEvery` groups and after the last one. */
  readonly onProgress?: (p: MigrateProgress) => void;
  readonly progressEvery?: number;
  /** Monotonic clock in ns (default process.hrtime). */
  readonly now?: () => number;
}

export interface MigrateProgress {
  readonly phase: 'read' | 'copy' | 'verify';
  readonly groupsDone: number;
  readonly groups: number;
  readonly bytes: number;
}

export interface MigrateResult {
  readonly from: LayoutMarker;
  readonly to: LayoutMarker;
  readonly groups: number;
  /** Log entries and HardStates copied, and their key + value bytes. */
  readonly rows: number;
  readonly bytes: number;
  /** Bytes on disk of the new raft engine's directory (null when it is the state engine). */
  readonly newDirBytes: number | null;
  /** Phase times in ms: reading the old state, copying + sync, commit, verifying, deleting the old copy. */
  readonly ms: { read: number; copy: number; commit: number; verify: number; cleanup: number; total: number };
}

/** The recovered state of one group, in a comparable form. */
export interface GroupDigest {
  readonly group: number;
  readonly applied: number;
  readonly truncIndex: number;
  readonly truncTerm: number;
  readonly term: number;
  readonly vote: number;
  readonly commit: number;
  readonly firstIndex: number;
  readonly lastIndex: number;
  /** sha256 of the encoded entries firstIndex..lastIndex. */
  readonly log: string;
}

const hrtimeNs = (): number => Number(process.hrtime.bigint());

/** Rows per scan while copying one group's log. */
const SCAN_ROWS = 4096;
/** Payload bytes per write batch into the new engine (unsynced; one sync at the end). */
const BATCH_BYTES = 4 << 20;

export async function migrateStore(o: MigrateOptions): Promise<MigrateResult> {
  const now = o.now ?? hrtimeNs;
  const t0 = now();
  for (const [flag, v] of [['--from', o.from], ['--to', o.to]] as const) {
    if (!(MIGRATABLE as readonly string[]).includes(v)) throw invalidChoice(`${flag} layout`, v, MIGRATABLE);
  }
  if (o.from === o.to) throw new UserError(`migrate: --from and --to are both "${o.from}"; nothing to move`);
  await settleMigration(o.dir, o.budget);
  const from = await requireMarker(o.dir);
  if (from.layout !== o.from) {
    throw new UserError(`migrate: ${o.dir} is in layout "${from.layout}" (${path.join(o.dir, 'LAYOUT')}), not --from ${o.from}`);
  }
  const to: LayoutMarker = { layout: o.to, raftDir: o.to === 'shared' ? null : freshRaftDir(o.dir, o.to, from.raftDir), binding: from.binding };
  const every = o.progressEvery ?? 100;

  // Read: what the store recovers to now; the new layout must recover to the same.
  const old = await openMarked(o.dir, from, o.budget);
  let before: GroupDigest[];
  let groups: number[];
  const t1 = now();
  try {
    groups = union(await listGroups(old.raft), old.state === old.raft ? [] : await listGroups(old.state));
    before = await digestAll(old, groups, (n) => report(o, 'read', n, groups.length, 0, every));
  } catch (err) {
    await old.close();
    throw err;
  }
  const t2 = now();

  // Copy into the new raft engine, then sync it: nothing is committed yet.
  let copied = { rows: 0, bytes: 0 };
  let copyFailed = false;
  try {
    await writeAtomic(o.dir, MIGRATION_FILE, `${JSON.stringify({ from, to })}\n`);
    const target = to.raftDir === null ? old.state : await openRaftEngine(to.layout, path.join(o.dir, to.raftDir), layoutOpts(o.dir, to, o.budget));
    try {
      copied = await copyRaftData(old.raft, target, groups, (n, bytes) => report(o, 'copy', n, groups.length, bytes, every));
      await target.sync();
    } finally {
      if (target !== old.state) await target.close();
    }
  } catch (err) {
    copyFailed = true;
    throw err;
  } finally {
    await old.close();
    // Nothing was committed: undo the partial copy now rather than at the next start.
    if (copyFailed) await settleMigration(o.dir, o.budget).catch(() => {});
  }
  const t3 = now();

  // Commit: one atomic rename makes the new layout the store's.
  await writeMarker(o.dir, to);
  const t4 = now();

  // Verify on the new layout as a restarting node would open it.
  const fresh = await openMarked(o.dir, to, o.budget);
  let after: GroupDigest[];
  try {
    after = await digestAll(fresh, groups, (n) => report(o, 'verify', n, groups.length, copied.bytes, every));
  } finally {
    await fresh.close();
  }
  const diff = firstDifference(before, after);
  if (diff) {
    await writeMarker(o.dir, from);
    await settleMigration(o.dir, o.budget);
    throw new Error(`migrate: the store recovers differently on ${to.layout}: ${diff}; kept on ${from.layout}`);
  }
  const t5 = now();
  const newDirBytes = to.raftDir === null ? null : await dirBytes(path.join(o.dir, to.raftDir));
  await settleMigration(o.dir, o.budget);
  const t6 = now();
  const ms = (a: number, b: number) => (b - a) / 1e6;
  return {
    from, to, groups: groups.length, rows: copied.rows, bytes: copied.bytes, newDirBytes,
    ms: { read: ms(t1, t2), copy: ms(t2, t3), commit: ms(t3, t4), verify: ms(t4, t5), cleanup: ms(t5, t6), total: ms(t0, t6) },
  };
}

/**
 * Finishes or undoes a migration a crash interrupted (see the module comment); a no-op without an intent.
 * Returns what it did.
 */
export async function settleMigration(dir: string, budget: MemoryBudget): Promise<'none' | 'rolled-back' | 'rolled-forward'> {
  const intent = await readIntent(dir);
  if (!intent) return 'none';
  const current = await requireMarker(dir);
  let outcome: 'rolled-back' | 'rolled-forward';
  if (sameMarker(current, intent.to)) {
    await removeRaftCopy(dir, intent.from, budget);
    outcome = 'rolled-forward';
  } else if (sameMarker(current, intent.from)) {
    await removeRaftCopy(dir, intent.to, budget);
    outcome = 'rolled-back';
  } else {
    throw new MarkerError(`${dir}: ${MIGRATION_FILE} names neither side of ${JSON.stringify(current)}; look before deleting anything`);
  }
  await removeDurably(dir, MIGRATION_FILE);
  return outcome;
}

/** Settles any interrupted migration, then opens the store on the layout its marker names. */
export async function openMarkedLayout(dir: string, budget: MemoryBudget): Promise<{ layout: Layout; marker: LayoutMarker }> {
  await settleMigration(dir, budget);
  const marker = await requireMarker(dir);
  return { layout: await openMarked(dir, marker, budget), marker };
}

/** Group ids present in `engine` (keys start with the group id, 8 bytes big-endian): one seek per group. */
export async function listGroups(engine: Engine): Promise<number[]> {
  const out: number[] = [];
  let gte: Buffer = Buffer.alloc(8);
  for (;;) {
    const [row] = await engine.scan({ gte, limit: 1 });
    if (!row) return out;
    const k = Buffer.from(row[0]);
    if (k.byteLength < 8) return out; // not the replica's key scheme
    const g = Number(k.readBigUInt64BE(0));
    out.push(g);
    gte = Buffer.alloc(8);
    gte.writeBigUInt64BE(BigInt(g + 1), 0);
  }
}

/** Every group's recovered state, in `groups` order. */
export async function digestAll(layout: Layout, groups: readonly number[], onGroup?: (done: number) => void): Promise<GroupDigest[]> {
  const out: GroupDigest[] = [];
  for (const g of groups) {
    out.push(await digestGroup(layout, g));
    onGroup?.(out.length);
  }
  return out;
}

export async function digestGroup(layout: Layout, group: number): Promise<GroupDigest> {
  const r = await recoverGroup(layout, group);
  const h = createHash('sha256');
  const first = r.storage.firstIndex();
  for (const e of r.storage.entries(first, r.lastIndex + 1, Number.POSITIVE_INFINITY)) h.update(encodeEntry(e));
  return {
    group, applied: r.applied.applied, truncIndex: r.applied.truncIndex, truncTerm: r.applied.truncTerm,
    term: r.hardState.term, vote: r.hardState.vote, commit: r.hardState.commit, firstIndex: r.firstIndex, lastIndex: r.lastIndex,
    log: h.digest('hex'),
  };
}

/** The first group whose state differs, described, or null. */
export function firstDifference(a: readonly GroupDigest[], b: readonly GroupDigest[]): string | null {
  if (a.length !== b.length) return `${a.length} groups before, ${b.length} after`;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    for (const k of Object.keys(x) as Array<keyof GroupDigest>) {
      if (x[k] !== y[k]) return `group ${x.group}: ${k} ${String(x[k])} before, ${String(y[k])} after`;
    }
  }
  return null;
}

/** Copies every group's log entries and HardState from `src` to `dst` (unsynced batches). */
export async function copyRaftData(
  src: Engine,
  dst: Engine,
  groups: readonly number[],
  onGroup?: (done: number, bytes: number) => void,
): Promise<{ rows: number; bytes: number }> {
  let rows = 0;
  let bytes = 0;
  let batch: BatchOp[] = [];
  let batchBytes = 0;
  const put = async (key: Uint8Array, value: Uint8Array) => {
    batch.push({ type: 'put', key, value });
    batchBytes += key.byteLength + value.byteLength;
    rows++;
    if (batchBytes >= BATCH_BYTES) await flush();
  };
  const flush = async () => {
    if (batch.length > 0) await dst.write(batch, { sync: false });
    bytes += batchBytes;
    batch = [];
    batchBytes = 0;
  };
  for (const [i, g] of groups.entries()) {
    const { start, end } = logRange(g);
    let gte: Uint8Array = start;
    for (;;) {
      const chunk = await src.scan({ gte, lt: end, limit: SCAN_ROWS });
      for (const [k, v] of chunk) await put(k, v);
      if (chunk.length < SCAN_ROWS) break;
      gte = Buffer.concat([chunk[chunk.length - 1]![0], Buffer.from([0])]);
    }
    const hs = await src.get(hardStateKey(g));
    if (hs) await put(hardStateKey(g), hs);
    onGroup?.(i + 1, bytes + batchBytes);
  }
  await flush();
  return { rows, bytes };
}

/** Deletes the raft data of the layout `m` describes: its directory, or its keys in `<dir>`'s RocksDB. */
async function removeRaftCopy(dir: string, m: LayoutMarker, budget: MemoryBudget): Promise<void> {
  if (m.raftDir !== null) {
    await removeDurably(dir, m.raftDir);
    return;
  }
  const engine = await openRocks(m.binding, dir, budget);
  try {
    // One batch per group: the RocksDB adapters expand a range delete into point deletes of every key in
    // it, and one batch for a whole store would hold millions. Each batch is idempotent, so a crash
    // half-way is finished by the next settle; one sync at the end.
    for (const g of await listGroups(engine)) {
      const { start, end } = logRange(g);
      await engine.write([{ type: 'delRange', start, end }, { type: 'del', key: hardStateKey(g) }], { sync: false });
    }
    await engine.sync();
  } finally {
    await engine.close();
  }
}

async function requireMarker(dir: string): Promise<LayoutMarker> {
  if (!existsSync(dir)) throw new UserError(`migrate: --dir ${dir} does not exist`);
  const m = await readMarker(dir);
  if (!m) {
    throw new MarkerError(
      `${dir} has no LAYOUT marker, so its layout is unknown (a store made by \`raftbench migrate --fill-groups\` has one; ` +
        `for another, write {"layout":"shared","raftDir":null,"binding":"rocksdb"} to ${path.join(dir, 'LAYOUT')})`,
    );
  }
  return m;
}

async function readIntent(dir: string): Promise<{ from: LayoutMarker; to: LayoutMarker } | null> {
  let text: string;
  try {
    text = await readFile(path.join(dir, MIGRATION_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let intent: { from?: LayoutMarker; to?: LayoutMarker };
  try {
    intent = JSON.parse(text) as typeof intent;
  } catch {
    throw new MarkerError(`${path.join(dir, MIGRATION_FILE)} is not a migration intent (not JSON)`);
  }
  if (!intent.from?.layout || !intent.to?.layout) throw new MarkerError(`${path.join(dir, MIGRATION_FILE)} is not a migration intent (needs from and to)`);
  return { from: intent.from, to: intent.to };
}

export function layoutOpts(dir: string, m: LayoutMarker, budget: MemoryBudget) {
  return { dir, raftDir: m.raftDir === null ? undefined : path.join(dir, m.raftDir), binding: m.binding, budget };
}

function openMarked(dir: string, m: LayoutMarker, budget: MemoryBudget): Promise<Layout> {
  return findLayout(m.layout).open(layoutOpts(dir, m, budget));
}

/** `raft` unless the old layout uses it, else `raft-<to>` (a migration never writes into the old copy). */
function freshRaftDir(dir: string, to: string, old: string | null): string {
  for (const name of ['raft', `raft-${to}`, `raft-${to}-2`]) {
    if (name !== old && !existsSync(path.join(dir, name))) return name;
  }
  throw new UserError(`migrate: ${dir} already holds raft, raft-${to} and raft-${to}-2; remove the stale ones`);
}

function union(a: readonly number[], b: readonly number[]): number[] {
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}

function report(o: MigrateOptions, phase: MigrateProgress['phase'], done: number, groups: number, bytes: number, every: number): void {
  if (o.onProgress && (done % every === 0 || done === groups)) o.onProgress({ phase, groupsDone: done, groups, bytes });
}

export async function dirBytes(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) n += await dirBytes(p);
    else if (e.isFile()) n += (await stat(p)).blocks * 512;
  }
  return n;
}
