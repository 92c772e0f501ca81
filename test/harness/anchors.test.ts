import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CASES, cpuLines, fioJobFigures, main, quiet, type Bracketed, type Round } from '../../harness/anchors/anchors.ts';

test("fio's job: one op's p50 is the write's plus the fdatasync's, and its CPU per op is usr+sys over its runtime per write", () => {
  const f = fioJobFigures({
    usr_cpu: 10,
    sys_cpu: 40,
    job_runtime: 200,
    write: { total_ios: 500, runtime: 201, clat_ns: { percentile: { '50.000000': 9_000 } } },
    sync: { lat_ns: { percentile: { '50.000000': 250_000 } } },
  });
  assert.equal(f.p50Ns, 259_000);
  // 50% of 200 ms over 500 writes: 200 µs per op.
  assert.equal(f.cpuNs, 200_000);
});

test('what the cases add, by counter: CPU over the fio runs around each case, faults per op and their cost at the machine\'s price', () => {
  const b = (cpuNs: number, faults: number, refCpuNs: number): Bracketed => ({ value: 300_000, ref: 250_000, cpu: { cpuNs, faults }, refCpuNs });
  const round = (k: number): Round => ({
    pre: [250_000],
    preCpu: [100_000 + k],
    app: NaN,
    dbSync: [],
    dbNoSync: NaN,
    raw: b(NaN, 0, NaN),
    machine: { pageFaultNs: 13_000, pageFaults: 8192, wakeLateNs: 100_000 },
    rb: new Map([['rocksdb9', new Map([[CASES.bcWal, b(150_000 + k, 0.5, 100_000)], [CASES.rwWal, b(300_000, 2, 100_000)], [CASES.bcShared, b(140_000, 0.3, NaN)], [CASES.rwShared, b(280_000, 1.5, NaN)]])]]),
  });
  const text = cpuLines([round(0), round(2), round(4)], ['rocksdb9']).join('\n');
  assert.match(text, /machine: a minor page fault costs 13\.0 µs; a thread runs 100\.0 µs late/);
  assert.match(text, /fio pre-written, CPU per op \(its usr\+sys\)\s+100\.0 µs/);
  assert.match(text, /BatchCommit wal, rocksdb9: CPU per op\s+150\.0 µs \(\+50\.0 µs over the fio runs around it\); 0\.50 faults\/op ≈ 6\.5 µs at the fault cost/);
  assert.match(text, /ReplicaWrite shared clients=1, rocksdb9: CPU per op\s+280\.0 µs; 1\.50 faults\/op ≈ 19\.5 µs/);
});

test('anchors: bad flags are refused before anything is made or installed', async () => {
  await assert.rejects(main(['--rounds', '0']), /--rounds 0: a whole number >= 1/);
  await assert.rejects(main(['--binding', 'leveldb']), /--binding leveldb: valid are/);
  await assert.rejects(main(['--warm', 'lots']), /--warm lots: a whole number of ops >= 0/);
  await assert.rejects(main(['--cpu', '4096']), /--cpu 4096: this machine has CPUs 0-\d+/);
});

test('anchors: quiet means load below 1 before the run, and below 2 at its end (its own tools hold about 1)', () => {
  assert.equal(quiet(0.5, 1.22), true);
  assert.equal(quiet(1.1, 1.2), false);
  assert.equal(quiet(0.5, 2.3), false);
});
