import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Command } from '../command.ts';
import { bool, int, list, parseFlags, str, flagHelp, type FlagSpecs } from '../args.ts';
import { errorLine, invalidChoice, UserError, userErrno } from '../../errors/user-error.ts';
import { parseSizes, formatSize } from '../../analysis/sizes.ts';
import { BINDINGS, type Binding } from '../../engines/layouts/index.ts';
import { DEFAULT_BUDGET } from '../../engines/memory-budget.ts';
import { makePlan } from '../../harness/runner/plan.ts';
import { runPlan } from '../../harness/runner/run-plan.ts';
import { measureOverhead } from '../../harness/runner/overhead.ts';
import { placementWarnings } from '../../harness/runner/placement-warnings.ts';
import { lockDataDir } from '../../harness/runner/lock.ts';
import { ProgressLine } from '../../harness/runner/progress.ts';
import { captureEnvironment } from '../../harness/environment.ts';
import { calibrate } from '../../harness/calibrate/calibrate.ts';
import { nonDurableReason } from '../../harness/calibrate/calibrate.ts';
import { MEMORY_FILESYSTEMS } from '../../engines/fs-info.ts';
import { pointLatest, saveResults } from '../../harness/results/write.ts';
import { RESULTS_SCHEMA, RESULTS_VERSION, type ResultsFile } from '../../analysis/results-schema.ts';
import { runSummaryText } from '../../harness/runner/run-summary.ts';

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
  binding: { type: 'string', help: `RocksDB binding: ${BINDINGS.join(' or ')} (default rocksdb; shared-cf is always rocksdb9)` },
  'no-calibrate': { type: 'boolean', help: 'skip the fdatasync calibration of the data directory' },
  'no-report': { type: 'boolean', help: 'do not write report.html' },
  quiet: { type: 'boolean', help: 'print only the results path' },
  help: { type: 'boolean', short: 'h', help: 'this help' },
};

const USAGE = 'bench [--suite S] [--scenario F,..] [--layout L,..] [--sizes 1k,16k,..] [--count N] [--ops N] [--out DIR] [--dir DATA] [--raft-dir DIR]';

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
    const binding = (str(p, 'binding') ?? 'rocksdb') as Binding;
    if (!BINDINGS.includes(binding)) throw invalidChoice('binding', binding, BINDINGS);
    const sizesFlag = list(p, 'sizes');
    const plan = makePlan({
      suite: str(p, 'suite') ?? 'quick',
      ...(list(p, 'scenario') ? { scenarios: list(p, 'scenario')! } : {}),
      ...(list(p, 'layout') ? { layouts: list(p, 'layout')! } : {}),
      ...(sizesFlag ? { sizes: parseSizes(sizesFlag, 'bench') } : {}),
      ...(int(p, 'bench', 'count') ? { count: int(p, 'bench', 'count')! } : {}),
      ...(int(p, 'bench', 'ops') ? { ops: int(p, 'bench', 'ops')! } : {}),
    });

    const quiet = bool(p, 'quiet');
    const resultsRoot = path.resolve('results');
    const startedAt = new Date();
    const runId = `${stamp(startedAt)}-${plan.suite.name}`;
    const outDir = path.resolve(str(p, 'out') ?? path.join(resultsRoot, runId));
    const dataRoot = path.resolve(str(p, 'dir') ?? path.join(resultsRoot, '.data'));
    const raftRoot = str(p, 'raft-dir') ? path.resolve(str(p, 'raft-dir')!) : null;

    if (existsSync(path.join(outDir, 'results.json'))) {
      throw new UserError(`bench: ${outDir} already holds results; pass another --out (results are never overwritten)`);
    }
    makeDir(outDir, '--out');
    makeDir(dataRoot, '--dir');
    if (raftRoot) makeDir(raftRoot, '--raft-dir');
    const unlock = lockDataDir(dataRoot);
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
      },
      environment: captureEnvironment(dataRoot),
      warnings: [],
      benchmarks: [],
    };
    for (const [dir, flag] of [[dataRoot, '--dir'], [raftRoot, '--raft-dir']] as const) {
      if (!dir) continue;
      const fs = flag === '--dir' ? results.environment.dataDirFs.type : captureEnvironment(dir).dataDirFs.type;
      if (MEMORY_FILESYSTEMS.has(fs)) results.warnings.push(`${flag} ${dir} is on ${fs}: not durable; synced writes there cost no device time`);
    }
    results.warnings.push(...placementWarnings(plan));
    const load = results.environment.loadAverage[0] ?? 0;
    if (load > results.environment.cpuCount * 0.5) results.warnings.push(`machine busy at start: load average ${load} on ${results.environment.cpuCount} CPUs; expect noise`);

    let stopReason: string | null = null;
    const onSignal = (sig: NodeJS.Signals) => {
      if (stopReason) process.exit(130); // second signal: results so far are already on disk
      stopReason = `interrupted by ${sig}`;
      say(`\n${sig}: stopping after the current op; finished runs are kept (again to quit at once)`);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);

    try {
      saveResults(outDir, results);
      if (!bool(p, 'no-calibrate') && sizes.length > 0) {
        say(`calibrating write+fdatasync of ${dataRoot} at ${sizes.map(formatSize).join(', ')}`);
        results.calibration = await calibrate(dataRoot, { sizes, seconds: 0.6, ops: 400 });
        const why = nonDurableReason(results.calibration.fsType, results.calibration.points, dataRoot);
        if (why && !results.warnings.some((w) => w.startsWith('--dir'))) results.warnings.push(why);
        saveResults(outDir, results);
      }
      results.harnessOverhead = await measureOverhead({ dir: dataDir, budget: DEFAULT_BUDGET });
      const total = plan.groups.reduce((n, g) => n + g.length, 0);
      say(`running suite ${plan.suite.name}: ${total} cases x ${plan.count} runs, layouts interleaved; results in ${outDir}`);
      const { stopped } = await runPlan({
        plan,
        dataDir,
        raftDir,
        binding,
        budget: DEFAULT_BUDGET,
        ...(deps.wrapEngine ? { wrapEngine: deps.wrapEngine } : {}),
        shouldStop: () => stopReason !== null,
        onProgress: (ev) => (quiet ? undefined : progress.update(ev)),
        onResults: async (benchmarks) => {
          results.benchmarks = [...benchmarks];
          saveResults(outDir, results);
        },
      });
      progress.clear();
      results.complete = !stopped;
      if (stopped) results.incompleteReason = stopReason ?? 'stopped';
      else delete results.incompleteReason;
      if (stopped) results.warnings.push(`incomplete run: ${results.incompleteReason}; only finished runs are included`);
    } catch (err) {
      progress.clear();
      results.complete = false;
      results.incompleteReason = oneLine(err);
      results.warnings.push(`incomplete run: ${results.incompleteReason}`);
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
    saveResults(outDir, results);
    if (outDir.startsWith(resultsRoot + path.sep)) pointLatest(resultsRoot, outDir);
    const extra: string[] = bool(p, 'no-report') ? [] : await (await import('./report.ts')).benchReportLines(outDir, results);
    if (!quiet) process.stdout.write(runSummaryText(results) + '\n');
    process.stdout.write(`results: ${path.join(outDir, 'results.json')}\n         ${path.join(outDir, 'bench.txt')}\n`);
    for (const line of extra) process.stdout.write(`${line}\n`);
    return results.complete ? 0 : 130;
  },
};

function stamp(d: Date): string {
  const z = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${z(d.getMonth() + 1)}${z(d.getDate())}-${z(d.getHours())}${z(d.getMinutes())}${z(d.getSeconds())}`;
}

function makeDir(dir: string, flag: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new UserError(`bench: ${flag} ${dir}: ${oneLine(err)}`);
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
  const code = userErrno(err);
  if (code !== null) return new UserError(`bench stopped: ${code}: ${errorLine(err)}; finished runs kept in ${outDir} (marked incomplete)`);
  return err;
}
