import { readFileSync } from 'node:fs';

/**
 * Bytes this process (all its threads, RocksDB's background flushes and compactions included) caused to
 * be sent to the block layer, from /proc/self/io `write_bytes`. Null where the file does not exist or
 * the kernel hides it.
 */
export function processWriteBytes(): number | null {
  try {
    const m = /^write_bytes:\s*(\d+)/m.exec(readFileSync('/proc/self/io', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}
