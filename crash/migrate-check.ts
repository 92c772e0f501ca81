import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { SeededRandom } from '../raft/index.ts';
import { findLayout } from '../engines/layouts/index.ts';
import { DEFAULT_BUDGET } from '../engines/memory-budget.ts';
import { writeMarker } from '../node/layout-marker.ts';
import { MIGRATION_FILE, digestAll, firstDifference, openMarkedLayout, type GroupDigest } from '../node/migrate.ts';
import { fillStore } from '../node/fill-store.ts';
import { kvKey } from '../node/keys.ts';
import { Store } from '../node/store.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'cli', 'main.ts');

export interface MigrateCrashOptions {
  /** Each target gets `<dir>/migrate-<to>`. */
  readonly dir: string;
  /** Layouts to migrate `shared` to and back from. */
  readonly targets: readonly string[];
  readonly kills: number;
  readonly seed: number;
  readonly groups: number;
  /** Acknowledged puts written through a replica before any migration. */
  readonly writes: number;
  /**
   * More groups written directly in the replica's format (node/fill-store.ts) after the acknowledged
   * writes, so that the copy spans several write batches and a kill can land between them.
   */
  readonly bulk?: { readonly groups: number; readonly entries: number; readonly valueBytes: number };
  readonly onProgress?: (line: string) => void;
}

export interface MigrateCrashRow {
  readonly to: string;
  kills: number;
  /** After a kill, the store opened on the layout it was leaving / the one it was moving to. */
  onOld: number;
  onNew: number;
  acked: number;
  /** Acknowledged-write checks over all restarts, and how many found their write missing. */
  checked: number;
  lost: number;
  violations: string[];
}

const budget = DEFAULT_BUDGET;

/**
 * The migration under crashes: a shared store with `writes` acknowledged puts; then, per kill, the
 * `migrate` command (a real process) moves it to the other layout (shared <-> target) and is SIGKILLed
 * at a seeded random moment within its run. After each kill the store must settle onto exactly one of
 * the two layouts (no intent file, one raft copy) and recover every group to the state it had before
 * any migration, with every acknowledged write readable through a restarted replica.
 */
export async function runMigrateCrashCheck(o: MigrateCrashOptions): Promise<MigrateCrashRow[]> {
  const rows: MigrateCrashRow[] = [];
  for (const [i, to] of o.targets.entries()) rows.push(await runTarget(o, to, new SeededRandom(o.seed * 1000 + i)));
  return rows;
}

async function runTarget(o: MigrateCrashOptions, to: string, rng: SeededRandom): Promise<MigrateCrashRow> {
  const dir = path.join(o.dir, `migrate-${to}`);
  await mkdir(dir, { recursive: true });
  const replicaGroups = Array.from({ length: o.groups }, (_, i) => i + 1);
  const acked = await writeThroughReplica(dir, replicaGroups, o.writes, o.bulk);
  const groups = [...replicaGroups, ...Array.from({ length: o.bulk?.groups ?? 0 }, (_, i) => o.groups + i + 1)];
  const row: MigrateCrashRow = { to, kills: 0, onOld: 0, onNew: 0, acked: acked.length, checked: 0, lost: 0, violations: [] };
  const baseline = await check(dir, groups, replicaGroups, acked, row, null);
  if (!baseline) return row;

  // One uninterrupted run gives the span to draw kill points from.
  let current = 'shared';
  const full = await runMigrate(dir, current, to, null);
  if (full.code !== 0) {
    row.violations.push(`uninterrupted migration failed: ${full.stderr.trim().split('\n').pop()}`);
    return row;
  }
  current = to;
  if (!(await check(dir, groups, replicaGroups, acked, row, baseline))) return row;
  // Kill points: the k-th progress line of a run (one per group and phase: read, copy, verify), plus up
  // to 30 ms, so that every phase is hit, not only the longest.
  const points = Math.max(1, full.lines);

  for (let k = 0; k < o.kills; k++) {
    const target = current === 'shared' ? to : 'shared';
    const kill = { line: rng.int(points + 1), ms: rng.int(31) };
    const r = await runMigrate(dir, current, target, kill);
    row.kills++;
    const { layout, ok } = await checkAfter(dir, groups, replicaGroups, acked, row, baseline);
    if (!ok) break;
    if (layout === current) row.onOld++;
    else if (layout === target) row.onNew++;
    else {
      row.violations.push(`kill ${k + 1}: the store is on ${layout}, neither ${current} nor ${target}`);
      break;
    }
    o.onProgress?.(`migrate ${current} -> ${target}: killed ${r.killed ? `${kill.ms} ms after progress line ${kill.line} of ${points}` : '(finished first)'}: store on ${layout}, ${acked.length} writes checked`);
    current = layout;
  }
  return row;
}

/** Opens the store as a restart would and checks it; returns the digests (null and a violation on failure). */
async function check(dir: string, groups: readonly number[], ackedGroups: readonly number[], acked: readonly string[], row: MigrateCrashRow, baseline: GroupDigest[] | null): Promise<GroupDigest[] | null> {
  return (await checkAfter(dir, groups, ackedGroups, acked, row, baseline)).digests;
}

async function checkAfter(
  dir: string,
  groups: readonly number[],
  ackedGroups: readonly number[],
  acked: readonly string[],
  row: MigrateCrashRow,
  baseline: GroupDigest[] | null,
): Promise<{ ok: boolean; layout: string; digests: GroupDigest[] | null }> {
  let opened;
  try {
    opened = await openMarkedLayout(dir, budget);
  } catch (err) {
    row.violations.push(`store does not open: ${err instanceof Error ? err.message : String(err)}`);
    return { ok: false, layout: '?', digests: null };
  }
  const { layout, marker } = opened;
  const problems: string[] = [];
  if (existsSync(path.join(dir, MIGRATION_FILE))) problems.push('an intent file survived the settle');
  const raftDirs = readdirSync(dir).filter((f) => f.startsWith('raft'));
  const expected = marker.raftDir === null ? [] : [marker.raftDir];
  if (raftDirs.join() !== expected.join()) problems.push(`raft directories ${raftDirs.join(',') || '(none)'}, expected ${expected.join(',') || '(none)'}`);
  let digests: GroupDigest[] | null = null;
  try {
    digests = await digestAll(layout, groups);
    const diff = baseline ? firstDifference(baseline, digests) : null;
    if (diff) problems.push(`recovers differently: ${diff}`);
  } catch (err) {
    problems.push(`recovery: ${err instanceof Error ? err.message : String(err)}`);
  }
  let lost = 0;
  try {
    // What a restarted replica serves (Store.getLocal reads the same keys); read directly so that no
    // election writes a new term between checks and the digests stay comparable.
    for (const [i, k] of acked.entries()) {
      const v = await layout.state.get(kvKey(ackedGroups[i % ackedGroups.length]!, Buffer.from(k)));
      row.checked++;
      if (!v || Buffer.from(v).toString() !== valueOf(k)) lost++;
    }
  } finally {
    await layout.close();
  }
  row.lost += lost;
  if (lost > 0) problems.push(`${lost} of ${acked.length} acknowledged writes missing`);
  row.violations.push(...problems);
  return { ok: problems.length === 0, layout: marker.layout, digests };
}

async function writeThroughReplica(dir: string, groups: readonly number[], writes: number, bulk: MigrateCrashOptions['bulk']): Promise<string[]> {
  const layout = await findLayout('shared').open({ dir, binding: 'rocksdb', budget });
  const store = await Store.open({ id: 1, peers: [1], groups, layout, truncation: { keep: 50, every: 200 }, seed: 1 });
  const acked: string[] = [];
  try {
    const CONCURRENCY = 64;
    for (let i = 0; i < writes; i += CONCURRENCY) {
      const batch = Array.from({ length: Math.min(CONCURRENCY, writes - i) }, (_, j) => `k${i + j}`);
      await Promise.all(batch.map((k, j) => store.put(groups[(i + j) % groups.length]!, Buffer.from(k), Buffer.from(valueOf(k)))));
      acked.push(...batch);
    }
  } finally {
    await store.close();
  }
  if (bulk) {
    const layout2 = await findLayout('shared').open({ dir, binding: 'rocksdb', budget });
    try {
      await fillStore(layout2, { ...bulk, firstGroup: groups.length + 1 });
    } finally {
      await layout2.close();
    }
  }
  await writeMarker(dir, { layout: 'shared', raftDir: null, binding: 'rocksdb' });
  return acked;
}

function valueOf(k: string): string {
  return `value-of-${k}-`.padEnd(200, 'x');
}

/**
 * Runs `raftbench migrate` as a process, a progress line per group; with `kill`, SIGKILLs it `kill.ms`
 * after its `kill.line`-th line past the start line (0: the start line itself), unless it finished first.
 * `lines` counts the progress lines of the run.
 */
async function runMigrate(
  dir: string,
  from: string,
  to: string,
  kill: { line: number; ms: number } | null,
): Promise<{ code: number | null; killed: boolean; lines: number; stderr: string }> {
  const args = ['--import', 'tsx', CLI, 'migrate', '--from', from, '--to', to, '--dir', dir, '--progress-every', '1'];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let lines = -1;
  let killed = false;
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderr += `${line}\n`;
    if (lines < 0 && !line.startsWith('migrate: ')) return;
    lines++;
    if (kill && lines === kill.line && !killed) {
      killed = true;
      setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        else killed = false;
      }, kill.ms);
    }
  });
  const code = await exited;
  return { code, killed, lines: Math.max(0, lines), stderr };
}
