import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Environment } from '../analysis/results-schema.ts';
import { fsInfo } from '../engines/fs-info.ts';
import { allowedCpus, diskIrqCpus } from './placement.ts';

const require = createRequire(import.meta.url);

/** What the run ran on: hardware, kernel, the data directory's filesystem, versions, git commit. */
export function captureEnvironment(dataDir: string): Environment {
  const cpus = os.cpus();
  const fs = fsInfo(dataDir);
  return {
    hostname: os.hostname(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus.length,
    memoryBytes: os.totalmem(),
    kernel: `${os.type()} ${os.release()}`,
    platform: process.platform,
    arch: process.arch,
    node: process.version,
    dataDirFs: { type: fs.type, device: fs.device, mountPoint: fs.mountPoint },
    engines: engineVersions(),
    ...git(),
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    placement: { diskIrqCpus: diskIrqCpus(dataDir)?.cpus ?? null, allowedCpus: allowedCpus() },
  };
}

/** Binding package versions and the library version each one embeds (read from its bundled headers). */
export function engineVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  const ROCKS = { header: 'deps/rocksdb/rocksdb/include/rocksdb/version.h', lib: 'RocksDB', macro: 'ROCKSDB' };
  const entries: Array<[string, { header: string; lib: string; macro: string }]> = [
    ['rocksdb', ROCKS],
    ['@nxtedition/rocksdb', ROCKS],
    ['lmdb', { header: 'dependencies/lmdb/libraries/liblmdb/lmdb.h', lib: 'LMDB', macro: 'MDB_VERSION' }],
  ];
  for (const [pkg, header] of entries) {
    try {
      const pj = packageJsonOf(pkg);
      const version = (JSON.parse(readFileSync(pj, 'utf8')) as { version: string }).version;
      let lib = '';
      try {
        const h = readFileSync(path.join(path.dirname(pj), header.header), 'utf8');
        const v = ['MAJOR', 'MINOR', 'PATCH'].map((k) => new RegExp(`define ${header.macro}_${k}\\s+(\\d+)`).exec(h)?.[1] ?? '?');
        lib = ` (${header.lib} ${v.join('.')})`;
      } catch {
        // the package ships no header: report the package version alone
      }
      out[pkg] = `${version}${lib}`;
    } catch {
      // Not installed or no version header: leave it out rather than guess.
    }
  }
  return out;
}

/** A package's package.json, also for packages whose `exports` hide it (lmdb): walk up from its entry point. */
function packageJsonOf(pkg: string): string {
  let dir = path.dirname(require.resolve(pkg));
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    try {
      if ((JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === pkg) return candidate;
    } catch {
      // no package.json at this level
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json for ${pkg}`);
    dir = up;
  }
}

function git(): { gitCommit: string | null; gitDirty: boolean | null } {
  try {
    const opts = { cwd: process.cwd(), encoding: 'utf8' as const, stdio: ['ignore', 'pipe', 'ignore'] as ['ignore', 'pipe', 'ignore'] };
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], opts).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], opts).trim().length > 0;
    return { gitCommit: commit, gitDirty: dirty };
  } catch {
    return { gitCommit: null, gitDirty: null };
  }
}
