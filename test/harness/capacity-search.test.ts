import { test } from 'node:test';
import assert from 'node:assert/strict';
import { searchCapacity, type ProbeOutcome, type SearchOptions } from '../../harness/runner/capacity-search.ts';
import { parseSlo, sloNamePart } from '../../harness/runner/slo.ts';
import type { RunResult } from '../../analysis/results-schema.ts';

const SLO = parseSlo('p99=10ms');
const OPTS: SearchOptions = { slo: SLO, startRate: 500, maxRate: 200_000, minRate: 10, resolution: 0.05, maxProbes: 16 };

/** A queue's hockey stick: p99 = base / (1 - rate/saturation), unbounded past saturation. */
function model(baseNs: number, saturation: number): (rate: number) => Promise<ProbeOutcome> {
  return async (rate) => ({ run: fakeRun(rate, rate < saturation), valueNs: rate < saturation ? baseNs / (1 - rate / saturation) : Infinity });
}

function fakeRun(rate: number, keptUp: boolean): RunResult {
  const l = { min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  return {
    ops: 1, nsPerOp: 1, mbPerSec: 0, syncsPerOp: 0, diskBytesPerOp: null, latency: l, timeline: { bucketOps: 1, endMs: [], meanNs: [], maxNs: [] }, extra: {},
    open: { rateOpsPerSec: rate, arrival: 'fixed', achievedOpsPerSec: rate, uncorrected: l, maxBacklog: 0, endLagNs: 0, keptUp },
  };
}

test('capacity search brackets, bisects and confirms the highest rate under the bound on a synthetic hockey stick', async () => {
  // 1 ms at no load, saturating at 8000 ops/s: p99 <= 10 ms up to 8000 * (1 - 0.1) = 7200 ops/s.
  const truth = 7200;
  const r = (await searchCapacity(OPTS, model(1e6, 8000)))!;
  assert.ok(r.capacityOpsPerSec <= truth, `capacity ${r.capacityOpsPerSec} must pass the bound (truth ${truth})`);
  assert.ok(r.capacityOpsPerSec >= truth / (1 + OPTS.resolution) - 1, `capacity ${r.capacityOpsPerSec} within the resolution of ${truth}`);
  assert.equal(r.bound, 'exact');
  const phases = r.probes.map((p) => p.phase);
  assert.deepEqual(phases.slice(0, 5), ['bracket', 'bracket', 'bracket', 'bracket', 'bracket'], '500, 1000, 2000, 4000, 8000');
  assert.ok(phases.includes('bisect'));
  const last = r.probes[r.probes.length - 1]!;
  assert.equal(last.phase, 'confirm');
  assert.equal(last.rateOpsPerSec, r.capacityOpsPerSec);
  assert.ok(r.probes.every((p) => p.pass === p.valueNs <= SLO.boundNs), 'every probe kept with its verdict');
  assert.ok(r.probes.length <= OPTS.maxProbes);
});

test('a confirming run that fails refutes the rate; the search goes on below it', async () => {
  const base = model(1e6, 8000);
  let seen7000 = 0;
  // The first probe at the best pass was lucky: its rerun misses the bound, and so does everything above 6000.
  const flaky = async (rate: number) => {
    const out = await base(rate);
    if (rate > 6000 && out.valueNs <= SLO.boundNs && seen7000++ > 0) return { ...out, valueNs: 2 * SLO.boundNs };
    return out;
  };
  const r = (await searchCapacity(OPTS, flaky))!;
  assert.ok(r.probes.some((p) => p.phase === 'confirm' && !p.pass), 'a confirming run failed');
  assert.ok(r.capacityOpsPerSec <= 6000 && r.capacityOpsPerSec > 0, `capacity ${r.capacityOpsPerSec}`);
  const confirm = r.probes[r.probes.length - 1]!;
  assert.equal(confirm.phase, 'confirm');
  assert.ok(confirm.pass);
});

test('a layout that misses the bound at the lowest rate has capacity 0; one that never fails is a lower bound', async () => {
  const none = (await searchCapacity(OPTS, model(20e6, 8000)))!;
  assert.equal(none.capacityOpsPerSec, 0);
  assert.equal(none.bound, 'exact');
  assert.equal(none.probes[none.probes.length - 1]!.rateOpsPerSec, OPTS.minRate);
  const fast = (await searchCapacity({ ...OPTS, maxRate: 4000 }, model(1e3, 1e9)))!;
  assert.equal(fast.capacityOpsPerSec, 4000);
  assert.equal(fast.bound, 'at-least');
});

test('a run that fell behind fails even under the bound; a stopped probe stops the search', async () => {
  const behind = async (rate: number): Promise<ProbeOutcome> => ({ run: fakeRun(rate, rate <= 1000), valueNs: 1e6 });
  const r = (await searchCapacity(OPTS, behind))!;
  assert.ok(r.capacityOpsPerSec >= 1000 / (1 + OPTS.resolution) && r.capacityOpsPerSec <= 1000, `capacity ${r.capacityOpsPerSec}`);
  assert.equal(await searchCapacity(OPTS, async () => null), null);
});

test('--slo takes any percentile and bound with a unit, and refuses anything else in one line', () => {
  assert.deepEqual(parseSlo('p99=10ms'), { label: 'p99', quantile: 0.99, boundNs: 10e6 });
  assert.deepEqual(parseSlo('p99.9=500us'), { label: 'p99.9', quantile: 0.999, boundNs: 500e3 });
  assert.equal(parseSlo('p50=2s').boundNs, 2e9);
  assert.equal(sloNamePart(parseSlo('p99=10ms')), 'p99-10ms');
  assert.equal(sloNamePart(parseSlo('p99.9=1500us')), 'p99.9-1500us');
  for (const bad of ['', 'p99', 'p99=10', 'p100=1ms', 'p0=1ms', '99=1ms', 'p99=0ms', 'p99=-1ms']) {
    assert.throws(() => parseSlo(bad), (e: Error) => e.name === 'UserError' && /bad --slo .*valid: pPERCENTILE=BOUND/.test(e.message) && !e.message.includes('\n'), bad);
  }
});
