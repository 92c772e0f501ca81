import type { Command } from '../command.ts';
import { bool, parseFlags } from '../args.ts';
import { UserError } from '../../errors/user-error.ts';
import { FAMILIES, SUITES } from '../../scenarios/index.ts';
import { LAYOUTS } from '../../engines/layouts/index.ts';
import { formatSize } from '../../analysis/sizes.ts';

export const command: Command = {
  name: 'list',
  summary: 'list suites, scenarios and layouts',
  usage: 'list',
  async run(args) {
    const p = parseFlags('list', args, { help: { type: 'boolean', short: 'h', help: 'this help' } });
    if (bool(p, 'help')) {
      process.stdout.write('usage: raftbench list\n\nlists suites, scenarios and layouts, one line each; takes no flags\n');
      return 0;
    }
    if (p.positionals.length > 0) throw new UserError(`list: unexpected argument "${p.positionals[0]}"`);
    const out: string[] = ['suites:'];
    for (const s of SUITES) {
      const sizes = [...new Set(s.entries.flatMap((e) => e.sizes))].map(formatSize).join(',');
      out.push(`  ${s.name.padEnd(12)} ${s.summary} [count ${s.count}; sizes ${sizes}]`);
    }
    out.push('', 'scenarios:');
    for (const f of FAMILIES) out.push(`  ${f.name.padEnd(12)} ${f.summary}`);
    out.push('', 'layouts:');
    for (const l of LAYOUTS) out.push(`  ${l.name.padEnd(12)} ${l.summary}`);
    process.stdout.write(out.join('\n') + '\n');
    return 0;
  },
};
