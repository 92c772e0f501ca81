import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';

/** Memory the process uses and may use, in bytes. */
export interface MemoryReading {
  readonly heapUsed: number;
  /** V8's heap limit (`--max-old-space-size`): past it V8 aborts the process. */
  readonly heapLimit: number;
  readonly rss: number;
  /** What the process may hold in all: the cgroup's memory.max when set, else physical memory. */
  readonly rssLimit: number;
}

/** Stop when the heap passes this share of V8's limit, or RSS this share of the memory limit. */
export const HEAP_SHARE = 0.85;
export const RSS_SHARE = 0.9;

export function readMemory(): MemoryReading {
  const h = getHeapStatistics();
  return { heapUsed: h.used_heap_size, heapLimit: h.heap_size_limit, rss: process.memoryUsage.rss(), rssLimit: memoryLimit() };
}

function memoryLimit(): number {
  try {
    const v = readFileSync('/sys/fs/cgroup/memory.max', 'utf8').trim();
    const n = Number(v);
    if (v !== 'max' && Number.isFinite(n) && n > 0) return Math.min(n, totalmem());
  } catch {
    // no cgroup v2 limit readable: physical memory is the limit
  }
  return totalmem();
}

/** One line saying why the run must stop for memory, or null while there is room. */
export function memoryPressure(m: MemoryReading): string | null {
  const mib = (b: number) => `${Math.round(b / 2 ** 20)} MiB`;
  if (m.heapUsed > HEAP_SHARE * m.heapLimit) {
    return `out of memory: the JS heap holds ${mib(m.heapUsed)} of its ${mib(m.heapLimit)} limit; stopped before V8 aborts (fewer --ops, or node --max-old-space-size)`;
  }
  if (m.rss > RSS_SHARE * m.rssLimit) {
    return `out of memory: the process uses ${mib(m.rss)} of ${mib(m.rssLimit)} available; stopped before the system kills it (fewer --ops)`;
  }
  return null;
}

/**
 * Checks memory at most every `everyCalls` calls of `check()` (cheap enough for the op loop's stop poll)
 * and always when `force` is set (between runs). Once tripped it stays tripped, with its reason.
 */
export class MemoryGuard {
  #calls = 0;
  #reason: string | null = null;
  constructor(
    private readonly read: () => MemoryReading = readMemory,
    private readonly everyCalls = 1024,
  ) {}

  check(force = false): boolean {
    if (this.#reason !== null) return true;
    if (!force && ++this.#calls % this.everyCalls !== 0) return false;
    this.#reason = memoryPressure(this.read());
    return this.#reason !== null;
  }

  get reason(): string | null {
    return this.#reason;
  }
}
