import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findAnomalies } from '../../analysis/anomalies.ts';
import { agreement, rfcSideBySide, RFC_TABLES } from '../../analysis/rfc-reference.ts';
import type { BenchmarkResult } from '../../analysis/results-schema.ts';
import { bench, results } from '../report/fixture.ts';

const opts = { alpha: 0.05, style: 'rfc' as const };

/** BatchCommit shared and dedicated at the RFC's sizes; `ded(vs)` is dedicated's ns/op relative to shared's. */
function batch(ded: (vs: number) => number, sharedNs: (vs: number) => number = (vs) => 100_000 + vs * 10): BenchmarkResult[] {
  const out: BenchmarkResult[] = [];
  for (const vs of [1024, 4096, 16384, 65536, 262144, 1048576]) {
    out.push(bench('BatchCommit', [['layout', 'shared'], ['order', 'interleaved'], ['vs', String(vs)]], sharedNs(vs), 10));
    out.push(bench('BatchCommit', [['layout', 'dedicated'], ['order', 'interleaved'], ['vs', String(vs)]], sharedNs(vs) * ded(vs), 10));
  }
  return out;
}

test('RFC side by side: a run like the RFC agrees row by row; its 64 KiB "~" row is matched by no change', () => {
  const rows = rfcSideBySide(results(batch((vs) => (vs === 65536 ? 1 : 0.8))), opts)[0]!.rows;
  assert.deepEqual(rows.map((r) => r.agreement), ['agrees', 'agrees', 'agrees', 'agrees', 'agrees', 'agrees']);
  assert.ok(rows[0]!.here!.delta < -0.15 && rows[0]!.here!.significant);
});

test('RFC side by side: opposite significant change disagrees, no change where the RFC saw one is inconclusive, missing is null', () => {
  const t = rfcSideBySide(results(batch((vs) => (vs === 1024 ? 1.2 : vs === 4096 ? 1 : 0.8))), opts);
  assert.equal(t[0]!.rows[0]!.agreement, 'disagrees');
  assert.equal(t[0]!.rows[1]!.agreement, 'inconclusive');
  assert.equal(t[0]!.rows[3]!.agreement, 'disagrees', 'the RFC saw ~ at 64 KiB; a significant change here disagrees');
  assert.equal(t[1]!.rows[0]!.here, null, 'no ReplicaWrite in this run');
  assert.equal(RFC_TABLES.length, 3);
  assert.equal(agreement(null, { delta: 0.01, significant: false }), 'agrees');
});

test('anomalies: time/op that falls with size, a sign flip between sizes, bimodal latency; each names differing counters', () => {
  // dedicated is faster at 1 KiB and 4 KiB, slower at 16 KiB: a sign flip; shared's 64 KiB is faster than its 16 KiB.
  const bs = batch((vs) => (vs <= 4096 ? 0.8 : 1.25), (vs) => (vs === 65536 ? 150_000 : 100_000 + vs * 10));
  // Give the 64 KiB shared case more device flushes than its neighbours, so the flag can name them.
  const odd = bs.find((b) => b.params.layout === 'shared' && b.params.vs === '65536')!;
  for (const r of odd.runs) (r as { observed?: unknown }).observed = { payloadBytesPerOp: 65536, engineSyncsPerOp: 1, devices: [{ device: 'vda', roles: ['data'], writeBack: true, flushesPerOp: 3, bytesPerOp: 200000, writesPerOp: 4 }], writeAmp: 3, engine: {} };
  for (const b of bs) if (b !== odd) for (const r of b.runs) (r as { observed?: unknown }).observed = { payloadBytesPerOp: Number(b.params.vs), engineSyncsPerOp: 1, devices: [{ device: 'vda', roles: ['data'], writeBack: true, flushesPerOp: 1, bytesPerOp: 2 * Number(b.params.vs), writesPerOp: 2 }], writeAmp: 2, engine: {} };
  const slow = bench('ReplicaWrite', [['layout', 'wal'], ['vs', '1024'], ['clients', '1']], 100_000, 6);
  for (const r of slow.runs) (r.latency as { p90: number }).p90 = r.latency.p50 * 4;
  const found = findAnomalies(results([...bs, slow]), opts);
  const kinds = (k: string) => found.filter((a) => a.kind === k).map((a) => a.name);
  // dedicated follows shared's dip (it is a ratio of it), so both are flagged.
  assert.deepEqual(kinds('not-monotonic'), ['BatchCommit/layout=shared/order=interleaved/vs=65536', 'BatchCommit/layout=dedicated/order=interleaved/vs=65536']);
  assert.deepEqual(kinds('sign-flip'), ['BatchCommit/layout=dedicated/order=interleaved/vs=16384']);
  assert.deepEqual(kinds('bimodal'), ['ReplicaWrite/layout=wal/vs=1024/clients=1']);
  const nm = found.find((a) => a.kind === 'not-monotonic')!;
  assert.ok(nm.counters.some((c) => c.counter === 'dev-flush/op' && c.here === 3), JSON.stringify(nm.counters));
});

test('anomalies: a clean run raises none', () => {
  assert.deepEqual(findAnomalies(results(batch(() => 0.8)), opts), []);
});
