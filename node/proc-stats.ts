import { readdirSync, readFileSync } from 'node:fs';

/**
 * Bytes a process (this one by default; all its threads, RocksDB's background flushes and compactions
 * included) caused to be sent to the block layer, from /proc/<pid>/io `write_bytes`. Null where the file
 * does not exist or the kernel hides it.
 */
export function processWriteBytes(pid: number | 'self' = 'self'): number | null {
  try {
    const m = /^write_bytes:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** What a process's threads did with the CPU, from /proc (cumulative since each thread started). */
export interface ProcCpu {
  /** Nanoseconds on a CPU, summed over threads (schedstat field 1). On a VM this includes the exits a thread's instructions cause (a device kick, a page fault), which the host serves while the guest sees the thread running. */
  readonly cpuNs: number;
  /** Nanoseconds runnable but not running, summed over threads (schedstat field 2): see `schedWaitNs`. */
  readonly waitNs: number;
  /** Minor page faults of the whole process (/proc/<pid>/stat field 10): first touches of new memory, each a trap into the kernel, and on some VMs out to the host. Null where unreadable. */
  readonly minorFaults: number | null;
}

/**
 * One read of a process's CPU time, run-queue wait and minor page faults (this process by default). Threads
 * that exited between two reads drop out of the time sums, so a delta may read slightly low (never high).
 * Null where the kernel has no schedstat.
 */
export function procCpu(pid: number | 'self' = 'self'): ProcCpu | null {
  try {
    let cpuNs = 0;
    let waitNs = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const f = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ');
        cpuNs += Number(f[0]);
        waitNs += Number(f[1]);
      } catch {
        // the thread exited meanwhile
      }
    }
    if (!Number.isFinite(cpuNs) || !Number.isFinite(waitNs)) return null;
    return { cpuNs, waitNs, minorFaults: minorFaults(pid) };
  } catch {
    return null;
  }
}

/** Minor faults from /proc/<pid>/stat, or null. */
export function minorFaults(pid: number | 'self' = 'self'): number | null {
  try {
    return parseStatMinorFaults(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Field 10 (minflt) of a /proc/<pid>/stat line. The command name (field 2) is in parentheses and may hold
 * spaces and parentheses itself, so fields are counted after its last `)`. Null when the line is not one.
 */
export function parseStatMinorFaults(line: string): number | null {
  const close = line.lastIndexOf(')');
  if (close < 0) return null;
  // After ")": state(3) ppid(4) pgrp(5) session(6) tty_nr(7) tpgid(8) flags(9) minflt(10)
  const n = Number(line.slice(close + 1).trim().split(/\s+/)[7]);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/**
 * Nanoseconds a process's threads (this one's by default) spent runnable but not running (woken, waiting
 * for a CPU), summed over threads: the second field of /proc/<pid>/task/<tid>/schedstat. On a VM whose idle vCPUs the host
 * deschedules, a wake-up waits here before the thread runs; a write that crosses processes (a cluster on
 * one host) pays it at every hop. Threads that exited between two reads drop out of the sum, so a delta
 * may read slightly low (never high). Null where the kernel has no schedstat.
 */
export function schedWaitNs(pid: number | 'self' = 'self'): number | null {
  return procCpu(pid)?.waitNs ?? null;
}
