import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { SeededRandom } from '../raft/index.ts';
import type { Binding } from '../engines/layouts/index.ts';
import type { CrashModel } from './crash-layout.ts';
import type { WorkerConfig, WorkerMessage } from './protocol.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const WORKER = path.join(import.meta.dirname, 'worker.ts');

export interface CrashCase {
  readonly layout: string;
  readonly nodes: number;
  readonly model: CrashModel;
  readonly truncationSync: boolean;
}

export interface CrashCheckOptions {
  readonly cases: readonly CrashCase[];
  readonly kills: number;
  readonly seed: number;
  /** Each case gets `<dir>/<case name>` and `<dir>/<case name>.acked`. */
  readonly dir: string;
  readonly binding: Binding;
  readonly clients: number;
  readonly valueBytes: number;
  /** Time under load before each kill: uniform in [min, max] ms, drawn from the seed. */
  readonly loadMs: readonly [number, number];
  /** One line per event (a kill, a check). */
  readonly onProgress?: (line: string) => void;
}

export interface CrashRow extends CrashCase {
  /** Crashes done, and crashes after which the restarted replica passed every check. */
  kills: number;
  survived: number;
  acked: number;
  /** Acknowledged-write checks done over all restarts and nodes. */
  checked: number;
  truncations: number;
  truncationSyncs: number;
  violations: string[];
}

export function caseName(c: CrashCase): string {
  return `${c.layout}-n${c.nodes}-${c.model}-sync-${c.truncationSync ? 'on' : 'off'}`;
}

/** Runs every case in turn; a case stops at its first violation (the data dir is kept for a look). */
export async function runCrashCheck(o: CrashCheckOptions): Promise<CrashRow[]> {
  const rows: CrashRow[] = [];
  for (const [i, c] of o.cases.entries()) rows.push(await runCase(o, c, o.seed * 1000 + i));
  return rows;
}

async function runCase(o: CrashCheckOptions, c: CrashCase, seed: number): Promise<CrashRow> {
  const name = caseName(c);
  const dir = path.join(o.dir, name);
  const ackedFile = `${dir}.acked`;
  await mkdir(dir, { recursive: true });
  const rng = new SeededRandom(seed);
  const row: CrashRow = { ...c, kills: 0, survived: 0, acked: 0, checked: 0, truncations: 0, truncationSyncs: 0, violations: [] };
  const acked: string[] = [];
  for (let round = 0; round <= o.kills; round++) {
    await writeFile(ackedFile, acked.join('\n'));
    const verifyOnly = round === o.kills;
    const cfg: WorkerConfig = {
      layout: c.layout, nodes: c.nodes, dir, binding: o.binding, model: c.model, truncationSync: c.truncationSync,
      round, seed, ackedFile, verifyOnly, clients: o.clients, valueBytes: o.valueBytes,
    };
    const w = startWorker(cfg, acked);
    const v = await Promise.race([w.verified, w.exited.then(() => null)]);
    if (!v) {
      row.violations.push(`restart ${round}: worker died before its check: ${w.failure()}`);
      break;
    }
    row.checked += v.checked;
    if (v.violations.length > 0) {
      row.violations.push(...v.violations.map((s) => `after kill ${round}: ${s}`));
      o.onProgress?.(`${name}: restart ${round}: ${v.violations.length} violation(s): ${v.violations[0]}`);
      await w.kill('SIGKILL');
      break;
    }
    if (round > 0) row.survived++;
    if (verifyOnly) {
      await w.exited;
      break;
    }
    const ready = await Promise.race([w.ready.then(() => true), w.exited.then(() => false)]);
    if (!ready) {
      row.violations.push(`restart ${round}: worker died before the load: ${w.failure()}`);
      break;
    }
    const loadMs = o.loadMs[0] + rng.int(o.loadMs[1] - o.loadMs[0] + 1);
    const early = await Promise.race([sleep(loadMs).then(() => false), w.exited.then(() => true)]);
    if (early) {
      row.violations.push(`restart ${round}: worker died under load: ${w.failure()}`);
      break;
    }
    if (c.model === 'sigkill') await w.kill('SIGKILL');
    else {
      const crashed = await w.powerLoss();
      if (!crashed) {
        row.violations.push(`restart ${round}: power-loss simulation failed: ${w.failure()}`);
        break;
      }
    }
    row.kills++;
    row.truncations += w.stat.truncations;
    row.truncationSyncs += w.stat.truncationSyncs;
    o.onProgress?.(`${name}: kill ${row.kills} after ${loadMs} ms: ${acked.length} writes acknowledged so far, ${row.truncations} truncations`);
  }
  row.acked = acked.length;
  return row;
}

interface Worker {
  readonly verified: Promise<Extract<WorkerMessage, { t: 'verified' }>>;
  readonly ready: Promise<void>;
  readonly exited: Promise<void>;
  readonly stat: { truncations: number; truncationSyncs: number };
  kill(sig: NodeJS.Signals): Promise<void>;
  /** Asks for a simulated power loss; true when the worker confirmed it before dying. */
  powerLoss(): Promise<boolean>;
  /** What went wrong, from its error message or the tail of its stderr. */
  failure(): string;
}

function startWorker(cfg: WorkerConfig, acked: string[]): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(cfg)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let error: string | null = null;
  let crashed = false;
  const stat = { truncations: 0, truncationSyncs: 0 };
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  child.stdin!.on('error', () => {}); // the worker may be gone already
  let onVerified!: (m: Extract<WorkerMessage, { t: 'verified' }>) => void;
  let onReady!: () => void;
  const verified = new Promise<Extract<WorkerMessage, { t: 'verified' }>>((r) => (onVerified = r));
  const ready = new Promise<void>((r) => (onReady = r));
  const exited = new Promise<void>((r) => child.on('close', () => r()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let m: WorkerMessage;
    try {
      m = JSON.parse(line) as WorkerMessage;
    } catch {
      return; // not ours (a library printing to stdout)
    }
    if (m.t === 'ack') acked.push(m.k);
    else if (m.t === 'stat') Object.assign(stat, { truncations: m.truncations, truncationSyncs: m.truncationSyncs });
    else if (m.t === 'verified') onVerified(m);
    else if (m.t === 'ready') onReady();
    else if (m.t === 'crashed') {
      crashed = true;
      stat.truncations = Math.max(stat.truncations, m.truncations);
    } else if (m.t === 'error') error = m.message;
  });
  return {
    verified,
    ready,
    exited,
    stat,
    async kill(sig) {
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
      await exited;
    },
    async powerLoss() {
      child.stdin!.write('crash\n');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), 60_000)))]);
      clearTimeout(timer);
      if (timedOut) {
        error = 'no power loss within 60 s';
        child.kill('SIGKILL');
        await exited;
      }
      return crashed;
    },
    failure() {
      const tail = stderr.trim().split('\n').filter((l) => l.trim().length > 0).slice(-1)[0];
      return error ?? tail ?? `exit ${child.exitCode ?? child.signalCode}`;
    },
  };
}
