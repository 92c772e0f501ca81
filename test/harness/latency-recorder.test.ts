import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatencyRecorder, nearestRank } from '../../harness/runner/latency-recorder.ts';

test('latency recorder: exact nearest-rank percentiles, amended ops, timeline buckets in time order', () => {
  const rec = new LatencyRecorder(1000);
  rec.start();
  for (let i = 1; i <= 1000; i++) rec.record(i * 1000);
  rec.amend(0, 5_000_000); // the first op's second half, timed later
  const s = rec.summary();
  assert.equal(s.min, 2000);
  // Sorted: 2000 .. 1_000_000 (999 values), then the amended 5_001_000.
  assert.equal(s.p50, 501_000);
  assert.equal(s.p90, 901_000);
  assert.equal(s.p99, 991_000);
  assert.equal(s.p999, 1_000_000);
  assert.equal(s.max, 5_001_000);
  const t = rec.timeline();
  assert.equal(t.bucketOps, 5);
  assert.equal(t.meanNs.length, 200);
  assert.equal(t.maxNs[0], 5_001_000, 'the amended op is in the first bucket');
  for (let i = 1; i < t.endMs.length; i++) assert.ok(t.endMs[i]! >= t.endMs[i - 1]!);
});

test('nearestRank picks the smallest sample with at least q of the samples at or below it', () => {
  const xs = Float64Array.from([10, 20, 30, 40]);
  assert.equal(nearestRank(xs, 0.5), 20);
  assert.equal(nearestRank(xs, 0.75), 30);
  assert.equal(nearestRank(xs, 0.76), 40);
  assert.equal(nearestRank(xs, 0), 10);
});
