import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { bool, flagHelp, int, list, parseFlags, str, type FlagSpecs, type ParsedArgs } from '../args.ts';
import type { Command } from '../command.ts';
import { parseSizes } from '../../analysis/sizes.ts';
import { invalidChoice, UserError } from '../../errors/user-error.ts';
import { AbInterrupted, runAb } from '../../harness/ab/ab.ts';
import { decide, type GateInput, type GateOptions } from '../../analysis/gate/decide.ts';
import { gateInputFromResults, loadGateInput } from '../../harness/results/load-gate-input.ts';
import { DEFAULT_METRICS, parseMetrics } from '../../analysis/gate/metrics.ts';
import type { GateResult } from '../../analysis/gate/model.ts';
import { renderGateJson } from '../../reports/gate/render-json.ts';
import { renderGateMarkdown } from '../../reports/gate/render-markdown.ts';
import { renderGateText } from '../../reports/gate/render-text.ts';
import { DEFAULT_THRESHOLD, parseThreshold, readThresholdConfig, type Thresholds } from '../../analysis/gate/thresholds.ts';
import { makePlan } from '../../harness/runner/plan.ts';

const FORMATS = ['text', 'markdown', 'json'] as const;
type Format = (typeof FORMATS)[number];
const INSTALLS = ['npm', 'link'] as const;
const DEFAULT_RUNS = 10;

const FLAGS: FlagSpecs = {
  baseline: { type: 'string', help: 'baseline: a results dir, results.json or Go benchmark text' },
  current: { type: 'string', help: 'current run: a results dir, results.json or Go benchmark text' },
  threshold: { type: 'string', help: 'smallest change that counts, e.g. 5% (default 5%; --config rules take precedence)' },
  alpha: { type: 'string', help: 'family-wise significance level after Holm correction (default 0.05)' },
  metric: { type: 'string', help: 'metrics to gate, comma-separated: ns/op (default), p50-ns, p99-ns, p999-ns, MB/s, ...' },
  config: { type: 'string', help: 'JSON thresholds per benchmark glob: {"thresholds":[{"match":"G*","threshold":"10%"}],"default":"5%"}' },
  format: { type: 'string', help: 'text (default), markdown (for $GITHUB_STEP_SUMMARY) or json' },
  'allow-env-mismatch': { type: 'boolean', help: 'gate even when CPU, filesystem, engine versions or node major differ' },
  'allow-incomplete': { type: 'boolean', help: 'gate an incomplete (interrupted or killed) run on its finished runs; without it, bad input (exit 2)' },
  ab: { type: 'string', help: 'A/B mode: baseline = this git ref, run in a worktree alternately with the working tree' },
  suite: { type: 'string', help: 'A/B: suite to run (default quick)' },
  scenario: { type: 'string', help: 'A/B: only these families' },
  layout: { type: 'string', help: 'A/B: only these layouts' },
  sizes: { type: 'string', help: 'A/B: value sizes, e.g. 1k,16k' },
  ops: { type: 'string', help: 'A/B: timed ops per run (default: sized from the warm-up)' },
  binding: { type: 'string', help: 'A/B: RocksDB binding passed to bench' },
  runs: { type: 'string', help: `A/B: replicates per side, one process each (default ${DEFAULT_RUNS})` },
  out: { type: 'string', help: 'A/B: where the merged baseline/ and current/ results go (default results/gate-ab-<time>)' },
  dir: { type: 'string', help: 'A/B: data directory for the engines, shared by both sides (default results/.data)' },
  install: { type: 'string', help: 'A/B: npm (npm install --prefer-offline in the worktree, default) or link (reuse node_modules; same lock file only)' },
  'baseline-env': { type: 'string', multiple: true, help: 'A/B: KEY=VALUE set for baseline processes only (repeatable)' },
  'candidate-env': { type: 'string', multiple: true, help: 'A/B: KEY=VALUE set for candidate processes only (repeatable)' },
  'candidate-cli': { type: 'string', help: 'A/B: run candidate replicates through this entry script instead of cli/main.ts (to test the gate: test/helpers/slow-sync-cli.ts)' },
  quiet: { type: 'boolean', help: 'A/B: no progress lines on stderr' },
  help: { type: 'boolean', short: 'h', help: 'this help' },
};

const USAGE = 'gate --baseline B --current C [--threshold 5%] [--alpha 0.05] [--metric ns/op,p99-ns] [--config FILE] [--format text|markdown|json] [--allow-env-mismatch] [--allow-incomplete]\n'
  + '       raftbench gate --ab REF [--suite S] [--scenario F] [--layout L] [--sizes 1k] [--runs N] [--ops N] [same decision flags]';

const AB_ONLY = ['suite', 'scenario', 'layout', 'sizes', 'ops', 'binding', 'runs', 'out', 'dir', 'install', 'baseline-env', 'candidate-env', 'candidate-cli', 'quiet'];

export const command: Command = {
  name: 'gate',
  summary: 'regression gate for CI: baseline vs current, or A/B against a git ref; exit 1 on a regression',
  usage: USAGE,
  async run(args) {
    const p = parseFlags('gate', args, FLAGS);
    if (bool(p, 'help')) {
      process.stdout.write(`usage: raftbench ${USAGE}\n\n${flagHelp(FLAGS)}\n\nexit: 0 pass (inconclusive passes, listed), 1 regression, 2 bad input\n`
        + 'An incomplete baseline or current run (interrupted, killed) is bad input unless --allow-incomplete: what it\ndid not run cannot regress, so it would pass.\n');
      return 0;
    }
    if (p.positionals.length > 0) throw new UserError(`gate: unexpected argument "${p.positionals[0]}"; use --baseline B --current C or --ab REF`);
    const format = (str(p, 'format') ?? 'text') as Format;
    if (!FORMATS.includes(format)) throw new UserError(`gate: unknown --format "${format}"; valid: ${FORMATS.join(', ')}`);
    const opts = await decisionOptions(p);

    const ref = str(p, 'ab');
    let result: GateResult;
    if (ref === undefined) {
      const extra = AB_ONLY.filter((f) => p.flags[f] !== undefined);
      if (extra.length > 0) throw new UserError(`gate: --${extra[0]} is for A/B mode only (with --ab REF)`);
      const b = str(p, 'baseline');
      const c = str(p, 'current');
      if (b === undefined) throw new UserError('gate: --baseline is required (a results dir, results.json or Go benchmark text), or --ab REF for A/B mode');
      if (c === undefined) throw new UserError('gate: --current is required (a results dir, results.json or Go benchmark text)');
      const [bi, ci] = [await loadGateInput(b), await loadGateInput(c)];
      if (!bool(p, 'allow-incomplete')) {
        for (const [flag, input] of [['--baseline', bi], ['--current', ci]] as const) {
          if (input.incomplete !== undefined) {
            throw new UserError(`gate: ${flag} ${input.label} is an incomplete run (${input.incomplete}); what it did not run cannot fail the gate. Run it again, or pass --allow-incomplete to gate its finished runs`);
          }
        }
      }
      result = decideOrFail(bi, ci, opts);
    } else {
      if (str(p, 'baseline') !== undefined || str(p, 'current') !== undefined) throw new UserError('gate: --ab builds both sides itself; leave out --baseline and --current');
      const r = await runAbMode(p, ref, opts);
      if (r === null) return 130;
      result = r;
    }
    process.stdout.write(format === 'json' ? renderGateJson(result) : format === 'markdown' ? renderGateMarkdown(result) : renderGateText(result));
    return result.exitCode;
  },
};

async function decisionOptions(p: ParsedArgs): Promise<GateOptions> {
  const tFlag = str(p, 'threshold');
  let threshold: number | undefined;
  if (tFlag !== undefined) {
    threshold = parseThreshold(tFlag);
    if (threshold === undefined) throw new UserError(`gate: --threshold "${tFlag}" is not a percentage like 5% (0% to 1000%)`);
  }
  const aFlag = str(p, 'alpha');
  const alpha = aFlag === undefined ? 0.05 : Number(aFlag);
  if (aFlag !== undefined && (aFlag.trim() === '' || !(alpha > 0 && alpha < 1))) throw new UserError(`gate: --alpha "${aFlag}" is not a number between 0 and 1 (e.g. 0.05)`);
  const metrics = parseMetrics(list(p, 'metric') ?? [...DEFAULT_METRICS]);
  const cfg = str(p, 'config');
  // --threshold replaces the config's default; the config's per-benchmark rules still apply first.
  let thresholds: Thresholds = { rules: [], fallback: threshold ?? DEFAULT_THRESHOLD };
  if (cfg !== undefined) {
    const t = await readThresholdConfig(cfg, threshold ?? DEFAULT_THRESHOLD);
    thresholds = threshold === undefined ? t : { rules: t.rules, fallback: threshold };
  }
  return { metrics, alpha, thresholds, allowEnvMismatch: bool(p, 'allow-env-mismatch') };
}

function decideOrFail(b: GateInput, c: GateInput, opts: GateOptions): GateResult {
  const r = decide(b, c, opts);
  if (r.m === 0) {
    throw new UserError(`gate: nothing to compare: no benchmark with metric ${opts.metrics.join(', ')} is in both ${b.label} and ${c.label}`);
  }
  return r;
}

async function runAbMode(p: ParsedArgs, ref: string, opts: GateOptions): Promise<GateResult | null> {
  const benchArgs: string[] = [];
  const suite = str(p, 'suite') ?? 'quick';
  const sizes = list(p, 'sizes');
  const runs = int(p, 'gate', 'runs') ?? DEFAULT_RUNS;
  const ops = int(p, 'gate', 'ops');
  // Check the selection here, so a typo fails in a second, not after the worktree is installed.
  makePlan({
    suite,
    ...(list(p, 'scenario') ? { scenarios: list(p, 'scenario')! } : {}),
    ...(list(p, 'layout') ? { layouts: list(p, 'layout')! } : {}),
    ...(sizes ? { sizes: parseSizes(sizes, 'gate') } : {}),
  });
  benchArgs.push('--suite', suite);
  for (const f of ['scenario', 'layout', 'sizes', 'binding'] as const) {
    const v = str(p, f);
    if (v !== undefined) benchArgs.push(`--${f}`, v);
  }
  if (ops !== undefined) benchArgs.push('--ops', String(ops));
  const install = (str(p, 'install') ?? 'npm') as (typeof INSTALLS)[number];
  if (!INSTALLS.includes(install)) throw invalidChoice('--install', install, INSTALLS);

  let repoRoot: string;
  try {
    repoRoot = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    throw new UserError(`gate: --ab needs a git checkout; ${process.cwd()} is not in one`);
  }
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  const outDir = path.resolve(str(p, 'out') ?? path.join(repoRoot, 'results', `gate-ab-${stamp}`));
  for (const side of ['baseline', 'current']) {
    if (existsSync(path.join(outDir, side, 'results.json'))) {
      throw new UserError(`gate: ${path.join(outDir, side)} already holds results; pass another --out (results, and committed baselines, are never overwritten)`);
    }
  }
  const dataDir = path.resolve(str(p, 'dir') ?? path.join(repoRoot, 'results', '.data'));
  const quiet = bool(p, 'quiet');

  let stopped = false;
  let child: ChildProcess | null = null;
  const onSignal = (sig: NodeJS.Signals) => {
    if (stopped) process.exit(130); // the exit hook still removes the worktree
    stopped = true;
    process.stderr.write(`\ngate: ${sig}: stopping the running replicate, removing the worktree (again to quit at once)\n`);
    if (child?.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGINT');
      } catch {
        // already gone
      }
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const ab = await runAb({
      ref, repoRoot, benchArgs, runs, outDir, dataDir, install,
      baselineEnv: envPairs(p, 'baseline-env'),
      candidateEnv: envPairs(p, 'candidate-env'),
      ...(str(p, 'candidate-cli') !== undefined ? { candidateEntry: candidateEntry(repoRoot, str(p, 'candidate-cli')!) } : {}),
      log: (s) => (quiet ? undefined : process.stderr.write(`${s}\n`)),
      stopped: () => stopped,
      onChild: (c) => {
        child = c;
      },
    });
    const b = gateInputFromResults(ab.baseline, `${ref} (${ab.baselineCommit.slice(0, 12)}): ${ab.baselineDir}`);
    const c = gateInputFromResults(ab.current, `working tree: ${ab.currentDir}`);
    // Same machine and disk by construction; a different engine version is part of the change under test.
    const r = decideOrFail(b, c, { ...opts, checkEngines: false });
    return { ...r, notes: [...ab.notes, ...r.notes] };
  } catch (err) {
    if (err instanceof AbInterrupted || stopped) {
      process.stderr.write('gate: interrupted; worktree removed\n');
      return null;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function envPairs(p: ParsedArgs, flag: string): Record<string, string> {
  const v = p.flags[flag];
  const items = Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
  const out: Record<string, string> = {};
  for (const it of items) {
    const eq = it.indexOf('=');
    if (eq <= 0) throw new UserError(`gate: --${flag} "${it}" is not KEY=VALUE`);
    out[it.slice(0, eq)] = it.slice(eq + 1);
  }
  return out;
}

/** `--candidate-cli`: a script in the working tree, named relative to it. */
function candidateEntry(repoRoot: string, file: string): string {
  const abs = path.resolve(file);
  if (!existsSync(abs)) throw new UserError(`gate: --candidate-cli "${file}": no such file`);
  return path.relative(repoRoot, abs);
}
