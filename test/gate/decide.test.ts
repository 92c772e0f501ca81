import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decide, type GateOptions } from '../../analysis/gate/decide.ts';
import { holmAdjust } from '../../analysis/gate/holm.ts';
import { mannWhitneyU, sortSamples } from '../../analysis/stats/index.ts';
import { FP, input, lognormal, rng } from './synthetic.ts';

const NAME = 'BatchCommit/layout=shared/order=interleaved/vs=1024';
const opts = (o: Partial<GateOptions> = {}): GateOptions => ({
  metrics: ['ns/op'], alpha: 0.05, thresholds: { rules: [], fallback: 0.05 }, allowEnvMismatch: false, ...o,
});
const one = (old: number[], cur: number[], o: Partial<GateOptions> = {}, unit = 'ns/op') =>
  decide(input('old', { [NAME]: { [unit]: old } }), input('new', { [NAME]: { [unit]: cur } }), opts({ metrics: [unit], ...o }));

test('identical distributions are never a regression', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const r = rng(seed);
    const same = lognormal(r, 10, 500_000, 0.01);
    const res = one(same, [...same].reverse());
    assert.equal(res.tests[0]!.p, 1);
    assert.equal(res.tests[0]!.verdict, 'no change', res.tests[0]!.reason);
    assert.equal(res.exitCode, 0);
    // A second draw from the same distribution: never a regression (no change or, when noisy, inconclusive).
    const other = one(lognormal(r, 10, 500_000, 0.02), lognormal(r, 10, 500_000, 0.02));
    assert.notEqual(other.tests[0]!.verdict, 'regression', `seed ${seed}: ${other.tests[0]!.reason}`);
  }
});

test('a +20% shift with n=10 is a regression, -20% an improvement; exit codes follow', () => {
  const r = rng(7);
  const base = lognormal(r, 10, 500_000, 0.03);
  const slow = one(base, lognormal(r, 10, 600_000, 0.03));
  const t = slow.tests[0]!;
  assert.equal(t.verdict, 'regression', t.reason);
  assert.ok(t.delta > 0.15 && t.delta < 0.25, String(t.delta));
  assert.ok(t.pAdjusted <= 0.05);
  assert.equal(slow.exitCode, 1);
  assert.equal(slow.pass, false);
  const fast = one(base, lognormal(r, 10, 400_000, 0.03));
  assert.equal(fast.tests[0]!.verdict, 'improvement', fast.tests[0]!.reason);
  assert.equal(fast.exitCode, 0);
});

test('MB/s: higher is better', () => {
  const r = rng(8);
  const base = lognormal(r, 10, 2.0, 0.03);
  assert.equal(one(base, lognormal(r, 10, 1.6, 0.03), {}, 'MB/s').tests[0]!.verdict, 'regression');
  assert.equal(one(base, lognormal(r, 10, 2.4, 0.03), {}, 'MB/s').tests[0]!.verdict, 'improvement');
});

test('n=3 is inconclusive however large the shift: the U test cannot reach alpha', () => {
  const res = one([100, 101, 102], [200, 201, 202]);
  const t = res.tests[0]!;
  assert.equal(t.verdict, 'inconclusive');
  assert.equal(t.cause, 'too-few-samples');
  assert.equal(t.minPossibleP, 0.1);
  assert.match(t.reason, /too few samples: with n=3\+3 .* smallest p is 0\.1000/);
  assert.equal(res.exitCode, 0);
});

test('the sample-size rule counts the Holm family: n=5 suffices for one test, not for ten', () => {
  const old = [100, 101, 102, 103, 104];
  const cur = [200, 201, 202, 203, 204];
  assert.equal(one(old, cur).tests[0]!.verdict, 'regression'); // 2/C(10,5) = 0.0079 <= 0.05
  const many: Record<string, Record<string, number[]>> = { [NAME]: { 'ns/op': old } };
  const manyCur: Record<string, Record<string, number[]>> = { [NAME]: { 'ns/op': cur } };
  for (let i = 0; i < 9; i++) {
    many[`Other/i=${i}`] = { 'ns/op': [1, 2, 3, 4, 5] };
    manyCur[`Other/i=${i}`] = { 'ns/op': [1, 2, 3, 4, 5] };
  }
  const res = decide(input('old', many), input('new', manyCur), opts());
  assert.equal(res.m, 10);
  assert.equal(res.tests[0]!.cause, 'too-few-samples'); // 10 x 0.0079 > 0.05
});

test('Holm step-down: adjusted p-values', () => {
  const adj = holmAdjust([0.01, 0.04, 0.03, 0.005]);
  const want = [0.03, 0.06, 0.06, 0.02];
  adj.forEach((a, i) => assert.ok(Math.abs(a - want[i]!) < 1e-12, `${adj} vs ${want}`));
  assert.deepEqual(holmAdjust([]), []);
  assert.deepEqual(holmAdjust([0.5, 0.9]), [1, 1]);
});

test('Holm in the gate: a change significant alone is not once four tests share alpha', () => {
  // Overlapping samples with a raw p between alpha/4 and alpha.
  const old = [100, 102, 104, 106, 108, 110, 112, 114, 116, 118];
  const cur = old.map((x) => x + 7);
  const raw = mannWhitneyU(sortSamples(old), sortSamples(cur));
  assert.ok(raw.ok && raw.p > 0.05 / 4 && raw.p < 0.05, `raw p ${raw.ok ? raw.p : raw.reason}`);
  const th = { thresholds: { rules: [], fallback: 0.02 } };
  assert.equal(one(old, cur, th).tests[0]!.verdict, 'regression');
  const b: Record<string, Record<string, number[]>> = { [NAME]: { 'ns/op': old } };
  const c: Record<string, Record<string, number[]>> = { [NAME]: { 'ns/op': cur } };
  for (let i = 0; i < 3; i++) {
    const same = [50, 51, 52, 53, 54, 55, 56, 57, 58, 59].map((x) => x + i);
    b[`Other/i=${i}`] = { 'ns/op': same };
    c[`Other/i=${i}`] = { 'ns/op': same };
  }
  const res = decide(input('old', b), input('new', c), opts(th));
  const t = res.tests.find((x) => x.name === NAME)!;
  assert.equal(res.m, 4);
  assert.ok(Math.abs(t.pAdjusted - Math.min(1, 4 * t.p)) < 1e-12);
  assert.notEqual(t.verdict, 'regression', t.reason);
  assert.equal(t.cause, 'not-significant-beyond-threshold');
});

test('noise wider than the threshold is inconclusive, not "no change"', () => {
  const r = rng(11);
  const res = one(lognormal(r, 10, 500_000, 0.3), lognormal(r, 10, 500_000, 0.3));
  const t = res.tests[0]!;
  assert.equal(t.verdict, 'inconclusive', t.reason);
  assert.ok(t.cause === 'spread-wider-than-threshold' || t.cause === 'not-significant-beyond-threshold', t.cause);
});

test('a significant change within the threshold is "no change"', () => {
  const old = [1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009];
  const cur = old.map((x) => x * 1.02);
  const t = one(old, cur).tests[0]!;
  assert.ok(t.significant);
  assert.equal(t.verdict, 'no change', t.reason);
  assert.match(t.reason, /a significant \+2\.0% within the 5\.0% threshold/);
});

test('per-benchmark thresholds from globs decide the same shift differently', () => {
  const r = rng(5);
  const base = lognormal(r, 12, 1000, 0.01);
  const cur = base.map((x) => x * 1.08);
  const big = 'BatchCommit/layout=shared/order=interleaved/vs=1048576';
  const b = input('old', { [NAME]: { 'ns/op': base }, [big]: { 'ns/op': base } });
  const c = input('new', { [NAME]: { 'ns/op': cur }, [big]: { 'ns/op': cur } });
  const res = decide(b, c, opts({ thresholds: { rules: [{ match: 'BatchCommit/*vs=1048576*', metric: null, threshold: 0.1, regex: /^BatchCommit\/.*vs=1048576.*$/s }], fallback: 0.05 } }));
  const byName = new Map(res.tests.map((t) => [t.name, t]));
  assert.equal(byName.get(NAME)!.verdict, 'regression');
  assert.equal(byName.get(NAME)!.thresholdRule, null);
  assert.equal(byName.get(big)!.verdict, 'no change', byName.get(big)!.reason);
  assert.equal(byName.get(big)!.thresholdRule, 'BatchCommit/*vs=1048576*');
  assert.equal(byName.get(big)!.threshold, 0.1);
});

test('environment mismatch makes every verdict inconclusive unless allowed', () => {
  const r = rng(3);
  const base = lognormal(r, 10, 500_000, 0.03);
  const slow = lognormal(r, 10, 600_000, 0.03);
  const other = { ...FP, fsType: 'tmpfs', engines: { rocksdb: '5.2.0 (RocksDB 6.17.3)' } };
  const b = input('old', { [NAME]: { 'ns/op': base } }, FP);
  const c = input('new', { [NAME]: { 'ns/op': slow } }, other);
  const res = decide(b, c, opts());
  assert.equal(res.tests[0]!.verdict, 'inconclusive');
  assert.equal(res.tests[0]!.cause, 'environment-mismatch');
  assert.match(res.tests[0]!.reason, /filesystem: baseline "ext4", current "tmpfs"; engine rocksdb: baseline "5\.2\.1 \(RocksDB 6\.17\.3\)", current "5\.2\.0/);
  assert.equal(res.exitCode, 0);
  assert.deepEqual(res.environment.mismatches.map((m) => m.what), ['filesystem', 'engine rocksdb']);

  const allowed = decide(b, c, opts({ allowEnvMismatch: true }));
  assert.equal(allowed.tests[0]!.verdict, 'regression');
  assert.ok(allowed.notes.some((n) => /environment differs, gated anyway/.test(n)));

  // A/B mode leaves engine versions out: only the filesystem differs then.
  const ab = decide(b, c, opts({ checkEngines: false }));
  assert.deepEqual(ab.environment.mismatches.map((m) => m.what), ['filesystem']);

  const same = decide(b, input('new', { [NAME]: { 'ns/op': slow } }, { ...FP }), opts());
  assert.equal(same.tests[0]!.verdict, 'regression');
  assert.equal(same.environment.checked, true);
});

test('Go text has no fingerprint: the gate says so and proceeds', () => {
  const r = rng(4);
  const res = decide(input('old.txt', { [NAME]: { 'ns/op': lognormal(r, 10, 100, 0.03) } }), input('new', { [NAME]: { 'ns/op': lognormal(r, 10, 120, 0.03) } }, FP), opts());
  assert.equal(res.environment.checked, false);
  assert.ok(res.notes.some((n) => /baseline is Go benchmark text: no environment fingerprint/.test(n)), res.notes.join('\n'));
  assert.equal(res.tests[0]!.verdict, 'regression');
});

test('benchmarks or metrics on one side only are notes, not tests', () => {
  const b = input('old', { [NAME]: { 'ns/op': [1, 2, 3, 4, 5, 6] }, 'Gone/x=1': { 'ns/op': [1, 2, 3] } });
  const c = input('new', { [NAME]: { 'ns/op': [1, 2, 3, 4, 5, 6] }, 'New/x=1': { 'ns/op': [1, 2, 3] } });
  const res = decide(b, c, opts({ metrics: ['ns/op', 'p99-ns'] }));
  assert.equal(res.m, 1);
  assert.ok(res.notes.some((n) => n.includes('only in the baseline, not gated: Gone/x=1')));
  assert.ok(res.notes.some((n) => n.includes('only in the current run, not gated: New/x=1')));
  assert.ok(res.notes.some((n) => n.includes('metric p99-ns is not in the baseline or the current run')));
});
