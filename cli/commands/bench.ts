import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from '../command.ts';
import { bool, int, list, parseFlags, str, flagHelp, type FlagSpecs } from '../args.ts';
import { errorLine, invalidChoice, UserError, userErrno, userErrnoCause } from '../../errors/user-error.ts';
import { parseSizes, formatSize } from '../../analysis/sizes.ts';
import { BINDINGS, DEFAULT_BINDING, layoutNames, type Binding } from '../../engines/layouts/index.ts';
import { readClusterFile, type ClusterFile } from '../../node/cluster/cluster-file.ts';
import { DEFAULT_BUDGET } from '../../engines/memory-budget.ts';
import { makePlan } from '../../harness/runner/plan.ts';
import { runPlan } from '../../harness/runner/run-plan.ts';
import { measureOverhead } from '../../harness/runner/overhead.ts';
import { pathsFor } from '../../harness/runner/path-overhead.ts';
import { placementWarnings } from '../../harness/runner/placement-warnings.ts';
import { lockDataDir } from '../../harness/runner/lock.ts';
import { ProgressLine } from '../../harness/runner/progress.ts';
import { captureEnvironment } from '../../harness/environment.ts';
import { calibrate } from '../../harness/calibrate/calibrate.ts';
import { nonDurableReason } from '../../harness/calibrate/calibrate.ts';
import { MEMORY_FILESYSTEMS } from '../../engines/fs-info.ts';
import { claimResultsDir, pointLatest, saveResults } from '../../harness/results/write.ts';
import { cleanStaleScratch, makeScratchDir } from '../../harness/runner/scratch.ts';
import { RESULTS_SCHEMA, RESULTS_VERSION, type ResultsFile } from '../../analysis/results-schema.ts';
import { runSummaryText } from '../../harness/runner/run-summary.ts';
import { explainText } from '../explain-text.ts';
import { observedTable } from '../../analysis/observed-table.ts';
import { hasWarning, warning, type Warning } from '../../analysis/warning.ts';
import { formatNs } from '../../analysis/units.ts';
import { parseSlo } from '../../harness/runner/slo.ts';

const FLAGS: FlagSpecs = {
  suite: { type: 'string', help: 'suite to run (default quick; see `list`)' },
  scenario: { type: 'string', help: 'only these families, comma-separated' },
  layout: { type: 'string', help: 'only these layouts, comma-separated' },
  sizes: { type: 'string', help: 'value sizes, e.g. 1k,16k,256k (replaces the suite sizes)' },
  count: { type: 'string', help: 'replicates per case (default: the suite)' },
  ops: { type: 'string', help: 'timed ops per run (default: sized from the warm-up)' },
  out: { type: 'string', help: 'results directory (default results/<run-id>); must not hold results' },
  dir: { type: 'string', help: 'data directory for the engines (default results/.data)' },
  'raft-dir': { type: 'string', help: 'where separate raft engines live (another disk, tmpfs)' },
  binding: { type: 'string', help: `RocksDB binding: ${BINDINGS.join(' or ')} (default ${DEFAULT_BINDING}; shared-cf is always rocksdb9)` },
  batch: { type: 'string', help: 'ReplicaWrite/ClusterWrite group commit, comma-separated: 1 (none), auto, or N proposals per append' },
  batchwait: { type: 'string', help: 'with --batch: microseconds to wait for more proposals, comma-separated (default 0)' },
  rate: { type: 'string', help: 'open loop: offered ops/s, comma-separated (ReplicaWrite, ClusterWrite, MultiRange; default closed loop)' },
  arrival: { type: 'string', help: 'with --rate: fixed or poisson (seeded) arrivals (default fixed)' },
  slo: { type: 'string', help: 'capacity at an SLO, e.g. p99=10ms: per layout the highest rate under the bound (bisection, probes kept)' },
  duration: { type: 'string', help: 'length of each open-loop run or capacity probe in ms (default: the suite)' },
  transport: { type: 'string', help: 'ClusterWrite/Reads/ADR: tcp (one process per node, default), local (one process) or etcd (etcd 3.4, with --layout wal), comma-separated' },
  rtt: { type: 'string', help: 'cluster families: added round trip of raft exchanges, 0, 1ms or 10ms (emulated), comma-separated' },
  loss: { type: 'string', help: 'cluster families: percent of raft messages lost (emulated), comma-separated' },
  slow: { type: 'string', help: 'cluster families: ms added to each log sync of one follower (emulated slow member), comma-separated' },
  cluster: { type: 'string', help: 'cluster file: drive running `raftbench node` processes (one layout) instead of starting nodes' },
  'no-calibrate': { type: 'boolean', help: 'skip the fdatasync calibration of the data directory' },
  'no-report': { type: 'boolean', help: 'do not write report.html' },
  quiet: { type: 'boolean', help: 'print only the results path' },
  help: { type: 'boolean', short: 'h', help: 'this help' },
};

/** Per-op latencies are kept in memory (8 bytes an op): 1e8 ops is 800 MB, beyond any useful run. */
const MAX_OPS = 100_000_000;
const MAX_COUNT = 100_000;
const MAX_DURATION_MS = 3_600_000;

const USAGE = 'bench [--suite S] [--scenario F,..] [--layout L,..] [--sizes 1k,16k,..] [--count N] [--ops N] [--out DIR] [--dir DATA] [--raft-dir DIR] [--rate R,.. [--arrival fixed|poisson]] [--slo p99=10ms] [--duration MS]';

export const command: Command = {
  name: 'bench',
  summary: 'run a suite; write results.json, bench.txt and report.html',
  usage: USAGE,
  async run(args, deps = {}) {
    const p = parseFlags('bench', args, FLAGS);
    if (bool(p, 'help')) {
      process.stdout.write(`usage: raftbench ${USAGE}\n\n${flagHelp(FLAGS)}\n`);
      return 0;
    }
    if (p.positionals.length > 0) throw new UserError(`bench: unexpected argument "${p.positionals[0]}"; bench takes only flags (see bench --help)`);
    const binding = (str(p, 'binding') ?? DEFAULT_BINDING) as Binding;
    if (!BINDINGS.includes(binding)) throw invalidChoice('binding', binding, BINDINGS);
    const sizesFlag = list(p, 'sizes');
    const cluster = str(p, 'cluster') ? benchClusterFile(str(p, 'cluster')!, p) : undefined;
    const plan = makePlan({
      suite: str(p, 'suite') ?? 'quick',
      ...(list(p, 'scenario') ? { scenarios: list(p, 'scenario')! } : {}),
      ...(cluster ? { layouts: [cluster.nodes[0]!.layout] } : list(p, 'layout') ? { layouts: list(p, 'layout')! } : {}),
      ...(sizesFlag ? { sizes: parseSizes(sizesFlag, 'bench') } : {}),
      ...(int(p, 'bench', 'count', 1, MAX_COUNT) ? { count: int(p, 'bench', 'count', 1, MAX_COUNT)! } : {}),
      ...(int(p, 'bench', 'ops', 1, MAX_OPS) ? { ops: int(p, 'bench', 'ops', 1, MAX_OPS)! } : {}),
      ...(hasAxes(p) ? { axes: { ...loadAxes(p), ...clusterAxes(p) } } : {}),
      ...(str(p, 'slo') !== undefined ? { slo: parseSlo(str(p, 'slo')!) } : {}),
      ...(int(p, 'bench', 'duration', 1, MAX_DURATION_MS) ? { durationMs: int(p, 'bench', 'duration', 1, MAX_DURATION_MS)! } : {}),
    }, deps.catalog);

    const quiet = bool(p, 'quiet');
    const resultsRoot = path.resolve('results');
    const startedAt = new Date();
    const runId = `${stamp(startedAt)}-${plan.suite.name}`;
    const outDir = path.resolve(str(p, 'out') ?? path.join(resultsRoot, runId));
    const dataRoot = path.resolve(str(p, 'dir') ?? path.join(resultsRoot, '.data'));
    const raftRoot = str(p, 'raft-dir') ? path.resolve(str(p, 'raft-dir')!) : null;

    // A quick refusal before any set-up; claimResultsDir below is the check that holds under a race.
    if (existsSync(path.join(outDir, 'results.json'))) {
      throw new UserError(`bench: --out ${outDir} already holds results; pass another --out (results are never overwritten)`);
    }
    makeDir(outDir, '--out');
    makeDir(dataRoot, '--dir');
    if (raftRoot) makeDir(raftRoot, '--raft-dir');
    const dataDir = path.join(dataRoot, runId);
    const raftDir = raftRoot ? path.join(raftRoot, runId) : null;

    const progress = new ProgressLine();
    const say = (s: string) => (quiet ? undefined : progress.enabled ? progress.log(s) : process.stderr.write(s + '\n'));
    const sizes = [...new Set(plan.groups.flatMap((g) => g.map((c) => c.bytesPerOp)))].filter((s) => s > 0).sort((a, b) => a - b);
    const results: ResultsFile = {
      schema: RESULTS_SCHEMA,
      version: RESULTS_VERSION,
      runId,
      complete: false,
      incompleteReason: 'running',
      startedAt: startedAt.toISOString(),
      command: ['bench', ...args],
      config: {
        suite: plan.suite.name,
        scenarios: [...new Set(plan.groups.map((g) => g[0]!.family.name))],
        layouts: [...new Set(plan.groups.flatMap((g) => g.map((c) => c.params.layout!)))],
        sizes,
        count: plan.count,
        ops: plan.ops,
        dataDir: dataRoot,
        raftDir: raftRoot,
        binding,
        memoryBudget: DEFAULT_BUDGET,
        targetRunMs: plan.suite.targetRunMs,
        warmupOps: plan.suite.warmupOps,
        firstUseWarmupMs: plan.suite.firstUseWarmupMs,
      },
      environment: captureEnvironment(dataRoot),
      warnings: [],
      benchmarks: [],
    };
    for (const [dir, flag] of [[dataRoot, '--dir'], [raftRoot, '--raft-dir']] as const) {
      if (!dir) continue;
      const fs = flag === '--dir' ? results.environment.dataDirFs.type : captureEnvironment(dir).dataDirFs.type;
      if (MEMORY_FILESYSTEMS.has(fs)) {
        results.warnings.push(warning(flag === '--dir' ? 'data-dir-not-durable' : 'raft-dir-not-durable', 'severe', `${flag} ${dir} is on ${fs}: not durable; synced writes there cost no device time`));
      }
    }
    results.warnings.push(...placementWarnings(plan));
    const load = results.environment.loadAverage[0] ?? 0;
    if (load > results.environment.cpuCount * 0.5) results.warnings.push(warning('machine-busy', 'warning', `machine busy at start: load average ${load} on ${results.environment.cpuCount} CPUs; expect noise`));

    const unlock = lockDataDir(dataRoot, runId);
    try {
      claimResultsDir(outDir, results, '--out');
    } catch (err) {
      unlock();
      throw userErrno(err) !== null ? new UserError(`bench: --out ${outDir}: cannot write results.json: ${errorLine(err)} (${userErrno(err)})`) : err;
    }
    // What runs killed before their cleanup left behind (they hold no lock, so they are gone).
    for (const d of cleanStaleScratch(dataRoot, { unmarkedRunIds: true })) say(`removed stale scratch ${d}`);
    if (raftRoot) for (const d of cleanStaleScratch(raftRoot, { unmarkedRunIds: false })) say(`removed stale scratch ${d}`);

    let stopReason: string | null = null;
    // A save rewrites the whole results file (over 100 ms once it holds a quick suite; saved after every
    // run, the rfc suite spent minutes on it): finished runs are saved once saving has cost at most
    // 1/SAVE_SHARE of the time since the last save, and within SAVE_EVERY_MS at the latest. A second
    // signal saves what is pending before exiting.
    let lastSave = 0;
    let lastSaveMs = 0;
    let pending = false;
    const onSignal = (sig: NodeJS.Signals) => {
      if (stopReason) {
        if (pending) trySave(outDir, results);
        process.exit(130); // second signal: results so far are on disk
      }
      stopReason = `interrupted by ${sig}`;
      say(`\n${sig}: stopping after the current op; finished runs are kept (again to quit at once)`);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);

    try {
      makeScratchDir(dataDir, runId);
      if (raftDir) makeScratchDir(raftDir, runId);
      saveResults(outDir, results);
      if (!bool(p, 'no-calibrate') && sizes.length > 0) {
        say(`calibrating write+fdatasync of ${dataRoot} at ${sizes.map(formatSize).join(', ')}`);
        results.calibration = await calibrate(dataRoot, { sizes, seconds: 0.6, ops: 400 });
        const why = nonDurableReason(results.calibration.fsType, results.calibration.points, dataRoot);
        if (why && !hasWarning(results.warnings, 'data-dir-not-durable')) results.warnings.push(warning('calibration-not-durable', 'severe', why));
        saveResults(outDir, results);
      }
      results.harnessOverhead = await measureOverhead({ dir: dataDir, budget: DEFAULT_BUDGET, only: pathsFor([...new Set(plan.groups.flat().map((c) => c.params.layout!))], binding) });
      const total = plan.groups.reduce((n, g) => n + g.length, 0);
      say(`running suite ${plan.suite.name}: ${total} cases x ${plan.count} runs, layouts interleaved; results in ${outDir}`);
      const { stopped, stopReason: runStop } = await runPlan({
        plan,
        dataDir,
        raftDir,
        binding,
        budget: DEFAULT_BUDGET,
        ...(deps.wrapEngine ? { wrapEngine: deps.wrapEngine } : {}),
        ...(cluster ? { cluster } : {}),
        shouldStop: () => stopReason !== null,
        onProgress: (ev) => (quiet ? undefined : progress.update(ev)),
        onEngineSettings: (layout, settings) => {
          (results.engineSettings ??= {})[layout] = settings;
        },
        onResults: async (benchmarks) => {
          results.benchmarks = [...benchmarks];
          pending = Date.now() - lastSave < Math.min(SAVE_EVERY_MS, SAVE_SHARE * lastSaveMs);
          if (pending) return;
          const t0 = Date.now();
          saveResults(outDir, results);
          lastSave = Date.now();
          lastSaveMs = lastSave - t0;
        },
      });
      progress.clear();
      results.complete = !stopped;
      if (stopped) results.incompleteReason = stopReason ?? runStop ?? 'stopped';
      else delete results.incompleteReason;
      if (runStop && !stopReason) process.stderr.write(`${runStop}\n`);
      if (stopped) results.warnings.push(warning('incomplete-run', 'severe', `incomplete run: ${results.incompleteReason}; only finished runs are included`));
    } catch (err) {
      progress.clear();
      results.complete = false;
      results.incompleteReason = oneLine(err);
      results.warnings.push(warning('incomplete-run', 'severe', `incomplete run: ${results.incompleteReason}`));
      trySave(outDir, results);
      throw asUserError(err, outDir);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      // Each replicate removed its own directory; drop this run's (now empty) scratch directories too.
      for (const d of [dataDir, raftDir]) if (d) rmSync(d, { recursive: true, force: true });
      unlock();
    }
    results.finishedAt = new Date().toISOString();
    results.warnings.push(...behindWarnings(results));
    const shared = observedTable(results).filter((r) => r.othersSuspected);
    if (shared.length > 0) {
      results.warnings.push(warning('device-shared', 'warning', `device flushes well above the engines' own syncs in ${shared.length} benchmark(s) (e.g. ${shared[0]!.name}): another process's I/O is counted in /proc/diskstats; flushes and write amplification are upper bounds there`));
    }
    try {
      saveResults(outDir, results);
    } catch (err) {
      throw asUserError(err, outDir);
    }
    if (outDir.startsWith(resultsRoot + path.sep)) pointLatest(resultsRoot, outDir);
    const report = bool(p, 'no-report') ? { lines: [], error: null } : await (await import('./report.ts')).benchReportLines(outDir, results);
    if (!quiet) process.stdout.write(runSummaryText(results) + '\n' + explainText(results));
    process.stdout.write(`results: ${path.join(outDir, 'results.json')}\n         ${path.join(outDir, 'bench.txt')}\n`);
    for (const line of report.lines) process.stdout.write(`${line}\n`);
    // The results are safe, but a report asked for and not written is a failure a script must see.
    if (report.error !== null) throw new UserError(`bench: results kept in ${outDir}, but the ${report.error.replace(/^report: /, 'report was not written: ')}`);
    return results.complete ? 0 : 130;
  },
};

/** `--batch`, `--batchwait`, `--rate` and `--arrival` as plan axes, each value checked as the families will read it. */
function loadAxes(p: ReturnType<typeof parseFlags>): Record<string, string[]> {
  const axes: Record<string, string[]> = {};
  for (const key of ['batch', 'batchwait', 'rate', 'arrival']) {
    const values = list(p, key);
    if (values) axes[key] = [...values];
  }
  return axes;
}

/** Runs behind their schedule, as one warning (a capacity search's failing probes are expected to be). */
function behindWarnings(results: ResultsFile): Warning[] {
  const behind = results.benchmarks.filter((b) => !b.capacity && b.runs.some((r) => r.open && !r.open.keptUp));
  if (behind.length === 0) return [];
  const b = behind[0]!;
  const r = b.runs.find((x) => x.open && !x.open.keptUp)!.open!;
  return [warning('open-loop-behind', 'warning', `open loop could not keep up in ${behind.length} benchmark(s) (e.g. ${b.name}: offered ${r.rateOpsPerSec} ops/s, achieved ${Math.round(r.achievedOpsPerSec)}, ended ${formatNs(r.endLagNs)} behind, queue up to ${r.maxBacklog}); latency there grows with the run's length`)];
}

/** How long a finished run may wait to be written to results.json (a SIGKILL loses at most this). */
const SAVE_EVERY_MS = 5000;
/** Saving may take at most 1/SAVE_SHARE of a run's wall time. */
const SAVE_SHARE = 20;

const CLUSTER_AXES = ['transport', 'rtt', 'loss', 'slow'] as const;

/**
 * `--cluster FILE`: the running nodes it names are the cluster of every cluster case; they share one
 * layout (the name says it), and their network and members are not the bench's to condition.
 */
function benchClusterFile(file: string, p: Parameters<typeof list>[0]): ClusterFile {
  const c = readClusterFile(path.resolve(file), layoutNames());
  const layouts = [...new Set(c.nodes.map((n) => n.layout))];
  if (layouts.length > 1) throw new UserError(`bench: the nodes of ${file} run layouts ${layouts.join(', ')}; bench --cluster needs one layout (it names the results)`);
  const layout = list(p, 'layout');
  if (layout && (layout.length > 1 || layout[0] !== layouts[0])) throw new UserError(`bench: --layout ${layout.join(',')} but the nodes of ${file} run ${layouts[0]}`);
  for (const k of ['rtt', 'loss', 'slow'] as const) if (list(p, k)) throw new UserError(`bench: --${k} with --cluster; the cluster's network and members are what they are`);
  if (list(p, 'transport')?.some((t) => t !== 'tcp')) throw new UserError('bench: --cluster nodes are processes; --transport can only be tcp');
  return c;
}

function hasAxes(p: Parameters<typeof list>[0]): boolean {
  return ['batch', 'batchwait', 'rate', 'arrival', ...CLUSTER_AXES].some((k) => list(p, k) !== undefined);
}

/** `--transport`, `--rtt`, `--loss`, `--slow` as plan axes; the families' typed params check the values. */
function clusterAxes(p: Parameters<typeof list>[0]): Record<string, string[]> {
  const axes: Record<string, string[]> = {};
  for (const k of CLUSTER_AXES) {
    const v = list(p, k);
    if (v) axes[k] = [...v];
  }
  if (axes.transport?.includes('etcd')) {
    const layouts = list(p, 'layout');
    if (!layouts || layouts.some((l) => l !== 'wal')) throw new UserError('bench: --transport etcd runs etcd\'s own storage (a WAL and bbolt); give --layout wal, the closest layout, and only it');
    for (const k of ['rtt', 'loss', 'slow'] as const) if (axes[k]?.some((v) => v !== '0')) throw new UserError(`bench: --${k} is emulated inside raftbench nodes; it cannot be set with --transport etcd`);
  }
  return axes;
}

function stamp(d: Date): string {
  const z = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${z(d.getMonth() + 1)}${z(d.getDate())}-${z(d.getHours())}${z(d.getMinutes())}${z(d.getSeconds())}`;
}

/**
 * mkdir -p, one level at a time: a recursive mkdirSync reports ENOENT where a parent could not be made
 * on a read-only file system; made level by level, the error is the real one (EROFS, EACCES, ENOSPC).
 */
function makeDir(dir: string, flag: string): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = path.dirname(d)) {
    missing.unshift(d);
    if (path.dirname(d) === d) break;
  }
  try {
    for (const d of missing) {
      try {
        mkdirSync(d);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`bench: ${flag} ${dir}: ${code ? `${code}: ` : ''}cannot create directory: ${errorLine(err).replace(/, mkdir .*$/, '')}`);
  }
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}

function trySave(dir: string, results: ResultsFile): void {
  try {
    saveResults(dir, results);
  } catch {
    // the disk refused even the results file (ENOSPC): the last saved copy stands
  }
}

/** Disk errors a user can fix become one line (exit 2); the results file says the run is incomplete. */
function asUserError(err: unknown, outDir: string): unknown {
  const found = userErrnoCause(err);
  if (found !== null) return new UserError(`bench stopped: ${found.code}: ${errorLine(found.error)}; finished runs kept in ${outDir} (marked incomplete)`);
  return err;
}
