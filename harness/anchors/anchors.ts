/**
 * `make anchors`: the figures outside the project that raftbench's results are read against, and
 * raftbench's own, from one run on one directory; then issue 12's target ratios, each with pass/miss.
 *
 *   node --import ./cli/loader/register.mjs harness/anchors/anchors.ts [--dir DIR] [--rounds N] [--ops N] [--warm N]
 *     [--binding B] [--cpu auto|none|N]
 *
 * Installs Debian's fio and rocksdb-tools (db_bench) with apt-get when missing. Timings mean something
 * only on a quiet machine (load below 1): the load average is printed with the figures.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { makePlan, type Plan } from '../runner/plan.ts';
import { runPlan } from '../runner/run-plan.ts';
import { DEFAULT_BUDGET } from '../../engines/memory-budget.ts';
import { calibrate } from '../calibrate/calibrate.ts';
import type { MachineCosts } from '../../analysis/results-schema.ts';
import { BINDINGS, DEFAULT_BINDING, type Binding } from '../../engines/layouts/index.ts';
import { irqCpuFor, pinArgs, pinProcess } from '../placement.ts';

const KiB = 1024;

/** The CPU every tool runs on (set by `main`; null: wherever the scheduler puts it). */
let pinned: number | null = null;

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

/** CPU a tool ran per op in the last call of `fio` and `raftbench` (ns), and raftbench's minor faults per op. */
export interface CpuUse {
  readonly cpuNs: number;
  readonly faults: number | null;
}
let lastCpu: CpuUse = { cpuNs: NaN, faults: null };

/**
 * fio, one job of 1 KiB write+fdatasync at queue depth 1. p50 of one op = p50 of the write's completion
 * latency + p50 of the fdatasync's (fio times them apart; the sum of medians approximates the median sum).
 * Also sets `lastCpu`: the job's user+system CPU (fio's usr_cpu and sys_cpu, percent of its runtime) per op.
 */
function fio(dir: string, name: string, extra: readonly string[]): number {
  const args = [`--name=${name}`, `--directory=${dir}`, '--rw=write', '--bs=1k', '--size=16m', '--ioengine=sync', '--fdatasync=1', '--runtime=10', '--time_based=0', '--output-format=json', ...extra];
  const r = sh(...pinArgs(pinned, 'fio', args));
  if (r.status !== 0) throw new Error(`fio ${args.join(' ')}: ${r.stderr.trim()}`);
  const f = fioJobFigures(JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))).jobs[0]);
  lastCpu = { cpuNs: f.cpuNs, faults: null };
  return f.p50Ns;
}

/** One fio job's JSON (write+fdatasync): p50 of one op (write clat p50 + sync lat p50) and CPU per op. */
export interface FioJob {
  readonly usr_cpu: number;
  readonly sys_cpu: number;
  readonly job_runtime?: number;
  readonly write: { readonly total_ios: number; readonly runtime: number; readonly clat_ns?: { readonly percentile?: Record<string, number> } };
  readonly sync: { readonly lat_ns?: { readonly percentile?: Record<string, number> } };
}

/** usr_cpu and sys_cpu are percent of the job's runtime (ms); their sum over the job's writes is its CPU per op. */
export function fioJobFigures(job: FioJob): { p50Ns: number; cpuNs: number } {
  const p50 = (x: { readonly percentile?: Record<string, number> } | undefined) => Number(x?.percentile?.['50.000000'] ?? NaN);
  const cpuNs = (((Number(job.usr_cpu) + Number(job.sys_cpu)) / 100) * Number(job.job_runtime ?? job.write.runtime) * 1e6) / Number(job.write.total_ios);
  return { p50Ns: p50(job.write.clat_ns) + p50(job.sync.lat_ns), cpuNs };
}

/** db_bench fillseq p50 in ns, from its histogram (`Percentiles: P50: <µs>`). */
function dbBench(dir: string, sync: boolean, num: number): number {
  const db = path.join(dir, `dbbench-${sync ? 'sync' : 'nosync'}`);
  rmSync(db, { recursive: true, force: true });
  const args = ['--benchmarks=fillseq', `--sync=${sync ? 1 : 0}`, '--value_size=1024', '--histogram=1', '--compression_type=none', `--num=${num}`, `--db=${db}`];
  const r = sh(...pinArgs(pinned, 'db_bench', args));
  rmSync(db, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`db_bench ${args.join(' ')}: ${r.stderr.trim()}`);
  lastCpu = { cpuNs: NaN, faults: null }; // db_bench reports no CPU time of its own
  const m = /P50: ([\d.]+)/.exec(r.stdout);
  if (!m) throw new Error(`db_bench printed no P50:\n${r.stdout}`);
  return Number(m[1]) * 1000;
}

/**
 * Untimed ops per raftbench case before the first round. Fresh in a process, a case's code runs slower
 * for its first few thousand ops while V8's optimizing compiler works on it, on the same pinned CPU, its
 * threads taking page faults at this VM's 14 µs each. 500-op blocks, each on fresh engines in one process
 * (as the rounds run them), pinned to CPU 1: ReplicaWrite wal read 814, 804, 600, 532, 428 µs (6.8 down to
 * 2.6 faults per op) before settling at 354-391 µs (0.4-1.0) from the sixth block; BatchCommit wal 603 µs,
 * then 331-352, then 291-310 µs from the sixth. Without a warm-up, half of a 12-round run measured V8.
 */
export const WARM_OPS = 3000;

/**
 * Whether the machine was quiet: load below 1 before the run, and at its end below 1 beyond the one CPU the
 * run's own tools keep busy (one tool at a time, so they alone hold the load average near 1).
 */
export function quiet(loadAtStart: number, loadAtEnd: number): boolean {
  return loadAtStart < 1 && loadAtEnd < 2;
}

/** The most fio's floor may swing between rounds (max / min) for a run to count as taken on a steady device. */
const STEADY_SWING = 1.5;

export const CASES = {
  bcShared: 'BatchCommit/layout=shared/order=interleaved/vs=1024',
  bcWal: 'BatchCommit/layout=wal/order=interleaved/vs=1024',
  rwShared: 'ReplicaWrite/layout=shared/vs=1024/clients=1',
  rwWal: 'ReplicaWrite/layout=wal/vs=1024/clients=1',
} as const;

/** One replicate of one case on `binding`: its p50 in ns. */
async function raftbench(dir: string, ops: number, binding: Binding, name: string): Promise<number> {
  const [scenario, layout] = name.split('/') as [string, string];
  const full = makePlan({ suite: 'quick', scenarios: [scenario], layouts: [layout.slice('layout='.length)], sizes: [KiB], count: 1, ops });
  const plan: Plan = { ...full, groups: full.groups.map((g) => g.filter((c) => c.name === name)).filter((g) => g.length > 0) };
  if (plan.groups.length === 0) throw new Error(`anchors: the quick suite has no case ${name}`);
  const r = await runPlan({ plan, dataDir: path.join(dir, 'raftbench'), raftDir: null, binding, budget: DEFAULT_BUDGET, shouldStop: () => false });
  const run = r.benchmarks[0]!.runs[0]!;
  lastCpu = { cpuNs: run.cpuNsPerOp ?? NaN, faults: run.minorFaultsPerOp ?? null };
  return run.latency.p50;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const us = (ns: number) => `${(ns / 1000).toFixed(1)} µs`;
const signedUs = (ns: number) => (ns >= 0 ? `+${us(ns)}` : `−${us(-ns)}`);

/** A figure and the reference it is read against, taken right before and right after it (their mean). */
export interface Bracketed {
  readonly value: number;
  readonly ref: number;
  /** CPU per op of the figure's run and of its reference's (the mean of the two around it). */
  readonly cpu: CpuUse;
  readonly refCpuNs: number;
}

/** The figures of one round, each taken within seconds of the others. */
export interface Round {
  /** Every fio pre-written p50 taken in the round (each bracket takes some). */
  pre: number[];
  /** The CPU per op of each of those fio runs. */
  preCpu: number[];
  app: number;
  /** Every db_bench sync=1 p50 taken in the round. */
  dbSync: number[];
  dbNoSync: number;
  /** raftbench calibrate's write+fdatasync into pre-written space (fio's op, from Node), against fio. */
  raw: Bracketed;
  /** The machine's costs beside the device (calibrate's), null until calibrate ran in the round. */
  machine: MachineCosts | null;
  /** Each case against its reference: fio pre-written for the wal layout, db_bench sync=1 for shared. */
  rb: Map<Binding, Map<string, Bracketed>>;
}

/**
 * Issue 12's targets: a case against its bracketing reference (plus `addRef`, for a reference of two
 * parts: db_bench's unsynced put, taken once a round).
 */
const TARGETS: ReadonlyArray<{ what: string; target: number; name: string; addRef?: (r: Round) => number }> = [
  { what: 'BatchCommit shared / (db_bench sync=1 + sync=0)', target: 1.15, name: CASES.bcShared, addRef: (r) => r.dbNoSync },
  { what: 'BatchCommit wal / fio pre-written floor', target: 1.25, name: CASES.bcWal },
  { what: 'ReplicaWrite wal clients=1 / fio pre-written floor', target: 1.6, name: CASES.rwWal },
  { what: 'ReplicaWrite shared clients=1 / db_bench sync=1', target: 1.3, name: CASES.rwShared },
];

function get(r: Round, b: Binding, name: string): number {
  return r.rb.get(b)?.get(name)?.value ?? NaN;
}

/**
 * A target's case and reference in one round: their ratio, and what the case adds in ns (which, unlike a
 * ratio, does not move with the device's floor). NaN when the case did not run.
 */
function against(r: Round, b: Binding, t: (typeof TARGETS)[number]): { ratio: number; over: number } {
  const x = r.rb.get(b)?.get(t.name);
  if (!x) return { ratio: NaN, over: NaN };
  const ref = x.ref + (t.addRef?.(r) ?? 0);
  return { ratio: x.value / ref, over: x.value - ref };
}

/**
 * The steps of a round, run in an order that rotates from round to round. The device's floor drifts on
 * a shared host (here 130-490 µs within minutes, 62% within one minute, 2.5x within two), so every figure
 * a target reads is bracketed: its reference tool runs right before and right after it, and the ratio is
 * taken against their mean, which cancels a drift that is steady over those few seconds. The result is
 * the median of the per-round ratios.
 */
async function round(dir: string, k: number, ops: number, bindings: readonly Binding[]): Promise<Round> {
  const none: Bracketed = { value: NaN, ref: NaN, cpu: { cpuNs: NaN, faults: null }, refCpuNs: NaN };
  const r: Round = { pre: [], preCpu: [], app: NaN, dbSync: [], dbNoSync: NaN, raw: none, machine: null, rb: new Map() };
  const pre = () => {
    const v = fio(dir, 'prewritten', ['--overwrite=1', `--size=${ops}k`]);
    rmSync(path.join(dir, 'prewritten.0.0'), { force: true });
    r.pre.push(v);
    r.preCpu.push(lastCpu.cpuNs);
    return v;
  };
  const dbSync = () => {
    const v = dbBench(dir, true, ops);
    r.dbSync.push(v);
    return v;
  };
  /** Runs `steps` between runs of `ref`: [ref, step, ref, step, ..., ref]; each step's ref is its two neighbours' mean. */
  const bracket = async (ref: () => number, steps: ReadonlyArray<() => Promise<number>>): Promise<Bracketed[]> => {
    const out: Bracketed[] = [];
    let before = ref();
    let cpuBefore = lastCpu.cpuNs;
    for (const step of steps) {
      const value = await step();
      const cpu = lastCpu;
      const after = ref();
      out.push({ value, ref: (before + after) / 2, cpu, refCpuNs: (cpuBefore + lastCpu.cpuNs) / 2 });
      before = after;
      cpuBefore = lastCpu.cpuNs;
    }
    return out;
  };
  const steps: Array<() => Promise<void> | void> = [
    () => void (r.app = fio(dir, 'appending', ['--overwrite=0', '--fallocate=keep', '--unlink=1', `--size=${ops}k`])),
    () => void (r.dbNoSync = dbBench(dir, false, 50_000)),
    async () => {
      [r.raw] = (await bracket(pre, [
        async () => {
          const cal = await calibrate(dir, { sizes: [KiB], ops, seconds: 10, appendFloor: false });
          r.machine = cal.machine ?? null;
          lastCpu = { cpuNs: NaN, faults: null };
          return cal.points[0]!.p50Ns;
        },
      ])) as [Bracketed];
    },
    ...bindings.map((b) => async () => {
      const m = new Map<string, Bracketed>();
      const wal = await bracket(pre, [CASES.bcWal, CASES.rwWal].map((c) => () => raftbench(dir, ops, b, c)));
      const shared = await bracket(dbSync, [CASES.bcShared, CASES.rwShared].map((c) => () => raftbench(dir, ops, b, c)));
      m.set(CASES.bcWal, wal[0]!).set(CASES.rwWal, wal[1]!).set(CASES.bcShared, shared[0]!).set(CASES.rwShared, shared[1]!);
      r.rb.set(b, m);
    }),
  ];
  for (let i = 0; i < steps.length; i++) await steps[(i + k) % steps.length]!();
  return r;
}

/**
 * What a case's µs over its floor are made of, by counters: the CPU its threads ran per op against the
 * CPU fio's job ran per op in the runs around it, its minor page faults per op, and what this machine
 * charges for a fault and a wake-up (calibrate's figures). Medians over rounds.
 */
export function cpuLines(all: readonly Round[], bs: readonly Binding[]): string[] {
  const med = (xs: number[]) => {
    const v = xs.filter(Number.isFinite);
    return v.length === 0 ? NaN : median(v);
  };
  const m = all.map((r) => r.machine).filter((x): x is MachineCosts => x !== null);
  const faultNs = med(m.map((x) => x.pageFaultNs ?? NaN));
  const out = ['what the cases add, by counter (median over rounds; CPU: all threads, schedstat; faults: minor page faults):'];
  if (m.length > 0) out.push(`  machine: a minor page fault costs ${us(faultNs)}; a thread runs ${us(med(m.map((x) => x.wakeLateNs)))} late after a 100 µs sleep (p50)`);
  out.push(`  ${'fio pre-written, CPU per op (its usr+sys)'.padEnd(58)} ${us(med(all.flatMap((r) => r.preCpu)))}`);
  for (const b of bs) {
    for (const [label, name, vsFio] of [
      ['BatchCommit wal', CASES.bcWal, true],
      ['ReplicaWrite wal clients=1', CASES.rwWal, true],
      ['BatchCommit shared', CASES.bcShared, false],
      ['ReplicaWrite shared clients=1', CASES.rwShared, false],
    ] as const) {
      const xs = all.map((r) => r.rb.get(b)?.get(name)).filter((x): x is Bracketed => x !== undefined);
      const cpu = med(xs.map((x) => x.cpu.cpuNs));
      const faults = med(xs.map((x) => x.cpu.faults ?? NaN));
      const over = vsFio ? ` (${signedUs(med(xs.map((x) => x.cpu.cpuNs - x.refCpuNs)))} over the fio runs around it)` : '';
      const faultCost = Number.isFinite(faults) && Number.isFinite(faultNs) ? ` ≈ ${us(faults * faultNs)} at the fault cost` : '';
      out.push(`  ${`${label}, ${b}: CPU per op`.padEnd(58)} ${us(cpu)}${over}; ${Number.isFinite(faults) ? faults.toFixed(2) : '-'} faults/op${faultCost}`);
    }
  }
  return out;
}

export async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { dir: { type: 'string' }, rounds: { type: 'string' }, ops: { type: 'string' }, warm: { type: 'string' }, binding: { type: 'string' }, cpu: { type: 'string' } } });
  const dir = path.resolve(values.dir ?? path.join('results', '.anchors'));
  const rounds = Number(values.rounds ?? 12);
  const ops = Number(values.ops ?? 500);
  const bindings = (values.binding ?? BINDINGS.join(',')).split(',');
  if (!(Number.isInteger(rounds) && rounds >= 1)) throw new Error(`--rounds ${values.rounds}: a whole number >= 1`);
  if (!(Number.isInteger(ops) && ops >= 100)) throw new Error(`--ops ${values.ops}: a whole number >= 100`);
  const warm = Number(values.warm ?? WARM_OPS);
  if (!(Number.isInteger(warm) && warm >= 0)) throw new Error(`--warm ${values.warm}: a whole number of ops >= 0`);
  for (const b of bindings) if (!(BINDINGS as readonly string[]).includes(b)) throw new Error(`--binding ${b}: valid are ${BINDINGS.join(', ')}`);
  const bs = bindings as Binding[];
  const cpuArg = values.cpu ?? 'auto';
  if (!/^(auto|none|\d+)$/.test(cpuArg)) throw new Error(`--cpu ${cpuArg}: valid are auto (the CPU taking the disk's interrupts), none, or a CPU number`);
  if (/^\d+$/.test(cpuArg) && Number(cpuArg) >= cpus().length) throw new Error(`--cpu ${cpuArg}: this machine has CPUs 0-${cpus().length - 1}`);
  mkdirSync(dir, { recursive: true });
  ensureTools();
  // Every tool on one CPU, the one the disk's completions interrupt (harness/placement.ts): placement
  // alone moved a write+fdatasync 2x on the VM measured here, which no ratio between tools survives.
  pinned = cpuArg === 'auto' ? irqCpuFor(dir) : cpuArg === 'none' ? null : Number(cpuArg);
  if (pinned !== null) pinProcess(pinned);
  const placement = pinned === null ? `unpinned (${cpuArg === 'none' ? '--cpu none' : "the disk's interrupts reach every CPU, or could not be told"})` : `every tool pinned to CPU ${pinned}${cpuArg === 'auto' ? ", which takes the disk's interrupts" : ''}`;
  const load0 = loadavg()[0]!;
  if (warm > 0) {
    process.stderr.write(`warm-up: each raftbench case for ${warm} ops, untimed (V8 is still compiling their code before that)\n`);
    for (const b of bs) for (const name of Object.values(CASES)) await raftbench(dir, warm, b, name);
  }
  const all: Round[] = [];
  const f = (ns: number) => (ns / 1000).toFixed(0).padStart(4);
  for (let k = 0; k < rounds; k++) {
    const r = await round(dir, k, ops, bs);
    all.push(r);
    const rb = bs.map((b) => `${b}: BC shared ${f(get(r, b, CASES.bcShared))} wal ${f(get(r, b, CASES.bcWal))} RW shared ${f(get(r, b, CASES.rwShared))} wal ${f(get(r, b, CASES.rwWal))}`).join('  ');
    const fs = (xs: number[]) => xs.map(f).join(',');
    process.stderr.write(`round ${String(k + 1).padStart(2)}/${rounds} µs: fio pre ${fs(r.pre)} app ${f(r.app)} raw ${f(r.raw.value)}  db_bench ${fs(r.dbSync)} / ${f(r.dbNoSync)}  ${rb}\n`);
  }
  const load1 = loadavg()[0]!;
  const span = (fn: (r: Round) => number, fmt: (x: number) => string) => {
    const xs = all.map(fn);
    return `${fmt(median(xs))}  (rounds ${fmt(Math.min(...xs))} .. ${fmt(Math.max(...xs))})`;
  };
  const x = (v: number) => `${v.toFixed(2)}x`;
  // The device's own floor from round to round: when it swings, every ratio swings with it.
  const pres = all.flatMap((r) => r.pre);
  const swing = Math.max(...pres) / Math.min(...pres);
  const steady = swing <= STEADY_SWING;
  const pad = (t: string) => t.padEnd(58);
  const lines = [
    `anchors in ${dir}: ${rounds} rounds after ${warm > 0 ? `a warm-up of ${warm} ops per raftbench case` : 'no warm-up (--warm 0)'}, each tool for ~${ops} ops a run, in an order rotating by round, every raftbench case between two runs of its reference; load average ${load0.toFixed(2)} at start, ${load1.toFixed(2)} at end (its own tools add about 1)${quiet(load0, load1) ? '' : ' (NOT quiet: figures are not comparable)'}`,
    `placement: ${placement}`,
    `device: fio's pre-written floor ranged ${us(Math.min(...pres))} .. ${us(Math.max(...pres))} over the run (${swing.toFixed(2)}x)${steady ? '' : `: UNSTEADY (over ${STEADY_SWING}x), the ratios below swing with it; run again when the device is calmer`}`,
    '',
    'p50 of one op, median over rounds:',
    `  ${pad('fio 1 KiB write+fdatasync, pre-written (--overwrite=1)')} ${span((r) => median(r.pre), us)}`,
    `  ${pad('fio 1 KiB write+fdatasync, appending (--fallocate=keep)')} ${span((r) => r.app, us)}`,
    `  ${pad('raftbench calibrate 1 KiB pre-written (Node, sync calls)')} ${span((r) => r.raw.value, us)}`,
    `  ${pad('db_bench fillseq --sync=1 --value_size=1024')} ${span((r) => median(r.dbSync), us)}`,
    `  ${pad('db_bench fillseq --sync=0 --value_size=1024')} ${span((r) => r.dbNoSync, us)}`,
    ...bs.flatMap((b) => [
      `  ${pad(`raftbench BatchCommit shared 1 KiB interleaved, ${b}`)} ${span((r) => get(r, b, CASES.bcShared), us)}`,
      `  ${pad(`raftbench BatchCommit wal 1 KiB interleaved, ${b}`)} ${span((r) => get(r, b, CASES.bcWal), us)}`,
      `  ${pad(`raftbench ReplicaWrite shared 1 KiB clients=1, ${b}`)} ${span((r) => get(r, b, CASES.rwShared), us)}`,
      `  ${pad(`raftbench ReplicaWrite wal 1 KiB clients=1, ${b}`)} ${span((r) => get(r, b, CASES.rwWal), us)}`,
    ]),
    '',
    `Node's own floor: raftbench calibrate / fio pre-written     ${span((r) => r.raw.value / r.raw.ref, x)}`,
    '',
    'targets (issue 12), each figure over its reference taken right before and after it, median over rounds:',
    ...bs.flatMap((b) => [
      `  binding ${b}${b === DEFAULT_BINDING ? ' (the default)' : ''}:`,
      ...TARGETS.map((t) => {
        const m = median(all.map((r) => against(r, b, t).ratio));
        return `    ${t.what.padEnd(52)} ${span((r) => against(r, b, t).ratio, x)}  target <= ${t.target}x  ${m <= t.target ? 'pass' : 'MISS'}  (${signedUs(median(all.map((r) => against(r, b, t).over)))} over it)`;
      }),
    ]),
    '  quick suite <= 5 min: not measured here (time `make bench`)',
    '',
    ...cpuLines(all, bs),
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
