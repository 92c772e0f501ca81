/**
 * `make anchors`: the figures outside the project that raftbench's results are read against, and
 * raftbench's own, from one run on one directory; then issue 12's target ratios, each with pass/miss.
 *
 *   node --import tsx harness/anchors/anchors.ts [--dir DIR] [--count N] [--ops N]
 *
 * Installs Debian's fio and rocksdb-tools (db_bench) with apt-get when missing. Timings mean something
 * only on a quiet machine (load below 1): the load average is printed with the figures.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { makePlan, type Plan } from '../runner/plan.ts';
import { runPlan } from '../runner/run-plan.ts';
import { DEFAULT_BUDGET } from '../../engines/memory-budget.ts';
import { calibrate } from '../calibrate/calibrate.ts';

const KiB = 1024;

function sh(cmd: string, args: readonly string[]): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
}

function has(cmd: string): boolean {
  return sh('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** apt-get update once, then install the packages whose command is missing. */
function ensureTools(): void {
  const missing = [['fio', 'fio'], ['db_bench', 'rocksdb-tools']].filter(([cmd]) => !has(cmd!)).map(([, pkg]) => pkg!);
  if (missing.length === 0) return;
  process.stderr.write(`installing ${missing.join(', ')} (apt-get)\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...missing]]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 2, 2], env });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.status}); install ${missing.join(', ')} by hand`);
  }
}

/**
 * fio, one job of 1 KiB write+fdatasync at queue depth 1. p50 of one op = p50 of the write's completion
 * latency + p50 of the fdatasync's (fio times them apart; the sum of medians approximates the median sum).
 */
function fio(dir: string, name: string, extra: readonly string[]): number {
  const args = [`--name=${name}`, `--directory=${dir}`, '--rw=write', '--bs=1k', '--size=16m', '--ioengine=sync', '--fdatasync=1', '--runtime=10', '--time_based=0', '--output-format=json', ...extra];
  const r = sh('fio', args);
  if (r.status !== 0) throw new Error(`fio ${args.join(' ')}: ${r.stderr.trim()}`);
  const job = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))).jobs[0];
  const p50 = (x: { percentile?: Record<string, number> } | undefined) => Number(x?.percentile?.['50.000000'] ?? NaN);
  return p50(job.write.clat_ns) + p50(job.sync.lat_ns);
}

/** db_bench fillseq p50 in ns, from its histogram (`Percentiles: P50: <µs>`). */
function dbBench(dir: string, sync: boolean, num: number): number {
  const db = path.join(dir, `dbbench-${sync ? 'sync' : 'nosync'}`);
  rmSync(db, { recursive: true, force: true });
  const args = ['--benchmarks=fillseq', `--sync=${sync ? 1 : 0}`, '--value_size=1024', '--histogram=1', '--compression_type=none', `--num=${num}`, `--db=${db}`];
  const r = sh('db_bench', args);
  rmSync(db, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`db_bench ${args.join(' ')}: ${r.stderr.trim()}`);
  const m = /P50: ([\d.]+)/.exec(r.stdout);
  if (!m) throw new Error(`db_bench printed no P50:\n${r.stdout}`);
  return Number(m[1]) * 1000;
}

/** Median over runs of each benchmark's per-run p50, by name. */
async function raftbench(dir: string, count: number, ops: number): Promise<Map<string, number>> {
  const pick = (plan: Plan, keep: (name: string) => boolean): Plan => ({ ...plan, groups: plan.groups.map((g) => g.filter((c) => keep(c.name))).filter((g) => g.length > 0) });
  const batch = pick(makePlan({ suite: 'quick', scenarios: ['BatchCommit'], layouts: ['shared', 'wal'], sizes: [KiB], count, ops }), (n) => n.includes('order=interleaved'));
  const replica = pick(makePlan({ suite: 'quick', scenarios: ['ReplicaWrite'], layouts: ['shared', 'wal'], sizes: [KiB], count, ops }), (n) => n.endsWith('clients=1'));
  const out = new Map<string, number>();
  for (const plan of [batch, replica]) {
    const r = await runPlan({ plan, dataDir: path.join(dir, 'raftbench'), raftDir: null, binding: 'rocksdb', budget: DEFAULT_BUDGET, shouldStop: () => false });
    for (const b of r.benchmarks) out.set(b.name, median(b.runs.map((x) => x.latency.p50)));
  }
  return out;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const us = (ns: number) => `${(ns / 1000).toFixed(1)} µs`;

export async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { dir: { type: 'string' }, count: { type: 'string' }, ops: { type: 'string' } } });
  const dir = path.resolve(values.dir ?? path.join('results', '.anchors'));
  const count = Number(values.count ?? 5);
  const ops = Number(values.ops ?? 2000);
  mkdirSync(dir, { recursive: true });
  ensureTools();
  const load0 = loadavg()[0]!;
  const pre = fio(dir, 'prewritten', ['--overwrite=1']);
  const app = fio(dir, 'appending', ['--overwrite=0', '--fallocate=keep', '--unlink=1']);
  rmSync(path.join(dir, 'prewritten.0.0'), { force: true });
  const cal = await calibrate(dir, { sizes: [KiB] });
  const dbSync = dbBench(dir, true, 5000);
  const dbNoSync = dbBench(dir, false, 200_000);
  const rb = await raftbench(dir, count, ops);
  // The device's floor drifts on a shared host (here 144-455 µs within minutes): measure it again after
  // raftbench and ratio against the mean, printing both so drift between the tools is visible.
  const preAfter = fio(dir, 'prewritten', ['--overwrite=1']);
  rmSync(path.join(dir, 'prewritten.0.0'), { force: true });
  const floor = (pre + preAfter) / 2;
  const drift = Math.abs(preAfter - pre) / Math.min(pre, preAfter);
  const get = (name: string) => rb.get(name) ?? NaN;
  const bcShared = get('BatchCommit/layout=shared/order=interleaved/vs=1024');
  const bcWal = get('BatchCommit/layout=wal/order=interleaved/vs=1024');
  const rwShared = get('ReplicaWrite/layout=shared/vs=1024/clients=1');
  const rwWal = get('ReplicaWrite/layout=wal/vs=1024/clients=1');
  const load1 = loadavg()[0]!;

  const lines = [
    `anchors in ${dir}; load average ${load0.toFixed(2)} at start, ${load1.toFixed(2)} at end${Math.max(load0, load1) >= 1 ? ' (NOT quiet: figures are not comparable)' : ''}`,
    '',
    'p50 of one op:',
    `  fio 1 KiB write+fdatasync, pre-written (--overwrite=1)     ${us(pre)} before raftbench, ${us(preAfter)} after${drift > 0.15 ? ` (drifted ${(drift * 100).toFixed(0)}%: ratios are unreliable)` : ''}`,
    `  fio 1 KiB write+fdatasync, appending (--fallocate=keep)    ${us(app)}`,
    `  raftbench calibrate 1 KiB: pre-written / appending        ${us(cal.points[0]!.p50Ns)} / ${cal.points[0]!.append ? us(cal.points[0]!.append.p50Ns) : '-'}`,
    `  db_bench fillseq --sync=1 --value_size=1024               ${us(dbSync)}`,
    `  db_bench fillseq --sync=0 --value_size=1024               ${us(dbNoSync)}`,
    `  raftbench BatchCommit shared 1 KiB interleaved            ${us(bcShared)}`,
    `  raftbench BatchCommit wal 1 KiB interleaved               ${us(bcWal)}`,
    `  raftbench ReplicaWrite shared 1 KiB clients=1             ${us(rwShared)}`,
    `  raftbench ReplicaWrite wal 1 KiB clients=1                ${us(rwWal)}`,
    '',
    'targets (issue 12):',
    ...[
      ['BatchCommit shared / (db_bench sync=1 + sync=0)', bcShared / (dbSync + dbNoSync), 1.15],
      ['BatchCommit wal / fio pre-written floor', bcWal / floor, 1.25],
      ['ReplicaWrite wal clients=1 / fio pre-written floor', rwWal / floor, 1.6],
      ['ReplicaWrite shared clients=1 / db_bench sync=1', rwShared / dbSync, 1.3],
    ].map(([what, ratio, target]) => `  ${String(what).padEnd(52)} ${Number(ratio).toFixed(2)}x  target <= ${target}x  ${Number(ratio) <= Number(target) ? 'pass' : 'MISS'}`),
    '  quick suite <= 5 min: not measured here (time `make bench`)',
  ];
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`anchors: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(2);
    },
  );
}
