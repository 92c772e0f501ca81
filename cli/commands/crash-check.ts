import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { bool, flagHelp, int, list, parseFlags, str, type FlagSpecs } from '../args.ts';
import type { Command } from '../command.ts';
import { invalidChoice, UserError } from '../../errors/user-error.ts';
import { BINDINGS, layoutNames, type Binding } from '../../engines/layouts/index.ts';
import { VOLATILE_LAYOUTS, type CrashModel } from '../../crash/crash-layout.ts';
import { renderCrashTable } from '../../crash/render.ts';
import { caseName, runCrashCheck, type CrashCase } from '../../crash/run.ts';
import { lockDataDir } from '../../harness/runner/lock.ts';

const FLAGS: FlagSpecs = {
  layout: { type: 'string', help: 'layouts, comma-separated (default: every durable layout)' },
  nodes: { type: 'string', help: '1 (a single replica) or 3 (a cluster in one process), or 1,3 (default 1)' },
  kills: { type: 'string', help: 'crashes per layout, at seeded random points under load (default 5)' },
  seed: { type: 'string', help: 'seed of the crash points (default 1)' },
  dir: { type: 'string', help: 'data directory (default results/.data/crash-check-<time>; kept only when a check fails)' },
  'truncation-sync': { type: 'string', help: "on (the RFC's rule: sync the state engine before truncating the log), off, or both (default on)" },
  'power-loss': { type: 'boolean', help: 'crash = power loss (unsynced writes lost) instead of SIGKILL (page cache kept)' },
  clients: { type: 'string', help: 'concurrent writing clients (default 8)' },
  binding: { type: 'string', help: `RocksDB binding: ${BINDINGS.join(' or ')} (default rocksdb)` },
  migrate: { type: 'boolean', help: 'check `migrate` instead: SIGKILL it at random points moving a store shared <-> each --layout (default dedicated,wal,lmdb)' },
  help: { type: 'boolean', short: 'h', help: 'this help' },
};

const USAGE = 'crash-check [--layout L,..] [--nodes 1|3] [--kills N] [--seed S] [--dir D] [--truncation-sync on|off|both] [--power-loss]';

export const command: Command = {
  name: 'crash-check',
  summary: 'kill replicas under write load, restart them, and check that no acknowledged write was lost',
  usage: USAGE,
  async run(args) {
    const p = parseFlags('crash-check', args, FLAGS);
    if (bool(p, 'help')) {
      process.stdout.write(`usage: raftbench ${USAGE}\n\n${flagHelp(FLAGS)}\n`);
      return 0;
    }
    if (p.positionals.length > 0) throw new UserError(`crash-check: unexpected argument "${p.positionals[0]}"; usage: ${USAGE}`);
    if (bool(p, 'migrate')) return (await import('../crash-migrate.ts')).runMigrateCrashCommand(p);
    const durable = layoutNames().filter((n) => !VOLATILE_LAYOUTS.has(n));
    const layouts = list(p, 'layout') ?? durable;
    if (layouts.length === 0) throw new UserError(`crash-check: --layout is empty; valid: ${durable.join(', ')}`);
    for (const l of layouts) {
      if (VOLATILE_LAYOUTS.has(l)) throw new UserError(`crash-check: layout "${l}" keeps nothing across a restart; valid: ${durable.join(', ')}`);
      if (!durable.includes(l)) throw invalidChoice('layout', l, durable);
    }
    const nodes = (list(p, 'nodes') ?? ['1']).map((n) => {
      if (n !== '1' && n !== '3') throw new UserError(`crash-check: --nodes "${n}" is not 1 or 3`);
      return Number(n);
    });
    const syncFlag = str(p, 'truncation-sync') ?? 'on';
    if (!['on', 'off', 'both'].includes(syncFlag)) throw invalidChoice('--truncation-sync value', syncFlag, ['on', 'off', 'both']);
    const syncs = syncFlag === 'both' ? [true, false] : [syncFlag === 'on'];
    const kills = int(p, 'crash-check', 'kills') ?? 5;
    const seed = int(p, 'crash-check', 'seed', 0) ?? 1;
    const clients = int(p, 'crash-check', 'clients') ?? 8;
    const binding = (str(p, 'binding') ?? 'rocksdb') as Binding;
    if (!BINDINGS.includes(binding)) throw invalidChoice('binding', binding, BINDINGS);
    const model: CrashModel = bool(p, 'power-loss') ? 'power-loss' : 'sigkill';

    const cases: CrashCase[] = [];
    for (const layout of layouts) for (const n of nodes) for (const truncationSync of syncs) cases.push({ layout, nodes: n, model, truncationSync });

    const given = str(p, 'dir');
    const dir = path.resolve(given ?? path.join('results', '.data', `crash-check-${Date.now()}`));
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new UserError(`crash-check: --dir ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    for (const c of cases) {
      // Never mix a run into old data (nor delete the user's): each case needs a fresh directory.
      if (nonEmpty(path.join(dir, caseName(c)))) throw new UserError(`crash-check: ${path.join(dir, caseName(c))} is not empty; pass another --dir`);
    }
    const unlock = lockDataDir(dir);
    let rows;
    try {
      rows = await runCrashCheck({
        cases, kills, seed, dir, binding, clients, valueBytes: 256, loadMs: [150, 750],
        onProgress: process.stderr.isTTY ? (l) => process.stderr.write(`${l}\n`) : undefined,
      });
    } finally {
      unlock();
    }
    process.stdout.write(renderCrashTable(rows));
    const failed = rows.some((r) => r.violations.length > 0);
    if (failed) process.stdout.write(`data kept in ${dir}\n`);
    else if (!given) rmSync(dir, { recursive: true, force: true });
    else {
      for (const c of cases) {
        rmSync(path.join(dir, caseName(c)), { recursive: true, force: true });
        rmSync(`${path.join(dir, caseName(c))}.acked`, { force: true });
      }
    }
    return failed ? 1 : 0;
  },
};

function nonEmpty(dir: string): boolean {
  try {
    return readdirSync(dir).length > 0;
  } catch {
    return false;
  }
}
