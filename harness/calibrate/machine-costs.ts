import { hrtime } from 'node:process';
import type { MachineCosts } from '../../analysis/results-schema.ts';

const FAULT_BYTES = 32 << 20;
const PAGE = 4096;
export const WAKE_SLEEP_NS = 100_000;
const WAKE_SAMPLES = 200;

const now = () => Number(hrtime.bigint());

/**
 * Times a minor fault (the first touch of each page of fresh memory) and how late a thread runs after a
 * `WAKE_SLEEP_NS` sleep. Seen here: ~13-16 µs a fault (bare metal: well under 1 µs) and ~100 µs late.
 */
export function measureMachineCosts(): MachineCosts {
  // Its own mapping (larger than malloc's mmap threshold), never touched: one fault per page written.
  const mem = Buffer.allocUnsafeSlow(FAULT_BYTES);
  const f0 = process.resourceUsage().minorPageFault;
  const t0 = now();
  for (let i = 0; i < FAULT_BYTES; i += PAGE) mem[i] = 1;
  const t1 = now();
  const faults = process.resourceUsage().minorPageFault - f0;
  const pages = FAULT_BYTES / PAGE;
  const pageFaultNs = faults >= pages / 4 ? (t1 - t0) / faults : null;

  const cell = new Int32Array(new SharedArrayBuffer(4));
  const late: number[] = [];
  for (let i = 0; i < WAKE_SAMPLES; i++) {
    const a = now();
    Atomics.wait(cell, 0, 0, WAKE_SLEEP_NS / 1e6);
    late.push(now() - a - WAKE_SLEEP_NS);
  }
  late.sort((x, y) => x - y);
  return { pageFaultNs, pageFaults: faults, wakeLateNs: Math.max(0, late[late.length >> 1]!) };
}
