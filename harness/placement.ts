/**
 * Where on the CPUs a durable write completes. A thread blocked in fdatasync is woken by the disk's
 * completion interrupt; when that interrupt lands on another CPU, waking the thread takes an
 * inter-processor interrupt, and on a VM whose idle vCPUs the host deschedules, a host scheduling delay.
 * On the 2-vCPU VM this project is measured on (virtio-blk, every request interrupt on CPU 1), a 1 KiB
 * write+fdatasync pinned to CPU 1 read 272-378 µs p50 and pinned to CPU 0 read 521-662 µs, for Node and
 * fio alike; unpinned, 186-490 µs from run to run, wherever the scheduler left the thread.
 *
 * So tools compared against each other must run where the interrupts land, or the comparison measures
 * their placement. `diskIrqCpus` finds those CPUs from /sys and /proc/interrupts; `pinArgs` and
 * `pinProcess` pin a child or this process there (`taskset`, util-linux).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, realpathSync } from 'node:fs';
import { cpus } from 'node:os';
import { blockDeviceOf } from './counters/diskstats.ts';

export interface DiskIrqs {
  /** The whole disk, e.g. `vda`. */
  readonly disk: string;
  /** The disk's interrupt lines that fired, with how often on each CPU. */
  readonly irqs: ReadonlyArray<{ readonly irq: number; readonly name: string; readonly perCpu: readonly number[] }>;
  /** CPUs that took at least a tenth of the disk's interrupts, busiest first. */
  readonly cpus: readonly number[];
}

/** Per-CPU counts of numbered interrupt lines in `/proc/interrupts` text, with each line's name. */
export function parseInterrupts(text: string): Map<number, { perCpu: number[]; name: string }> {
  const lines = text.split('\n');
  const ncpu = (lines[0] ?? '').trim().split(/\s+/).filter((c) => /^CPU\d+$/.test(c)).length;
  const out = new Map<number, { perCpu: number[]; name: string }>();
  for (const line of lines.slice(1)) {
    const m = /^\s*(\d+):\s+(.*)$/.exec(line);
    if (!m) continue;
    const f = m[2]!.trim().split(/\s+/);
    const perCpu = f.slice(0, ncpu).map(Number);
    if (perCpu.length !== ncpu || perCpu.some((n) => !Number.isFinite(n))) continue;
    out.set(Number(m[1]), { perCpu, name: f[f.length - 1] ?? '' });
  }
  return out;
}

/**
 * The CPUs that take the completion interrupts of the disk holding `dir`, or null when that cannot be
 * told (not a block device, no MSI interrupts listed in /sys, or no interrupt fired yet).
 */
export function diskIrqCpus(dir: string, interruptsText?: string): DiskIrqs | null {
  const dev = blockDeviceOf(dir);
  if (!dev) return null;
  let irqNumbers: number[];
  try {
    // virtio: /sys/block/vda/device is the virtio device under its PCI function; NVMe/SCSI: the PCI
    // function is further up. Take the first msi_irqs on the way up.
    let at = realpathSync(`/sys/block/${dev.disk}/device`);
    irqNumbers = [];
    for (let i = 0; i < 4 && irqNumbers.length === 0; i++, at = `${at}/..`) {
      try {
        irqNumbers = readdirSync(`${at}/msi_irqs`).map(Number).filter(Number.isInteger);
      } catch {
        // not here; one level up
      }
    }
  } catch {
    return null;
  }
  if (irqNumbers.length === 0) return null;
  let table: Map<number, { perCpu: number[]; name: string }>;
  try {
    table = parseInterrupts(interruptsText ?? readFileSync('/proc/interrupts', 'utf8'));
  } catch {
    return null;
  }
  const irqs = irqNumbers
    .map((irq) => ({ irq, ...table.get(irq)! }))
    .filter((x) => x.perCpu !== undefined && !/config/i.test(x.name) && x.perCpu.some((n) => n > 0));
  if (irqs.length === 0) return null;
  const total = irqs[0]!.perCpu.map((_, c) => irqs.reduce((s, x) => s + (x.perCpu[c] ?? 0), 0));
  const all = total.reduce((a, b) => a + b, 0);
  const busy = total
    .map((n, cpu) => ({ n, cpu }))
    .filter((x) => x.n >= all / 10)
    .sort((a, b) => b.n - a.n)
    .map((x) => x.cpu);
  return { disk: dev.disk, irqs: irqs.map(({ irq, name, perCpu }) => ({ irq, name, perCpu })), cpus: busy };
}

/**
 * The CPU to pin a measurement to for `dir`'s disk: the busiest CPU of its interrupts, when they land on
 * fewer CPUs than the machine has (with one queue per CPU, as NVMe has, placement does not matter and
 * this is null).
 */
export function irqCpuFor(dir: string): number | null {
  const d = diskIrqCpus(dir);
  if (!d || d.cpus.length === 0 || d.cpus.length >= cpus().length) return null;
  return d.cpus[0]!;
}

/** `cmd args` run pinned to `cpu` (through taskset), or as given when `cpu` is null. */
export function pinArgs(cpu: number | null, cmd: string, args: readonly string[]): [string, string[]] {
  return cpu === null ? [cmd, [...args]] : ['taskset', ['-c', String(cpu), cmd, ...args]];
}

/**
 * Pins every thread of this process to `cpu` (`taskset -a -p`); threads started later inherit it from
 * the thread that starts them. Throws with taskset's message when it fails.
 */
export function pinProcess(cpu: number): void {
  execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(process.pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** The CPUs this process may run on now (`Cpus_allowed_list` of /proc/self/status), e.g. `1` or `0-1`. */
export function allowedCpus(): string | null {
  try {
    return /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? null;
  } catch {
    return null;
  }
}
