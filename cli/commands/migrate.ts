import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { bool, flagHelp, int, parseFlags, str, type FlagSpecs } from '../args.ts';
import type { Command } from '../command.ts';
import { invalidChoice, UserError } from '../../errors/user-error.ts';
import { BINDINGS, findLayout, type Binding } from '../../engines/layouts/index.ts';
import { DEFAULT_BUDGET } from '../../engines/memory-budget.ts';
import { lockDataDir } from '../../harness/runner/lock.ts';
import { fillStore } from '../../node/fill-store.ts';
import { writeMarker } from '../../node/layout-marker.ts';
import { MIGRATABLE, layoutOpts, migrateStore, type MigrateProgress } from '../../node/migrate.ts';

const FLAGS: FlagSpecs = {
  from: { type: 'string', help: `the layout the store is in now (${MIGRATABLE.join(', ')}); must match <dir>/LAYOUT` },
  to: { type: 'string', help: `the layout to move the raft data to (${MIGRATABLE.join(', ')})` },
  dir: { type: 'string', help: 'the store directory' },
  'fill-groups': { type: 'string', help: 'first create the store in --from with this many groups (the directory must be empty or absent)' },
  'fill-entries': { type: 'string', help: 'with --fill-groups: log entries per group (default 10000)' },
  'value-bytes': { type: 'string', help: 'with --fill-groups: value bytes per entry (default 64)' },
  'fill-only': { type: 'boolean', help: 'with --fill-groups: create the store and stop' },
  binding: { type: 'string', help: `with --fill-groups: RocksDB binding, ${BINDINGS.join(' or ')} (default rocksdb); a migration keeps the store's` },
  'progress-every': { type: 'string', help: 'a progress line every N groups (default: every 10%)' },
  help: { type: 'boolean', short: 'h', help: 'this help' },
};

const USAGE = 'migrate --from L --to L --dir D [--fill-groups N [--fill-entries L] [--value-bytes B] [--fill-only]] [--progress-every N]';

/**
 * The RFC's offline migration of a store's raft data between layouts (node/migrate.ts): progress on
 * stderr, the phase times and bytes on stdout.
 */
export const command: Command = {
  name: 'migrate',
  summary: "offline migration of a store's raft log and HardState to another layout (the RFC's migration strategy), crash-safe, timed",
  usage: USAGE,
  async run(args) {
    const p = parseFlags('migrate', args, FLAGS);
    if (bool(p, 'help')) {
      process.stdout.write(`usage: raftbench ${USAGE}\n\n${flagHelp(FLAGS)}\n`);
      return 0;
    }
    if (p.positionals.length > 0) throw new UserError(`migrate: unexpected argument "${p.positionals[0]}"; usage: ${USAGE}`);
    const from = str(p, 'from');
    const to = str(p, 'to');
    const dirFlag = str(p, 'dir');
    if (!from || !dirFlag || (!to && !bool(p, 'fill-only'))) throw new UserError(`migrate: --from, --to and --dir are required; usage: ${USAGE}`);
    for (const [flag, v] of [['--from', from], ['--to', to]] as const) {
      if (v !== undefined && !(MIGRATABLE as readonly string[]).includes(v)) throw invalidChoice(`${flag} layout`, v, MIGRATABLE);
    }
    const dir = path.resolve(dirFlag);
    const budget = DEFAULT_BUDGET;
    const fillGroups = int(p, 'migrate', 'fill-groups');
    const err = (s: string) => process.stderr.write(`${s}\n`);

    if (fillGroups !== undefined) {
      const entries = int(p, 'migrate', 'fill-entries') ?? 10_000;
      const valueBytes = int(p, 'migrate', 'value-bytes') ?? 64;
      const binding = (str(p, 'binding') ?? 'rocksdb') as Binding;
      if (!BINDINGS.includes(binding)) throw invalidChoice('binding', binding, BINDINGS);
      if (nonEmpty(dir)) throw new UserError(`migrate: --fill-groups needs an empty --dir; ${dir} is not empty`);
      mkdirSync(dir, { recursive: true });
      const marker = { layout: from, raftDir: from === 'shared' ? null : 'raft', binding };
      const t0 = process.hrtime.bigint();
      const layout = await findLayout(from).open(layoutOpts(dir, marker, budget));
      const step = Math.max(1, Math.ceil(fillGroups / 10));
      try {
        const { bytes } = await fillStore(layout, {
          groups: fillGroups, entries, valueBytes,
          onGroup: (g) => g % step === 0 && err(`fill: ${g}/${fillGroups} groups`),
        });
        process.stdout.write(`filled ${dir} (${from}): ${fillGroups} groups x ${entries} entries of ${valueBytes} B, ${mib(bytes)} of raft data in ${secs(process.hrtime.bigint() - t0)}\n`);
      } finally {
        await layout.close();
      }
      await writeMarker(dir, marker);
      if (bool(p, 'fill-only')) return 0;
    }
    if (!to) throw new UserError(`migrate: --to is required; usage: ${USAGE}`);

    const every = int(p, 'migrate', 'progress-every');
    if (!existsSync(dir)) throw new UserError(`migrate: --dir ${dir} does not exist`);
    const unlock = lockDataDir(dir);
    const started = process.hrtime.bigint();
    let lastPct = -1;
    const onProgress = (pr: MigrateProgress) => {
      const pct = Math.floor((100 * pr.groupsDone) / Math.max(1, pr.groups));
      if (every === undefined && pct === lastPct && pr.groupsDone !== pr.groups) return;
      lastPct = pct;
      err(`migrate ${pr.phase}: ${pr.groupsDone}/${pr.groups} groups (${pct}%)${pr.phase === 'copy' ? `, ${mib(pr.bytes)} copied` : ''}, ${secs(process.hrtime.bigint() - started)}`);
    };
    err(`migrate: ${dir} from ${from} to ${to}`);
    let r;
    try {
      r = await migrateStore({ dir, from, to, budget, onProgress, progressEvery: every ?? 1 });
    } finally {
      unlock();
    }
    const ms = (x: number) => `${(x / 1000).toFixed(2)} s`;
    process.stdout.write(
      `migrated ${dir}: ${r.from.layout} -> ${r.to.layout}${r.to.raftDir ? ` (raft in ${r.to.raftDir}/)` : ''}: ${r.groups} groups, ${r.rows} rows, ${mib(r.bytes)} copied` +
        `${r.newDirBytes !== null ? `, ${mib(r.newDirBytes)} on disk` : ''}\n` +
        `offline for ${ms(r.ms.total)}: read ${ms(r.ms.read)}, copy+sync ${ms(r.ms.copy)}, commit ${ms(r.ms.commit)}, verify ${ms(r.ms.verify)}, delete old copy ${ms(r.ms.cleanup)}\n` +
        `verified: every group recovers to the same applied state, HardState and log on ${r.to.layout}\n`,
    );
    return 0;
  },
};

function nonEmpty(dir: string): boolean {
  try {
    return readdirSync(dir).length > 0;
  } catch {
    return false;
  }
}

function mib(n: number): string {
  return `${(n / (1 << 20)).toFixed(1)} MiB`;
}

function secs(ns: bigint): string {
  return `${(Number(ns) / 1e9).toFixed(2)} s`;
}
