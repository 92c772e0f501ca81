import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { test } from 'node:test';
import { calibrate, measureAppend, WARMUP_OPS } from '../../harness/calibrate/calibrate.ts';
import { floorFor, floorKind } from '../../analysis/device-floor.ts';
import { renderCalibration } from '../../reports/calibrate-text.ts';
import type { CalibrationPoint } from '../../analysis/results-schema.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

test('calibrate measures both floors per size; the appending file is removed', async () => {
  const { dir, cleanup } = await tmpDir('cal2-');
  try {
    const cal = await calibrate(dir, { sizes: [1024, 65536], ops: 20 });
    assert.ok(cal.appendMode === 'fallocate-keep-size' || cal.appendMode === 'growing');
    for (const p of cal.points) {
      assert.ok(p.append, `append floor at ${p.size}`);
      assert.ok(p.append.ops > 0 && p.append.ops <= 20);
      assert.ok(p.append.p50Ns > 0 && p.append.p50Ns <= p.append.p99Ns);
    }
    assert.deepEqual(await readdir(dir), []);
    const text = renderCalibration(cal);
    assert.match(text, /append p50/);
    const old = await calibrate(dir, { sizes: [1024], ops: 5, appendFloor: false });
    assert.equal(old.points[0]!.append, undefined);
    assert.equal(old.appendMode, undefined);
  } finally {
    await cleanup();
  }
});

test('the appending floor appends: every write extends the file, none overwrites', async () => {
  const { dir, cleanup } = await tmpDir('cal3-');
  try {
    const r = measureAppend(dir, 4096, 16 << 20, 25, 10_000_000_000n);
    assert.equal(r.point.ops, 25);
    assert.equal(r.fileBytes, (25 + WARMUP_OPS) * 4096, 'file size = bytes written: each write at the end');
  } finally {
    await cleanup();
  }
});

test('each layout is read against the floor it can reach; old points fall back to the pre-written floor', () => {
  const point: CalibrationPoint = { size: 1024, ops: 10, p50Ns: 100_000, p99Ns: 200_000, meanNs: 110_000, syncsPerSec: 9090, append: { ops: 10, p50Ns: 150_000, p99Ns: 300_000, meanNs: 160_000 } };
  const { append: _a, ...old } = point;
  for (const l of ['shared', 'dedicated', 'shared-cf']) {
    assert.equal(floorKind(l), 'appending');
    assert.deepEqual(floorFor(l, point), { kind: 'appending', p50Ns: 150_000 });
    assert.deepEqual(floorFor(l, old), { kind: 'pre-written', p50Ns: 100_000 });
  }
  for (const l of ['wal', 'wal-per-group', 'lmdb', 'memory']) assert.deepEqual(floorFor(l, point), { kind: 'pre-written', p50Ns: 100_000 });
});
