/**
 * The crash-check worker: `node --import tsx crash/worker.ts '<WorkerConfig JSON>'`.
 *
 * 1. Opens every node's data directory (recovery facts and RecoveryError are recorded per node), starts
 *    the replica or the cluster, waits for a leader and commits a probe write (so the restarted leader
 *    re-applies what a crash lost), then checks: every acknowledged key holds its value on each node
 *    that applied through the probe, applied <= commit, and the truncated state matches the first log
 *    index. Prints one `verified` line.
 * 2. Unless `verifyOnly`: concurrent clients write until the process dies, printing each acknowledged key.
 *    `crash` on stdin simulates a power loss (halt, roll every engine back to its last sync, SIGKILL self).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_BUDGET } from '../engines/memory-budget.ts';
import type { LayoutDef } from '../engines/layouts/index.ts';
import { Cluster } from '../node/cluster/cluster.ts';
import { LocalNetwork } from '../node/transport/local-network.ts';
import { recoverGroup, RecoveryError } from '../node/recover.ts';
import { appliedKey, decodeApplied, decodeHardState, hardStateKey, kvRange, logIndexOf, logRange, userKeyOf } from '../node/keys.ts';
import type { Store } from '../node/store.ts';
import { openCrashLayout, type CrashableLayout } from './crash-layout.ts';
import { keyFor, valueFor, type NodeFacts, type WorkerConfig, type WorkerMessage } from './protocol.ts';

const GROUP = 1;
/** Small, so that truncations happen every few dozen writes (the RFC's edge case needs them). */
const TRUNCATION = { keep: 5, every: 10 };

const cfg = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig;

function say(m: WorkerMessage): void {
  process.stdout.write(JSON.stringify(m) + '\n');
}

/** Says `m`, then exits once stdout took it (stdout to a pipe is asynchronous). */
function sayAndExit(m: WorkerMessage, code: number): void {
  process.stdout.write(JSON.stringify(m) + '\n', () => process.exit(code));
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}

async function main(): Promise<void> {
  const opened: CrashableLayout[] = [];
  const facts: NodeFacts[] = [];
  const violations: string[] = [];

  // Each node's layout goes through here: recovery is checked before the store takes it over.
  const def: LayoutDef = {
    name: cfg.layout,
    summary: 'crash-check',
    separate: true,
    async open(opts) {
      const node = Number(/n(\d+)$/.exec(opts.dir)?.[1] ?? 0);
      let cl: CrashableLayout;
      try {
        cl = await openCrashLayout(cfg.layout, opts, cfg.model);
      } catch (err) {
        violations.push(`node ${node}: store does not open: ${oneLine(err)}`);
        throw err;
      }
      try {
        facts.push(await inspect(node, cl));
        await recoverGroup(cl.layout, GROUP);
      } catch (err) {
        violations.push(`node ${node}: ${err instanceof RecoveryError ? 'recovery: ' : 'cannot read back: '}${oneLine(err)}`);
        await cl.layout.close().catch(() => {});
        throw err;
      }
      opened.push(cl);
      return cl.layout;
    },
  };

  let cluster: Cluster;
  try {
    cluster = await Cluster.open({
      nodes: cfg.nodes,
      layout: def,
      layoutOptions: { dir: cfg.dir, binding: cfg.binding, budget: DEFAULT_BUDGET },
      network: new LocalNetwork(),
      truncation: TRUNCATION,
      truncationSync: cfg.truncationSync,
      seed: cfg.seed + cfg.round,
    });
  } catch (err) {
    if (violations.length === 0) violations.push(`open: ${oneLine(err)}`);
    sayAndExit({ t: 'verified', checked: 0, nodes: facts, violations }, 1);
    return;
  }

  const checked = await verify(cluster, violations);
  if (violations.length > 0 || cfg.verifyOnly) {
    await cluster.close();
    sayAndExit({ t: 'verified', checked, nodes: facts, violations }, violations.length > 0 ? 1 : 0);
    return;
  }
  say({ t: 'verified', checked, nodes: facts, violations });

  // Load: concurrent clients until killed (or a crash is asked for).
  let stopping = false;
  const stores = () => cluster.stores.filter((s): s is Store => s !== null);
  const client = async (c: number) => {
    for (let i = 0; !stopping; i++) {
      const k = keyFor(cfg.round, c, i);
      try {
        await cluster.put(GROUP, Buffer.from(k), valueFor(k, cfg.valueBytes));
      } catch {
        if (stopping) return;
        await sleep(5);
        continue;
      }
      say({ t: 'ack', k });
    }
  };
  say({ t: 'ready' });
  for (let c = 0; c < cfg.clients; c++) void client(c);
  const stat = setInterval(() => {
    const ss = stores();
    say({ t: 'stat', truncations: sum(ss, (s) => s.stats.truncations), truncationSyncs: sum(ss, (s) => s.stats.truncationSyncs) });
  }, 50);

  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() !== 'crash' || stopping) return;
    stopping = true;
    clearInterval(stat);
    void (async () => {
      // The power goes off: nothing more is written, then every engine loses what it never synced.
      await Promise.all(stores().map((s) => s.halt()));
      for (const cl of opened) await cl.crash();
      const ss = stores();
      process.stdout.write(JSON.stringify({ t: 'crashed', truncations: sum(ss, (s) => s.stats.truncations) } satisfies WorkerMessage) + '\n', () =>
        process.kill(process.pid, 'SIGKILL'),
      );
    })().catch((err: unknown) => sayAndExit({ t: 'error', message: `crash simulation failed: ${oneLine(err)}` }, 3));
  });
}

/** What node `node`'s engines hold, read raw, before any replica touches them. */
async function inspect(node: number, cl: CrashableLayout): Promise<NodeFacts> {
  const { raft, state } = cl.layout;
  const ap = await state.get(appliedKey(GROUP));
  const applied = ap ? decodeApplied(ap) : { applied: 0, truncIndex: 0, truncTerm: 0 };
  const hs = await raft.get(hardStateKey(GROUP));
  const { start, end } = logRange(GROUP);
  const first = await raft.scan({ gte: start, lt: end, limit: 1 });
  const last = await raft.scan({ gte: start, lt: end, limit: 1, reverse: true });
  return {
    node,
    applied: applied.applied,
    truncIndex: applied.truncIndex,
    firstLog: first[0] ? logIndexOf(first[0][0]) : 0,
    lastLog: last[0] ? logIndexOf(last[0][0]) : 0,
    commit: hs ? decodeHardState(hs).commit : 0,
  };
}

/** The checks after a restart; returns how many acknowledged keys were checked (per node, summed). */
async function verify(cluster: Cluster, violations: string[]): Promise<number> {
  const leader = await cluster.leader(GROUP, 20_000);
  const probe = `probe/r${cfg.round}`;
  await cluster.put(GROUP, Buffer.from(probe), valueFor(probe, 8));
  const target = leader.appliedIndex(GROUP);
  const deadline = Date.now() + 5000;
  const live = () => cluster.stores.filter((s): s is Store => s !== null);
  while (Date.now() < deadline && live().some((s) => s.appliedIndex(GROUP) < target)) await sleep(10);

  const acked = (await readFile(cfg.ackedFile, 'utf8').catch(() => '')).split('\n').filter((l) => l.length > 0);
  let checked = 0;
  for (const s of live()) {
    const node = `node ${s.id}`;
    // With no load the store settles in a few turns (a truncation may be half done when the probe returns).
    let problems = await structure(s);
    for (let i = 0; i < 100 && problems.length > 0; i++) {
      await sleep(20);
      problems = await structure(s);
    }
    violations.push(...problems.map((p) => `${node}: ${p}`));
    const applied = s.appliedIndex(GROUP);
    if (applied < target) continue; // a follower still catching up: its keys are not due yet

    const { start, end } = kvRange(GROUP);
    const { state } = s.layout;
    const have = new Map<string, Buffer>();
    for (const [k, v] of await state.scan({ gte: start, lt: end })) have.set(Buffer.from(userKeyOf(k)).toString(), Buffer.from(v));
    const missing: string[] = [];
    for (const k of acked) {
      const v = have.get(k);
      if (!v || !v.equals(valueFor(k, cfg.valueBytes))) missing.push(k);
    }
    checked += acked.length;
    if (missing.length > 0) {
      violations.push(`${node}: ${missing.length} of ${acked.length} acknowledged writes lost (first: ${missing.slice(0, 3).join(', ')})`);
    }
  }
  return checked;
}

/** applied <= commit, and the first log index right after the truncated index. */
async function structure(s: Store): Promise<string[]> {
  const { raft, state } = s.layout;
  const out: string[] = [];
  const applied = s.appliedIndex(GROUP);
  const hs = await raft.get(hardStateKey(GROUP));
  const commit = hs ? decodeHardState(hs).commit : 0;
  if (applied > commit) out.push(`applied index ${applied} > commit index ${commit}`);
  const ap = await state.get(appliedKey(GROUP));
  const truncIndex = ap ? decodeApplied(ap).truncIndex : 0;
  const { first } = s.logBounds(GROUP);
  if (first !== truncIndex + 1) out.push(`first log index ${first} does not follow the truncated index ${truncIndex}`);
  return out;
}

function sum<T>(xs: readonly T[], f: (x: T) => number): number {
  return xs.reduce((n, x) => n + f(x), 0);
}

main().catch((err: unknown) => sayAndExit({ t: 'error', message: `${path.basename(cfg.dir ?? '')}: ${oneLine(err)}` }, 3));
