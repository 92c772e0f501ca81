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

/**
 * Nanoseconds a process's threads (this one's by default) spent runnable but not running (woken, waiting
 * for a CPU), summed over threads: the second field of /proc/<pid>/task/<tid>/schedstat. On a VM whose idle vCPUs the host
 * deschedules, a wake-up waits here before the thread runs; a write that crosses processes (a cluster on
 * one host) pays it at every hop. Threads that exited between two reads drop out of the sum, so a delta
 * may read slightly low (never high). Null where the kernel has no schedstat.
 */
export function schedWaitNs(pid: number | 'self' = 'self'): number | null {
  try {
    let sum = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        sum += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1]);
      } catch {
        // the thread exited meanwhile
      }
    }
    return Number.isFinite(sum) ? sum : null;
  } catch {
    return null;
  }
}
