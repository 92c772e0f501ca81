import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { bool, flagHelp, int, list, num, parseFlags, str, type FlagSpecs } from '../args.ts';
import type { Command } from '../command.ts';
import { parseSizes } from '../../analysis/sizes.ts';
import { UserError } from '../../errors/user-error.ts';
import { calibrate, DEFAULT_OPS, DEFAULT_SECONDS } from '../../harness/calibrate/calibrate.ts';
import { fsInfo } from '../../engines/fs-info.ts';
import { renderCalibration } from '../../reports/calibrate-text.ts';

/** The bench's default data directory; calibrate measures where the benchmarks will write. */
export const DEFAULT_DATA_DIR = path.join('results', '.data');
const DEFAULT_SIZES = ['1k', '4k', '16k', '64k', '256k', '1m'];

const FLAGS: FlagSpecs = {
  dir: { type: 'string', help: `directory to measure (created if missing; default ./${DEFAULT_DATA_DIR})` },
  sizes: { type: 'string', help: `bytes per write+fdatasync, comma-separated (default ${DEFAULT_SIZES.join(',')})` },
  ops: { type: 'string', help: `timed ops per size at most (default ${DEFAULT_OPS})` },
  seconds: { type: 'string', help: `seconds per size at most (default ${DEFAULT_SECONDS})` },
  json: { type: 'boolean', help: 'print the Calibration object as JSON' },
  help: { type: 'boolean', short: 'h', help: 'this help' },
};

const USAGE = 'calibrate [--dir D] [--sizes 1k,4k,...] [--ops N] [--seconds S] [--json]';

export const command: Command = {
  name: 'calibrate',
  summary: 'raw write+fdatasync latency of the data directory per size (the device limit)',
  usage: USAGE,
  async run(args) {
    const p = parseFlags('calibrate', args, FLAGS);
    if (bool(p, 'help')) {
      process.stdout.write(`usage: raftbench ${USAGE}\n${flagHelp(FLAGS)}\n`);
      return 0;
    }
    if (p.positionals.length > 0) throw new UserError(`calibrate: unexpected argument "${p.positionals[0]}"; usage: ${USAGE}`);
    const sizes = parseSizes(list(p, 'sizes') ?? DEFAULT_SIZES, 'calibrate');
    const ops = int(p, 'calibrate', 'ops') ?? DEFAULT_OPS;
    const seconds = num(p, 'calibrate', 'seconds') ?? DEFAULT_SECONDS;
    if (!(seconds > 0)) throw new UserError(`calibrate: --seconds "${str(p, 'seconds')}" must be > 0`);
    const dir = path.resolve(str(p, 'dir') ?? DEFAULT_DATA_DIR);
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new UserError(`calibrate: cannot create --dir ${dir}: ${e.code ?? e.message}`);
    }
    const json = bool(p, 'json');
    const cal = await calibrate(dir, {
      sizes,
      ops,
      seconds,
      // Progress on stderr, so stdout stays the table or the JSON alone.
      onProgress: json || !process.stderr.isTTY ? undefined : (_pt, i, n) => process.stderr.write(`\rcalibrating ${i + 1}/${n}`),
    });
    if (!json && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    process.stdout.write(json ? JSON.stringify(cal, null, 2) + '\n' : renderCalibration(cal, fsInfo(dir)));
    return 0;
  },
};
