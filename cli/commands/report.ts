import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { bool, flagHelp, num, parseFlags, str, type FlagSpecs } from '../args.ts';
import type { Command } from '../command.ts';
import { invalidChoice, UserError } from '../../errors/user-error.ts';
import { buildReportModel, type ReportOptions } from '../../analysis/report/index.ts';
import { readResults } from '../../harness/results/read.ts';
import type { ResultsFile } from '../../analysis/results-schema.ts';
import { writeFileAtomic } from '../../harness/results/write.ts';

const FLAGS: FlagSpecs = {
  out: { type: 'string', short: 'o', help: 'HTML file to write (default <first results dir>/report.html)' },
  style: { type: 'string', help: 'rfc (default: old benchstat, mean ± range) or ci (current benchstat, median ± CI)' },
  alpha: { type: 'string', help: 'significance level of the Mann-Whitney tests (default 0.05)' },
  help: { type: 'boolean', short: 'h', help: 'this help' },
};

const USAGE = 'report RESULTS... [-o FILE] [--style rfc|ci] [--alpha A]';
const STYLES = ['rfc', 'ci'] as const;

/** What `bench` writes its report with, and `report` without flags: the RFC's benchstat at 0.05. */
export const DEFAULT_REPORT_OPTIONS: ReportOptions = { style: 'rfc', alpha: 0.05 };

export const command: Command = {
  name: 'report',
  summary: 'one self-contained HTML report (tables and charts) of one run, or a comparison of several',
  usage: USAGE,
  async run(args) {
    const p = parseFlags('report', args, FLAGS);
    if (bool(p, 'help')) {
      process.stdout.write(`usage: raftbench ${USAGE}\n\nRESULTS: results dirs or results.json files; with two or more, the first is the baseline.\n\n${flagHelp(FLAGS)}\n`);
      return 0;
    }
    if (p.positionals.length === 0) throw new UserError(`report: no results given; usage: ${USAGE}`);
    const style = str(p, 'style') ?? DEFAULT_REPORT_OPTIONS.style;
    if (!(STYLES as readonly string[]).includes(style)) throw new UserError(`report: ${invalidChoice('style', style, STYLES).message}`);
    const alpha = num(p, 'report', 'alpha') ?? DEFAULT_REPORT_OPTIONS.alpha;
    if (!(alpha > 0 && alpha < 1)) throw new UserError(`report: --alpha "${str(p, 'alpha')}" must be between 0 and 1`);
    const inputs: Array<{ label: string; results: ResultsFile }> = [];
    for (const label of p.positionals) inputs.push({ label, results: await readResults(label) });
    const out = path.resolve(str(p, 'out') ?? defaultOutput(p.positionals[0]!));
    checkOutput(out, p.positionals);
    const { problems } = await writeReport(out, inputs, { style: style as ReportOptions['style'], alpha });
    for (const w of problems) process.stderr.write(`report: warning: ${w}\n`);
    process.stdout.write(`${out}\n`);
    return 0;
  },
};

/** `<dir>/report.html` for a results dir, the file's own dir for a results.json. */
function defaultOutput(first: string): string {
  let isDir = false;
  try {
    isDir = statSync(first).isDirectory();
  } catch {
    // readResults already accepted it; treat as a file
  }
  return path.join(isDir ? first : path.dirname(first), 'report.html');
}

/**
 * Builds the report model of `inputs` once (the first is the baseline when there are several), renders
 * it and writes it to `file` atomically. Used by `report` and at the end of `bench`.
 */
export async function writeReport(
  file: string,
  inputs: ReadonlyArray<{ label: string; results: ResultsFile }>,
  options: ReportOptions = DEFAULT_REPORT_OPTIONS,
): Promise<{ file: string; problems: readonly string[] }> {
  if (inputs.length === 0) throw new UserError('report: no results given');
  const { renderReport } = await import('../../reports/html/page.ts');
  const rendered = await renderReport(buildReportModel(inputs, options, new Date().toISOString()));
  try {
    writeFileAtomic(file, rendered.html);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UserError(`report: cannot write ${file}: ${e.code ?? (e.message ?? String(err)).split('\n')[0]}`);
  }
  return { file, problems: rendered.problems };
}

/**
 * What `bench` prints about its report: writes `<outDir>/report.html` and returns `report:  <path>`; a
 * report that cannot be made never costs the run its results, so a failure is returned as `error` (one
 * line) for bench to end with, after it printed where the results are.
 */
export async function benchReportLines(outDir: string, results: ResultsFile): Promise<{ lines: string[]; error: string | null }> {
  const file = path.join(outDir, 'report.html');
  try {
    const { problems } = await writeReport(file, [{ label: outDir, results }], DEFAULT_REPORT_OPTIONS);
    for (const w of problems) process.stderr.write(`report: warning: ${w}\n`);
    return { lines: [`report:  ${file}`], error: null };
  } catch (err) {
    return { lines: [], error: (err instanceof Error ? err.message : String(err)).split('\n')[0]! };
  }
}

/**
 * Where `report -o` may write: never over one of its inputs (a results.json, or a Go text file) and never
 * over a file that is not a raftbench report (someone else's file that happens to have that name).
 */
function checkOutput(out: string, inputs: readonly string[]): void {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  const target = real(out);
  for (const i of inputs) {
    const files = [real(i), real(path.join(i, 'results.json'))];
    if (files.includes(target)) throw new UserError(`report: -o ${out} is the input ${i}; the report would overwrite it (give another -o)`);
  }
  let head: string;
  try {
    if (statSync(out).isDirectory()) throw new UserError(`report: -o ${out} is a directory; give a file name`);
    head = readFileSync(out, 'utf8').slice(0, 4096);
  } catch (err) {
    if (err instanceof UserError) throw err;
    return; // no such file yet (or unreadable: the write will say why)
  }
  if (!/^<!doctype html>/i.test(head) || !/<title>raftbench report/.test(head)) {
    throw new UserError(`report: -o ${out} exists and is not a raftbench report; not overwriting it (give another -o)`);
  }
}
