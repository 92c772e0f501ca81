import type { Command } from '../command.ts';
import { bool, flagHelp, num, parseFlags, str, type FlagSpecs } from '../args.ts';
import { invalidChoice, UserError } from '../../errors/user-error.ts';
import { buildComparison, buildComparisonAlong, type Comparison } from '../../analysis/compare/index.ts';
import { warningLine } from '../../analysis/warning.ts';
import { loadBenchInput } from '../../harness/results/read.ts';
import { renderBenchstatText } from '../../reports/benchstat-text.ts';
import { renderBenchstatMarkdown } from '../../reports/benchstat-markdown.ts';
import { renderBenchstatJson } from '../../reports/benchstat-json.ts';

const FLAGS: FlagSpecs = {
  style: { type: 'string', help: 'rfc (default: old benchstat, mean ± range) or ci (current benchstat, median ± CI)' },
  format: { type: 'string', help: 'text (default), markdown or json' },
  alpha: { type: 'string', help: 'significance level for the U test (default 0.05)' },
  geomean: { type: 'boolean', help: 'add a geometric-mean row (rfc style; ci always has one)' },
  col: { type: 'string', help: 'compare along a name key within the inputs, e.g. layout (shared vs dedicated)' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

const USAGE = 'compare OLD NEW [--style rfc|ci] [--format text|markdown|json] [--alpha A] [--geomean] | compare RESULTS --col KEY';
const STYLES = ['rfc', 'ci'] as const;
const FORMATS = ['text', 'markdown', 'json'] as const;

export const command: Command = {
  name: 'compare',
  summary: 'benchstat statistics: OLD vs NEW (results dir, results.json or Go benchmark text), or along a key',
  usage: USAGE,
  async run(args) {
    const p = parseFlags('compare', args, FLAGS);
    if (bool(p, 'help')) {
      process.stdout.write(`usage: raftbench ${USAGE}\n\n${flagHelp(FLAGS)}\n`);
      return 0;
    }
    const style = str(p, 'style') ?? 'rfc';
    if (!(STYLES as readonly string[]).includes(style)) throw invalidChoice('style', style, STYLES);
    const format = str(p, 'format') ?? 'text';
    if (!(FORMATS as readonly string[]).includes(format)) throw invalidChoice('format', format, FORMATS);
    const alpha = num(p, 'compare', 'alpha') ?? 0.05;
    if (!(alpha > 0 && alpha < 1)) throw new UserError(`compare: --alpha "${str(p, 'alpha')}" must be between 0 and 1`);
    const col = str(p, 'col');
    const paths = p.positionals;
    if (col === undefined && paths.length !== 2) {
      throw new UserError(`compare: needs OLD and NEW (got ${paths.length} input${paths.length === 1 ? '' : 's'}); or one input with --col KEY`);
    }
    if (col !== undefined && paths.length < 1) throw new UserError('compare: --col needs at least one input');
    if (col !== undefined && col.trim() === '') throw new UserError('compare: --col needs a key, e.g. --col layout');

    const sets = [];
    for (const path of paths) sets.push(await loadBenchInput(path));
    const opts = { style: style as 'rfc' | 'ci', alpha, geomean: bool(p, 'geomean') };
    const key = col?.replace(/^\//, '');
    const cmp = key === undefined ? buildComparison(sets, opts) : buildComparisonAlong(sets, key, opts);
    if (key !== undefined && cmp.columns.length < 2) {
      throw new UserError(`compare: --col ${key}: found ${cmp.columns.length === 0 ? 'no' : 'only one'} value of "${key}" in the benchmark names; need two or more`);
    }
    if (cmp.tables.length === 0) throw new UserError('compare: no benchmark results to compare');

    process.stdout.write(render(cmp, format));
    for (const w of [...sets.flatMap((x) => x.runWarnings ?? []), ...cmp.warnings]) process.stderr.write(`raftbench: warning: ${warningLine(w)}\n`);
    reportMissing(cmp);
    return 0;
  },
};

function render(cmp: Comparison, format: string): string {
  if (format === 'json') return renderBenchstatJson(cmp);
  if (format === 'markdown') return renderBenchstatMarkdown(cmp);
  return renderBenchstatText(cmp);
}

/** Benchmarks without a counterpart: old benchstat leaves them out of its table, so say so on stderr. */
function reportMissing(cmp: Comparison): void {
  const names = new Map<string, string[]>();
  for (const m of cmp.missing) {
    const k = `${m.name} (only in ${m.presentIn.join(', ')})`;
    if (!names.has(k)) names.set(k, []);
  }
  if (names.size === 0) return;
  const list = [...names.keys()];
  const shown = list.slice(0, 5).join('; ');
  process.stderr.write(`raftbench: note: ${list.length} benchmark${list.length === 1 ? '' : 's'} without a counterpart: ${shown}${list.length > 5 ? '; ...' : ''}\n`);
}
