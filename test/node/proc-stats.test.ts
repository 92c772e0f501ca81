import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { schedWaitNs } from '../../node/proc-stats.ts';

const spinFor = (ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end);
};

test('schedWaitNs counts the time this process waited for a CPU: it grows when more threads want to run than there are CPUs', async () => {
  const w0 = schedWaitNs();
  assert.ok(w0 !== null, 'this kernel has schedstat');
  // One busy process per CPU beside this one: for 400 ms there is always a runnable thread without a CPU.
  const hogs = Array.from({ length: availableParallelism() }, () => spawn(process.execPath, ['-e', 'const e = Date.now() + 1500; while (Date.now() < e);'], { stdio: 'ignore' }));
  try {
    await new Promise((r) => setTimeout(r, 200)); // the hogs are running
    const w1 = schedWaitNs()!;
    spinFor(400);
    const w2 = schedWaitNs()!;
    assert.ok(w2 - w1 > 10e6, `waited ${(w2 - w1) / 1e6} ms for a CPU while ${hogs.length} other processes spun`);
    // Alone again and idle, it hardly waits.
  } finally {
    for (const h of hogs) h.kill('SIGKILL');
    await Promise.all(hogs.map((h) => new Promise((r) => (h.exitCode !== null ? r(null) : h.once('exit', r)))));
  }
  const w3 = schedWaitNs()!;
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(schedWaitNs()! - w3 < 50e6, 'an idle process barely waits');
});
