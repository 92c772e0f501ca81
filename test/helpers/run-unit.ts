/**
 * `make unit`: runs the test files in two phases with node:test's `run()` (the Makefile says which file
 * goes where, and why).
 *
 *   node --import tsx test/helpers/run-unit.ts --jobs 2 --first 'F ..' --one-process 'F ..' --serial 'F ..' FILE..
 *
 * 1. Concurrent, `--jobs` files at a time: the `--first` files in the order given (longest first, so the
 *    workers end together; `node --test` would sort every path), then the other FILEs. The
 *    `--one-process` files are left out here and run in one process, test/helpers/one-process.ts, which
 *    takes its place in `--first`.
 * 2. Serial: the `--serial` files one at a time, with the machine to themselves.
 *
 * Both phases always run, so one run reports every failure; the exit code is 1 when any test failed.
 * Output is TAP (on a terminal, node's spec reporter), one document per phase.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { run } from 'node:test';
import { spec, tap } from 'node:test/reporters';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from './cli.ts';

const ONE_PROCESS = 'test/helpers/one-process.ts';

const { values, positionals } = parseArgs({
  options: {
    jobs: { type: 'string', default: '2' },
    first: { type: 'string', default: '' },
    'one-process': { type: 'string', default: '' },
    serial: { type: 'string', default: '' },
  },
  allowPositionals: true,
});
const words = (s: string) => s.split(/\s+/).filter((w) => w !== '');
const jobs = Number(values.jobs);
const first = words(values.first);
const oneProcess = words(values['one-process']);
const serial = words(values.serial);

const problems: string[] = [];
if (!Number.isInteger(jobs) || jobs < 1) problems.push(`--jobs "${values.jobs}" is not an integer >= 1`);
for (const [flag, list] of [['--first', first], ['--one-process', oneProcess], ['--serial', serial]] as const) {
  for (const f of list) {
    if (!existsSync(path.join(REPO_ROOT, f))) problems.push(`${flag} names ${f}, which does not exist`);
    else if (f !== ONE_PROCESS && !positionals.includes(f)) problems.push(`${flag} names ${f}, which is not among the test files given`);
  }
}
for (const f of serial) if (first.includes(f) || oneProcess.includes(f)) problems.push(`${f} is listed as serial and as concurrent`);
for (const f of first) if (oneProcess.includes(f)) problems.push(`${f} is listed in --first and in --one-process`);
if (problems.length > 0) {
  for (const p of problems) process.stderr.write(`run-unit: ${p}\n`);
  process.exit(2);
}

const rest = positionals.filter((f) => !first.includes(f) && !oneProcess.includes(f) && !serial.includes(f));
const concurrent = [...first.filter((f) => f !== ONE_PROCESS || oneProcess.length > 0), ...rest];
if (oneProcess.length > 0 && !concurrent.includes(ONE_PROCESS)) concurrent.unshift(ONE_PROCESS);
// Read by test/helpers/one-process.ts in the process run() starts for it.
process.env['RAFTBENCH_ONE_PROCESS_TESTS'] = oneProcess.join(' ');

async function phase(files: readonly string[], concurrency: number): Promise<void> {
  if (files.length === 0) return;
  const stream = run({ files: files.map((f) => path.resolve(REPO_ROOT, f)), concurrency });
  stream.on('test:fail', () => {
    process.exitCode = 1;
  });
  const out = process.stdout.isTTY ? stream.compose(new spec()) : stream.compose(tap);
  for await (const chunk of out) process.stdout.write(chunk);
}

await phase(concurrent, jobs);
await phase(serial, 1);
