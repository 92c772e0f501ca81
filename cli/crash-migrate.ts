import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { int, list, str, type ParsedArgs } from './args.ts';
import { invalidChoice, UserError } from '../errors/user-error.ts';
import { MIGRATABLE } from '../node/migrate.ts';
import { runMigrateCrashCheck, type MigrateCrashRow } from '../crash/migrate-check.ts';

/** `crash-check --migrate`: the migration under SIGKILL, one row per target layout; exit 1 on a violation. */
export async function runMigrateCrashCommand(p: ParsedArgs): Promise<number> {
  const valid = MIGRATABLE.filter((l) => l !== 'shared');
  const targets = list(p, 'layout') ?? ['dedicated', 'wal', 'lmdb'];
  for (const t of targets) if (!valid.includes(t as (typeof valid)[number])) throw invalidChoice('layout to migrate to', t, valid);
  const kills = int(p, 'crash-check', 'kills') ?? 5;
  const seed = int(p, 'crash-check', 'seed', 0) ?? 1;
  const given = str(p, 'dir');
  const dir = path.resolve(given ?? path.join('results', '.data', `crash-check-migrate-${Date.now()}`));
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new UserError(`crash-check: --dir ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const rows = await runMigrateCrashCheck({
    dir, targets, kills, seed, groups: 4, writes: 400, bulk: { groups: 4, entries: 4000, valueBytes: 512 },
    onProgress: (l) => process.stderr.write(`${l}\n`),
  });
  process.stdout.write(renderMigrateCrashTable(rows));
  const failed = rows.some((r) => r.violations.length > 0);
  if (failed) process.stdout.write(`data kept in ${dir}\n`);
  else rmSync(dir, { recursive: true, force: true });
  return failed ? 1 : 0;
}

export function renderMigrateCrashTable(rows: readonly MigrateCrashRow[]): string {
  const head = ['migrate', 'kills', 'on-old', 'on-new', 'acked', 'checked', 'lost', 'violations'];
  const body = rows.map((r) => [`shared<->${r.to}`, r.kills, r.onOld, r.onNew, r.acked, r.checked, r.lost, r.violations.length].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [fmt(head), ...body.map(fmt)];
  for (const r of rows) for (const v of r.violations) out.push(`  shared<->${r.to}: ${v}`);
  return `${out.join('\n')}\n`;
}
