import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { findLayout, type Binding } from '../../engines/layouts/index.ts';
import { observe } from '../counters/observe.ts';
import type { EngineWrapper } from '../../engines/layouts/layout.ts';
import type { MemoryBudget } from '../../engines/memory-budget.ts';
import type { Engine } from '../../engines/engine.ts';
import { nowNs, type CaseInstance, type OpSink } from '../../scenarios/family.ts';
import type { BenchmarkResult, CapacitySearch, LayoutEngineSettings, OpenLoopRun, RunResult } from '../../analysis/results-schema.ts';
import { DEFAULT_CAPACITY_SEARCH } from '../../scenarios/suites.ts';
import { searchCapacity } from './capacity-search.ts';
import { effectiveSettings } from '../../engines/layouts/effective-options.ts';
import { LatencyRecorder } from './latency-recorder.ts';
import { MemoryGuard } from './memory-guard.ts';
import { procCpu, processWriteBytes } from '../../node/proc-stats.ts';
import { engineBytesPerOp, snapshotEngineBytes } from './engine-bytes.ts';
import type { ClusterFile } from '../../node/cluster/cluster-file.ts';
import type { Plan, PlannedCase } from './plan.ts';

/** Memory layouts keep every value; a run never holds more payload than this. */
const MAX_RUN_PAYLOAD = 256 << 20;
/** Open-loop runs record 12 bytes an op (two latencies, the queue): 10M ops is 120 MB. */
const MAX_OPEN_OPS = 10_000_000;

export interface RunnerOptions {
  readonly plan: Plan;
  /** This run's scratch directory; each replicate gets a fresh subdirectory, removed after it. */
  readonly dataDir: string;
  /** Scratch directory for separate raft engines (`--raft-dir`), or null for `<replicate dir>/raft`. */
  readonly raftDir: string | null;
  readonly binding: Binding;
  readonly budget: MemoryBudget;
  /** A test seam: wraps every RocksDB engine a layout opens (`LayoutOptions.wrapEngine`). */
  readonly wrapEngine?: EngineWrapper;
  /** Running nodes (`raftbench node`) that cluster families drive with `transport=tcp`, instead of forking their own. */
  readonly cluster?: ClusterFile;
  /** Polled between ops and runs; when true the runner stops and keeps what finished. */
  readonly shouldStop: () => boolean;
  /** Stops the run, keeping what finished, before memory runs out (default: a MemoryGuard on this process). */
  readonly memoryGuard?: MemoryGuard;
  readonly onProgress?: (p: Progress) => void;
  /**
   * Called once per layout, after its first timed run, with the settings its engines report (one node's:
   * the first two engines the instance lists, raft then state).
   */
  readonly onEngineSettings?: (layout: string, settings: LayoutEngineSettings) => void;
  /** Called after every finished replicate with all results so far, so they can be saved. */
  readonly onResults?: (benchmarks: readonly BenchmarkResult[]) => Promise<void>;
}

export interface Progress {
  readonly done: number;
  readonly total: number;
  readonly name: string;
  readonly replicate: number;
  readonly count: number;
  readonly last: RunResult | null;
}

/**
 * Runs every case `count` times. Within a group (cases differing only by layout) replicates alternate
 * A B C, C B A, A B C ... so that machine drift over time hits every layout alike.
 */
export async function runPlan(opts0: RunnerOptions): Promise<{ benchmarks: BenchmarkResult[]; stopped: boolean; stopReason?: string }> {
  const guard = opts0.memoryGuard ?? new MemoryGuard();
  const opts: RunnerOptions = { ...opts0, shouldStop: () => opts0.shouldStop() || guard.check() };
  const stopped = () => ({ benchmarks, stopped: true, ...(guard.reason !== null ? { stopReason: guard.reason } : {}) });
  const { plan } = opts;
  const benchmarks: BenchmarkResult[] = [];
  const total = plan.groups.reduce((n, g) => n + g.length, 0) * plan.count;
  let done = 0;
  let caseNo = 0;
  for (const group of plan.groups) {
    const results: BenchmarkResult[] = group.map((c) => ({ name: c.name, family: c.family.name, params: c.params, bytesPerOp: c.bytesPerOp, runs: [] as RunResult[], ...(c.slo ? { capacity: [] as CapacitySearch[] } : {}) }));
    benchmarks.push(...results);
    const ops = new Map<PlannedCase, number>();
    for (let rep = 0; rep < plan.count; rep++) {
      const order = rep % 2 === 0 ? group.map((_, i) => i) : group.map((_, i) => group.length - 1 - i);
      for (const i of order) {
        if (opts.shouldStop() || guard.check(true)) return stopped();
        const c = group[i]!;
        const scratch = path.join(opts.dataDir, `c${caseNo + i}-r${rep}`);
        if (warmsCode(c, opts) && firstUse(c, opts)) {
          if (!(await warmCode(c, `${scratch}-warm`, opts))) return stopped();
        }
        let run: RunResult | null;
        if (c.slo) {
          const search = await runCapacity(c, scratch, opts, rep);
          if (!search) return stopped();
          results[i]!.capacity!.push(search);
          const confirm = [...search.probes].reverse().find((p) => p.phase === 'confirm' && p.pass);
          run = (confirm ?? search.probes[search.probes.length - 1])?.run ?? null;
        } else {
          run = await runReplicate(c, scratch, opts, ops, rep);
        }
        if (!run) return stopped();
        results[i]!.runs.push(run);
        done++;
        opts.onProgress?.({ done, total, name: c.name, replicate: rep + 1, count: plan.count, last: run });
        await opts.onResults?.(benchmarks);
      }
    }
    caseNo += group.length;
  }
  return { benchmarks, stopped: false };
}

/**
 * One capacity search (`searchCapacity`): each probe is a fresh open-loop replicate at one rate, of the
 * plan's duration, in its own scratch directory. Null if stopped.
 */
async function runCapacity(c: PlannedCase, scratch: string, opts: RunnerOptions, rep: number): Promise<CapacitySearch | null> {
  const slo = c.slo!;
  const settings = opts.plan.suite.capacity ?? DEFAULT_CAPACITY_SEARCH;
  const durationMs = opts.plan.durationMs ?? opts.plan.suite.targetRunMs;
  let k = 0;
  const found = await searchCapacity({ slo, ...settings }, async (rate) => {
    const probe: PlannedCase = { ...c, typed: { ...c.typed, rate } };
    const ops = { value: null as number | null };
    // Enough ops that the percentile is not simply the slowest op (100 for p99), and the suite's least,
    // however low the rate.
    const minOps = Math.max(opts.plan.suite.minOps, Math.ceil(1 / (1 - slo.quantile)));
    const out = await runReplicate(probe, `${scratch}-p${k++}`, opts, new Map(), rep, (rec) => (ops.value = rec.quantile(slo.quantile)), minOps);
    return out && ops.value !== null ? { run: out, valueNs: ops.value } : null;
  });
  if (!found) return null;
  return { slo, capacityOpsPerSec: found.capacityOpsPerSec, bound: found.bound, resolution: settings.resolution, durationMs, probes: [...found.probes] };
}

/** The open-loop rate of a case (its `rate` parameter), 0 for closed loop or a family without one. */
function rateOf(c: PlannedCase): number {
  const r = (c.typed as { rate?: unknown }).rate;
  return typeof r === 'number' ? r : 0;
}

/**
 * Opens `c` on fresh directories (`scratch`, and its raft directory under `--raft-dir`), runs `use` on it,
 * then closes it and removes the directories, whatever `use` did.
 */
async function withInstance<T>(c: PlannedCase, scratch: string, opts: RunnerOptions, rep: number, use: (instance: CaseInstance, raftDir: string | undefined) => Promise<T>): Promise<T> {
  const raftDir = opts.raftDir ? path.join(opts.raftDir, path.basename(scratch)) : undefined;
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  let instance: CaseInstance;
  try {
    instance = await c.family.open({
      params: c.typed,
      layout: findLayout(c.params.layout!),
      layoutOptions: { dir: scratch, binding: opts.binding, budget: opts.budget, ...(raftDir ? { raftDir } : {}), ...(opts.wrapEngine ? { wrapEngine: opts.wrapEngine } : {}) },
      seed: rep + 1,
      ...(opts.cluster ? { cluster: opts.cluster } : {}),
    });
  } catch (err) {
    // The family closed whatever it opened; its directories go too.
    await rm(scratch, { recursive: true, force: true });
    if (raftDir) await rm(raftDir, { recursive: true, force: true });
    throw err;
  }
  let failed = false;
  try {
    return await use(instance, raftDir);
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    // A close that fails after the run failed (RocksDB 9 refuses to close after its own write error) must
    // not hide the error that explains both.
    await instance.close().catch((err: unknown) => {
      if (!failed) throw err;
    });
    await rm(scratch, { recursive: true, force: true });
    if (raftDir) await rm(raftDir, { recursive: true, force: true });
  }
}

/** Ops of a first-use warm-up at most: past a few thousand, V8 has compiled what it will. */
const FIRST_USE_MAX_OPS = 5000;
const NO_SINK: OpSink = { record: () => undefined, amend: () => undefined };

/**
 * The first time this process runs a family on a layout and binding, an untimed run on engines of its
 * own, for the suite's `firstUseWarmupMs` (at most FIRST_USE_MAX_OPS ops, and the run payload bound),
 * before the first timed replicate. V8 runs a code path slower for its first few thousand ops, while its optimizing
 * compiler works on it in threads that share the CPUs and take page faults: 500-op blocks of
 * ReplicaWrite wal on fresh engines in one process read 814, 804, 600, 532, 428 µs before settling at
 * 354-391 µs from the sixth; BatchCommit wal 603, then 331-352, then 291-310 µs (pinned to one CPU).
 * Without it the first replicates of a group measured V8, and the median with them. A cluster over tcp
 * warms the node processes the next clusters reuse. Not warmed (`warmsCode`): etcd, which has no JIT, and
 * running nodes (`--cluster`), which must not take writes the run does not time. False when stopped.
 */
async function warmCode(c: PlannedCase, scratch: string, opts: RunnerOptions): Promise<boolean> {
  const ms = opts.plan.suite.firstUseWarmupMs;
  return withInstance(c, scratch, opts, 0, async (instance) => {
    const maxOps = Math.min(FIRST_USE_MAX_OPS, Math.floor(MAX_RUN_PAYLOAD / Math.max(1, c.bytesPerOp)));
    const end = nowNs() + ms * 1e6;
    const step = Math.max(1, Math.min(50, maxOps));
    for (let done = 0; done < maxOps && nowNs() < end; done += step) {
      if ((await instance.run(step, NO_SINK, opts.shouldStop)) < step) return false;
    }
    return true;
  });
}

/** Layout and binding pairs this process has warmed up, per family (`warmCode`). */
const warmedCode = new WeakMap<object, Set<string>>();

/** Whether this is the process's first run of `c`'s family on its layout and binding; marks it run. */
function firstUse(c: PlannedCase, opts: RunnerOptions): boolean {
  let seen = warmedCode.get(c.family);
  if (!seen) warmedCode.set(c.family, (seen = new Set()));
  const key = `${c.params.layout}/${opts.binding}`;
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
}

/**
 * Whether `warmCode` applies to `c`: the suite asks for it, and the case's code is raftbench's, in this
 * process or in node processes it keeps (process-cluster.ts); not etcd's, nor nodes it did not start.
 */
function warmsCode(c: PlannedCase, opts: RunnerOptions): boolean {
  const transport = (c.typed as { transport?: unknown }).transport;
  return opts.plan.suite.firstUseWarmupMs > 0 && !opts.cluster && transport !== 'etcd';
}

/**
 * One replicate in a fresh directory: open, warm up, time `ops` ops, close, remove. Null if stopped.
 * An open-loop case times rate x duration ops (or `--ops`); `inspect` sees the recorder before it goes.
 */
async function runReplicate(c: PlannedCase, scratch: string, opts: RunnerOptions, opsByCase: Map<PlannedCase, number>, rep: number, inspect?: (rec: LatencyRecorder) => void, minOpenOps = 1): Promise<RunResult | null> {
  const rate = rateOf(c);
  const suite = opts.plan.suite;
  return withInstance(c, scratch, opts, rep, async (instance, raftDir): Promise<RunResult | null> => {
    // Open loop warms up at its rate, for at most a quarter second.
    const warmOps = rate > 0 ? Math.max(1, Math.min(suite.warmupOps, Math.round(rate / 4))) : suite.warmupOps;
    const warm = new LatencyRecorder(warmOps);
    const w0 = nowNs();
    const warmed = await instance.run(warmOps, warm, opts.shouldStop);
    if (warmed < warmOps) return null;
    const paceNs = Math.max(1, (nowNs() - w0) / Math.max(1, warmed));
    const maxOps = Math.min(suite.maxOps, Math.max(suite.minOps, Math.floor(MAX_RUN_PAYLOAD / Math.max(1, c.bytesPerOp))));
    const durationMs = opts.plan.durationMs ?? suite.targetRunMs;
    // Open loop fixes the run's length, not its ops: only the payload bound caps rate x duration.
    const openMax = Math.min(MAX_OPEN_OPS, Math.floor(MAX_RUN_PAYLOAD / Math.max(1, c.bytesPerOp)));
    let ops = opts.plan.ops ?? (rate > 0 ? Math.max(minOpenOps, Math.min(openMax, Math.round((rate * durationMs) / 1000))) : opsByCase.get(c));
    if (ops === undefined) {
      ops = Math.round(Math.min(maxOps, Math.max(suite.minOps, (suite.targetRunMs * 1e6) / paceNs)));
      opsByCase.set(c, ops);
    }
    const engines = uniqueEngines(instance.engines());
    const bytes0 = await snapshotEngineBytes(engines);
    const syncs0 = sumSyncs(engines);
    const io0 = processWriteBytes();
    const cpu0 = procCpu();
    await instance.collect?.('before');
    const observation = observe(engines, { data: scratch, ...(raftDir ? { raft: raftDir } : {}) });
    const rec = new LatencyRecorder(ops);
    rec.start();
    const t0 = nowNs();
    const n = await instance.run(ops, rec, opts.shouldStop);
    const wall = nowNs() - t0;
    if (n < ops) return null;
    reportSettings(c, opts, engines);
    const io1 = processWriteBytes();
    const cpu1 = procCpu();
    await instance.collect?.('after');
    // After the nodes' counters are in (a cluster of processes; a few ms of IPC, no I/O).
    const observed = observation.finish(n, instance.remoteObserved?.() ?? null);
    const syncs = sumSyncs(engines) - syncs0 + (instance.remoteSyncs?.() ?? 0);
    const remoteCpu = instance.remoteCpu?.() ?? { cpuNs: 0, minorFaults: 0 };
    const engineBytes = engineBytesPerOp(bytes0, await snapshotEngineBytes(engines), n);
    inspect?.(rec);
    const open = openLoopRun(rec, rate, String((c.typed as { arrival?: unknown }).arrival ?? 'fixed'), n, wall);
    return {
      ops: n,
      nsPerOp: wall / n,
      mbPerSec: c.bytesPerOp > 0 ? (c.bytesPerOp * n) / (wall / 1e9) / 1e6 : 0,
      syncsPerOp: syncs / n,
      diskBytesPerOp: perOp(io0, io1, instance.remoteDiskBytes ? instance.remoteDiskBytes() : 0, n),
      schedWaitNsPerOp: perOp(cpu0?.waitNs ?? null, cpu1?.waitNs ?? null, instance.remoteSchedWaitNs ? instance.remoteSchedWaitNs() : 0, n),
      cpuNsPerOp: perOp(cpu0?.cpuNs ?? null, cpu1?.cpuNs ?? null, remoteCpu.cpuNs, n),
      minorFaultsPerOp: perOp(cpu0?.minorFaults ?? null, cpu1?.minorFaults ?? null, remoteCpu.minorFaults, n),
      latency: rec.summary(),
      timeline: rec.timeline(),
      extra: { ...engineBytes, ...instance.extra?.() },
      observed,
      ...(open ? { open } : {}),
    };
  });
}

/** A run is behind when its last tenth of ops went out later than a tenth of its planned length, and more than 5 ms (a scheduling hiccup in a tiny run is not falling behind). */
const BEHIND_FLOOR_NS = 5e6;
const BEHIND_FRACTION = 0.1;

function openLoopRun(rec: LatencyRecorder, rate: number, arrival: string, n: number, wallNs: number): OpenLoopRun | undefined {
  const o = rate > 0 ? rec.openLoop() : null;
  if (!o) return undefined;
  const plannedNs = (n / rate) * 1e9;
  return {
    rateOpsPerSec: rate,
    arrival,
    achievedOpsPerSec: n / (wallNs / 1e9),
    uncorrected: o.uncorrected,
    maxBacklog: o.maxBacklog,
    endLagNs: o.endLagNs,
    keptUp: o.endLagNs <= Math.max(BEHIND_FLOOR_NS, BEHIND_FRACTION * plannedNs),
  };
}

/**
 * A counter of this process over the run plus that of node processes (when the case has any), per op; null
 * if either is unknown. For bytes written and for nanoseconds waited for a CPU.
 */
function perOp(io0: number | null, io1: number | null, remote: number | null, n: number): number | null {
  return io0 !== null && io1 !== null && remote !== null ? (io1 - io0 + remote) / n : null;
}

const settingsRead = new WeakMap<RunnerOptions, Set<string>>();

/** The first timed run of each layout reports its engines' effective settings (`onEngineSettings`). */
function reportSettings(c: PlannedCase, opts: RunnerOptions, engines: readonly Engine[]): void {
  const layout = c.params.layout!;
  const seen = settingsRead.get(opts) ?? new Set<string>();
  settingsRead.set(opts, seen);
  if (!opts.onEngineSettings || seen.has(layout)) return;
  seen.add(layout);
  const roles = engines.length === 1 ? ['raft+state'] : ['raft', 'state'];
  const listed = engines.slice(0, roles.length).map((engine, i) => ({ role: roles[i]!, engine }));
  opts.onEngineSettings(layout, { binding: layout === 'shared-cf' ? 'rocksdb9' : opts.binding, readAfter: c.name, engines: effectiveSettings(listed) });
}

function uniqueEngines(engines: readonly Engine[]): Engine[] {
  return [...new Set(engines)];
}

function sumSyncs(engines: readonly Engine[]): number {
  return engines.reduce((n, e) => n + e.counters().syncs, 0);
}
