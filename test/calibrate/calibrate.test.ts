import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { test } from 'node:test';
import { calibrate, IMPLAUSIBLE_SYNC_NS, nonDurableReason } from '../../harness/calibrate/calibrate.ts';
import { fsInfo } from '../../engines/fs-info.ts';
import { renderCalibration } from '../../reports/calibrate-text.ts';
import type { Calibration, CalibrationPoint } from '../../analysis/results-schema.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

/** Internal consistency only: the machine is shared, so no timing thresholds. */
function assertConsistent(cal: Calibration, sizes: readonly number[], maxOps: number): void {
  assert.deepEqual(cal.points.map((p) => p.size), sizes);
  for (const p of cal.points) {
    assert.ok(p.ops > 0 && p.ops <= maxOps, `ops ${p.ops}`);
    assert.ok(p.p50Ns > 0 && p.p50Ns <= p.p99Ns, `p50 ${p.p50Ns} p99 ${p.p99Ns}`);
    assert.ok(p.meanNs > 0 && Number.isFinite(p.meanNs));
    assert.ok(Math.abs(p.syncsPerSec * p.meanNs - 1e9) < 1e-3 * 1e9, 'syncs/s = 1e9 / mean');
  }
}

test('calibrate on a real directory: plausible, consistent numbers; the test file is removed', async () => {
  const { dir, cleanup } = await tmpDir('cal-');
  try {
    const seen: number[] = [];
    const cal = await calibrate(dir, { sizes: [1024, 4096, 65536], ops: 30, onProgress: (p, i, n) => seen.push(p.size, i, n) });
    assert.equal(cal.dir, dir);
    assert.equal(cal.fsType, fsInfo(dir).type);
    assertConsistent(cal, [1024, 4096, 65536], 30);
    assert.deepEqual(seen, [1024, 0, 3, 4096, 1, 3, 65536, 2, 3]);
    assert.equal(cal.durable, nonDurableReason(cal.fsType, cal.points) === null);
    assert.deepEqual(await readdir(dir), []);
    // JSON round trip is the stored form.
    assert.deepEqual(JSON.parse(JSON.stringify(cal)), cal);
  } finally {
    await cleanup();
  }
});

test('calibrate stops at the time bound', async () => {
  const { dir, cleanup } = await tmpDir('cal-');
  try {
    const cal = await calibrate(dir, { sizes: [4096], ops: 1_000_000, seconds: 0.05 });
    const p = cal.points[0]!;
    assert.ok(p.ops >= 1 && p.ops < 1_000_000);
    assert.deepEqual(await readdir(dir), []);
  } finally {
    await cleanup();
  }
});

test('calibrate removes its file when it fails, and rejects bad options', async () => {
  await assert.rejects(calibrate('/nonexistent/dir', { sizes: [4096] }), { code: 'ENOENT' });
  const { dir, cleanup } = await tmpDir('cal-');
  try {
    await assert.rejects(calibrate(dir, { sizes: [] }), RangeError);
    await assert.rejects(calibrate(dir, { sizes: [0] }), RangeError);
    await assert.rejects(calibrate(dir, { sizes: [4096], ops: 0 }), RangeError);
    await assert.rejects(calibrate(dir, { sizes: [4096], seconds: 0 }), RangeError);
    await assert.rejects(
      calibrate(dir, {
        sizes: [4096, 8192],
        ops: 3,
        onProgress: () => {
          throw new Error('stop');
        },
      }),
      /stop/,
    );
    assert.deepEqual(await readdir(dir), []);
  } finally {
    await cleanup();
  }
});

const shmIsTmpfs = fsInfo('/dev/shm').type === 'tmpfs';

test('tmpfs is flagged not durable', { skip: shmIsTmpfs ? false : '/dev/shm is not tmpfs here' }, async () => {
  const cal = await calibrate('/dev/shm', { sizes: [4096], ops: 20 });
  assert.equal(cal.fsType, 'tmpfs');
  assert.equal(cal.durable, false);
  assertConsistent(cal, [4096], 20);
  assert.ok(!(await readdir('/dev/shm')).some((f) => f.startsWith('.raftbench-calibrate-')));
  assert.match(renderCalibration(cal), /^warning: not durable: \/dev\/shm is on tmpfs/m);
});

test('nonDurableReason: memory filesystems, and a median faster than the threshold at any size', () => {
  const pt = (size: number, p50Ns: number): CalibrationPoint => ({ size, ops: 10, p50Ns, p99Ns: p50Ns, meanNs: p50Ns, syncsPerSec: 1e9 / p50Ns });
  assert.match(nonDurableReason('ramfs', [pt(4096, 1e6)]) ?? '', /ramfs/);
  assert.equal(nonDurableReason('ext4', [pt(4096, 100_000), pt(1 << 20, 500_000)]), null);
  assert.equal(nonDurableReason('ext4', [pt(4096, IMPLAUSIBLE_SYNC_NS)]), null);
  assert.match(nonDurableReason('ext4', [pt(4096, IMPLAUSIBLE_SYNC_NS - 1)], '/d') ?? '', /^\/d: .*4096 bytes.*implausibly fast/);
  assert.match(nonDurableReason('xfs', [pt(1 << 20, 90_000), pt(1024, 3_000)]) ?? '', /1024 bytes/);
  assert.equal(nonDurableReason('ext4', []), null);
});

test('renderCalibration: aligned table and no warning for a durable directory', () => {
  const cal: Calibration = {
    dir: '/data',
    fsType: 'ext4',
    durable: true,
    points: [
      { size: 1024, ops: 1000, p50Ns: 115_000, p99Ns: 1_020_000, meanNs: 121_000, syncsPerSec: 8264.46 },
      { size: 1 << 20, ops: 1000, p50Ns: 438_000, p99Ns: 791_000, meanNs: 460_000, syncsPerSec: 2173.9 },
    ],
  };
  const text = renderCalibration(cal, { type: 'ext4', device: '/dev/vda', mountPoint: '/' });
  assert.equal(
    text,
    [
      'write+fdatasync latency of /data (ext4 on /dev/vda, mounted at /)',
      'size   ops    p50     p99   mean  syncs/s',
      '1KiB  1000  115µs  1.02ms  121µs     8264',
      '1MiB  1000  438µs   791µs  460µs     2174',
      '',
    ].join('\n'),
  );
});
