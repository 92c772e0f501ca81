import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { arrivalTimes, openLoop } from '../../scenarios/client-load.ts';
import type { OpSink } from '../../scenarios/family.ts';

function sink(): OpSink & { corrected: number[]; sent: number[]; backlog: number[] } {
  const s = {
    corrected: [] as number[],
    sent: [] as number[],
    backlog: [] as number[],
    record: (ns: number) => void s.corrected.push(ns),
    recordSent: (ns: number, q: number) => void (s.sent.push(ns), s.backlog.push(q)),
    amend: () => undefined,
  };
  return s;
}

const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(0.99 * xs.length) - 1]!;

test('arrivals: fixed is evenly spaced; poisson has mean gap 1/rate and replays from its seed', () => {
  const fixed = arrivalTimes(5, { rate: 1000, arrival: 'fixed', seed: 1 });
  assert.deepEqual([...fixed], [0, 1e6, 2e6, 3e6, 4e6]);
  const n = 20_000;
  const a = arrivalTimes(n, { rate: 1000, arrival: 'poisson', seed: 7 });
  const meanGap = a[n - 1]! / (n - 1);
  assert.ok(Math.abs(meanGap - 1e6) < 0.03e6, `mean gap ${meanGap}`);
  assert.deepEqual([...arrivalTimes(50, { rate: 1000, arrival: 'poisson', seed: 7 })], [...a.slice(0, 50)]);
  assert.notDeepEqual([...arrivalTimes(50, { rate: 1000, arrival: 'poisson', seed: 8 })], [...a.slice(0, 50)]);
});

test('open loop keeps sending through a stall: latency from the intended start sees it, from the send hides it', async () => {
  // One client, 500 ops/s, instant ops but op 20, which stalls 60 ms: 30 ops fall due meanwhile and queue.
  const s = sink();
  const t0 = process.hrtime.bigint();
  const done = await openLoop(1, 100, s, () => false, async (i) => (i === 20 ? sleep(60) : undefined), { rate: 500, arrival: 'fixed', seed: 1 });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  assert.equal(done, 100);
  assert.equal(s.corrected.length, 100);
  assert.equal(s.sent.length, 100);
  assert.ok(wallMs >= 198 && wallMs < 1000, `the run follows its schedule (${wallMs} ms for 100 ops at 500/s)`);
  assert.ok(Math.max(...s.backlog) >= 20, `ops queued behind the stall (max ${Math.max(...s.backlog)})`);
  // Uncorrected: one slow op; corrected: every op that waited behind it counts the wait.
  const slowCorrected = s.corrected.filter((x) => x > 30e6).length;
  const slowSent = s.sent.filter((x) => x > 30e6).length;
  assert.ok(slowSent >= 1 && slowSent <= 3, `from its send only the stalled op is slow (a busy machine may add one or two): ${slowSent}`);
  assert.ok(slowCorrected >= 12, `ops behind the stall are slow from their intended start (${slowCorrected})`);
  assert.ok(p99(s.corrected) > 30e6 && p99(s.sent) < p99(s.corrected));
  for (let i = 0; i < 100; i++) assert.ok(s.corrected[i]! >= s.sent[i]! - 1, 'intended start is never after the send');
});

test('open loop stops sending when asked, and ends with what it sent', async () => {
  const s = sink();
  let sent = 0;
  const done = await openLoop(4, 1000, s, () => sent >= 10, async () => void sent++, { rate: 2000, arrival: 'poisson', seed: 3 });
  assert.equal(done, 10);
  assert.equal(s.corrected.length, 10);
});

test('open loop asks to stop before each send, also when a backlog falls due at once', async () => {
  // Op 0 holds the event loop for 20 ms, so ~40 ops at 2000/s are due when the loop pumps again, with
  // all four clients free: a pump that sent a whole turn's worth unasked would send four.
  const s = sink();
  let sent = 0;
  const hold = (ms: number) => {
    const end = Date.now() + ms;
    while (Date.now() < end);
  };
  const done = await openLoop(4, 1000, s, () => sent >= 2, async (i) => void (sent++, i === 0 && hold(20)), { rate: 2000, arrival: 'fixed', seed: 3 });
  assert.equal(done, 2);
  assert.equal(sent, 2);
});
